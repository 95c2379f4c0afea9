package tuplespace.space;

import java.io.IOException;
import java.nio.file.Path;

/** A space file that cannot be read or written; the message names the file and the problem (README "Running it"). */
public final class SpaceFileException extends IOException {

    private final String problem;

    public SpaceFileException(Path file, String problem) {
        this(file, problem, problem, null);
    }

    public SpaceFileException(Path file, String problem, Throwable cause) {
        this(file, problem, problem, cause);
    }

    private SpaceFileException(Path file, String what, String problem, Throwable cause) {
        super(file + ": " + what, cause);
        this.problem = problem;
    }

    /** A save that failed: {@code FILE: cannot save the space: REASON}, whose {@link #problem} is the reason alone. */
    static SpaceFileException cannotSave(Path file, String reason, Throwable cause) {
        return new SpaceFileException(file, "cannot save the space: " + reason, reason, cause);
    }

    /** What went wrong, for a message that says already which file and what was being done to it. */
    public String problem() {
        return problem;
    }
}
