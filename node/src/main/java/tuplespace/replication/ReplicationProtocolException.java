package tuplespace.replication;

/** Bytes on a node-internal link that are not a replication message: the peer is dropped, nothing else. */
public final class ReplicationProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReplicationProtocolException(String message) {
        super(message);
    }
}
