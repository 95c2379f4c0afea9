package tuplespace.client;

/**
 * The service answered {@code unavailable}: no primary within the proxy's primary timeout, an answer too large to send,
 * or an internal error (docs/protocol.md "Limits and failures"). An update answered so may or may not have been
 * applied: the message says which (not applied, outcome unknown, or applied); read before resending where it matters.
 */
public final class UnavailableException extends TupleSpaceException {

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
