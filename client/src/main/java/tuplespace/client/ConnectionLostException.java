package tuplespace.client;

/** The connection closed before the answer came; an update may or may not have been applied. */
public final class ConnectionLostException extends TupleSpaceException {

    public ConnectionLostException(String message) {
        super(message);
    }

    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
