package tuplespace.client;

/** The connection closed before the answer came; an update may or may not have been applied. */
public final class ConnectionLostException extends TupleSpaceException {

    public ConnectionLostException(String message) {
        super(message);
    }

    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A request made once the connection had closed: never sent ({@link #wasSent()}); {@code cause} says why. */
    static ConnectionLostException notSent(String message, TupleSpaceException cause) {
        return new ConnectionLostException(message, cause, false);
    }

    private ConnectionLostException(String message, Throwable cause, boolean sent) {
        super(message, cause, sent);
    }
}
