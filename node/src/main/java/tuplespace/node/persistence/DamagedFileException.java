package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that cannot be trusted, found while starting: the node must not start from it (no silent data loss, no
 * partial state). The message says which file, at which offset, what was expected and found, and what the operator
 * can do about it.
 */
public final class DamagedFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Where the damage is in its file, or -1 when it is about the file as a whole (a missing segment). */
    private final long offset;
    private final transient Path file;
    /** The message up to what to do: "FILE at offset N: expected X, found Y". */
    private final String damage;

    private DamagedFileException(Path file, long offset, String damage, String message) {
        super(message);
        this.file = file;
        this.offset = offset;
        this.damage = damage;
    }

    /** Damage at {@code offset} of {@code file}: "FILE at offset N: expected X, found Y. WHAT TO DO". */
    public static DamagedFileException at(Path file, long offset, String expectedFound, String whatToDo) {
        String damage = file + " at offset " + offset + ": " + expectedFound;
        return new DamagedFileException(file, offset, damage, damage + ". " + whatToDo);
    }

    /** Damage of {@code file} as a whole (say, the segment that should follow it is missing). */
    public static DamagedFileException of(Path file, String expectedFound, String whatToDo) {
        String damage = file + ": " + expectedFound;
        return new DamagedFileException(file, -1, damage, damage + ". " + whatToDo);
    }

    /**
     * The same damage with {@code whatToDo} in place of what its message said to do (and of any context added), for a
     * caller that knows better (say, a backup whose primary serves another copy).
     */
    public DamagedFileException withAdvice(String whatToDo) {
        DamagedFileException other = new DamagedFileException(file, offset, damage, damage + ". " + whatToDo);
        other.setStackTrace(getStackTrace());
        return other;
    }

    /**
     * The same damage, {@code context} added to its message as a sentence of its own (say, what the other node
     * directories hold).
     */
    public DamagedFileException withContext(String context) {
        String message = getMessage();
        String sentence = message.endsWith(".") ? message : message + ".";
        DamagedFileException more = new DamagedFileException(file, offset, damage, sentence + " " + context);
        more.setStackTrace(getStackTrace());
        return more;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
