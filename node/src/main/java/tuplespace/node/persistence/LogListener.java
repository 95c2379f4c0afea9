package tuplespace.node.persistence;

/**
 * What the write-ahead log tells its owner, on the {@code Executor} the owner gave (its event loop), in order.
 * Implementations run on that executor and must not block.
 */
public interface LogListener {

    /** The log got further; the node may answer up to {@code mode.logged(progress)}. Only sent when something changed. */
    void progress(LogProgress progress);

    /**
     * A write or a force failed; progress stops at {@link LogFailure#forced()} (or lower in {@link FsyncMode#ALWAYS}
     * it never passed) until the log has recovered in a fresh file, and {@link #progress} then resumes. Disk full
     * arrives here too, with the cause's message "No space left on device".
     */
    void failed(LogFailure failure);
}
