package tuplespace.client;

/** No answer came within the request timeout; an update may or may not have been applied. */
public final class RequestTimeoutException extends TupleSpaceException {

    public RequestTimeoutException(String message) {
        super(message);
    }

    public RequestTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
