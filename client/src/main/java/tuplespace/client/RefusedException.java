package tuplespace.client;

/**
 * The proxy refused this connection: it already serves its maximum of clients (docs/protocol.md "Limits and failures"),
 * the AUTH token is wrong or missing, the client sent plain text to a TLS port, or the connection was idle longer than
 * the proxy's {@code --client-idle-timeout} allows. Nothing was applied (by the request that fails with it); the
 * connection is closed.
 */
public final class RefusedException extends TupleSpaceException {

    public RefusedException(String message) {
        super(message);
    }

    public RefusedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A request made once the connection had closed: never sent ({@link #wasSent()}); {@code cause} says why. */
    static RefusedException notSent(String message, TupleSpaceException cause) {
        return new RefusedException(message, cause, false);
    }

    private RefusedException(String message, Throwable cause, boolean sent) {
        super(message, cause, sent);
    }
}
