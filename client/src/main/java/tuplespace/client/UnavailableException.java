package tuplespace.client;

/** The service had no primary for the proxy's primary timeout (SPEC §4); the request was not applied. */
public final class UnavailableException extends TupleSpaceException {

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
