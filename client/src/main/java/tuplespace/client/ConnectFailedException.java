package tuplespace.client;

/** Could not connect to the service within the connect timeout, or the address is wrong; nothing was sent. */
public final class ConnectFailedException extends TupleSpaceException {

    public ConnectFailedException(String message) {
        super(message, null, false);
    }

    public ConnectFailedException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
