package tuplespace.replication;

/**
 * A broken replication invariant (a gap in the log, a stale epoch, a digest that differs). The node
 * that sees it must stop (fail-stop): limping on with a copy that may differ is worse.
 */
public final class ReplicationInvariantException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReplicationInvariantException(String message) {
        super(message);
    }
}
