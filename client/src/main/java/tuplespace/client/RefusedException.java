package tuplespace.client;

/** The proxy refused this connection (it already serves its maximum of clients, SPEC §3); nothing was applied. */
public final class RefusedException extends TupleSpaceException {

    public RefusedException(String message) {
        super(message);
    }

    public RefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
