package tuplespace.node.persistence;

/**
 * What the write-ahead log tells its owner, on the {@code Executor} the owner gave (its event loop), in order.
 * Implementations run on that executor and must not block.
 */
public interface LogListener {

    /** The log got further; the node may answer up to {@code mode.logged(progress)}. Only sent when something changed. */
    void progress(LogProgress progress);

    /**
     * A write or a force failed. Progress stands still (nothing more counts as logged) until the log has rewritten the
     * segment into a fresh file, after which {@link #progress} resumes; this is called again for each attempt that
     * fails. A full disk arrives here too, its cause's message saying "No space left on device". The node decides
     * whether to go on serving meanwhile (answers wait for the log either way).
     */
    void failed(LogFailure failure);
}
