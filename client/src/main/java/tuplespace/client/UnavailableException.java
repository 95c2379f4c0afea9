package tuplespace.client;

/**
 * The service answered {@code unavailable}: no primary within the proxy's primary timeout (SPEC §4), an answer too
 * large to send (SPEC §2), or an internal error. An update answered so may or may not have been applied: the message
 * says which (not applied, outcome unknown, or applied); read before resending where it matters.
 */
public final class UnavailableException extends TupleSpaceException {

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
