package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.file.Path;
import tuplespace.space.IoFailure;

/**
 * A write or force of the log failed: {@code operation} ("write", "force", "rewrite", ...) on {@code file}. The file
 * is not trusted again (after a failed fsync Linux may have dropped the unwritten pages and report success later):
 * nothing beyond {@code forced} is counted as logged until the log has rewritten the whole segment from memory into a
 * fresh file, which it tries again every {@link LogOptions#retryInterval()} and on {@link WriteAheadLog#sync()}. No
 * entry is lost from memory meanwhile; the node decides whether to go on serving.
 */
public record LogFailure(Path file, String operation, IOException cause, long forced) {

    /** One line for the operator: what failed, on which file, why, and what the log does about it. */
    public String describe() {
        return "the write-ahead log's " + operation + " of " + file + " failed (" + IoFailure.describe(cause)
                + "); the file is not trusted again: the log keeps its segment's entries in memory (those after entry "
                + forced + ", the last forced to disk) and rewrites them into a fresh file once the disk writes again";
    }
}
