package tuplespace.space;

import java.io.IOException;
import java.nio.file.Path;

/** A space file that cannot be read or written; the message names the file and the problem (SPEC §3, §5). */
public final class SpaceFileException extends IOException {

    public SpaceFileException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SpaceFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
