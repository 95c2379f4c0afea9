package tuplespace.client;

/** The service answered {@code malformed}: the request was not applied; sending it again gives the same answer. */
public final class MalformedRequestException extends TupleSpaceException {

    public MalformedRequestException(String message) {
        super(message);
    }

    public MalformedRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
