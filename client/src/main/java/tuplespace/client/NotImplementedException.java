package tuplespace.client;

/** The service answered {@code not_implemented}: it does not know the operator. */
public final class NotImplementedException extends TupleSpaceException {

    public NotImplementedException(String message) {
        super(message);
    }

    public NotImplementedException(String message, Throwable cause) {
        super(message, cause);
    }
}
