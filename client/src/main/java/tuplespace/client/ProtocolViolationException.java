package tuplespace.client;

/** The service sent something that cannot be an answer to the request it belongs to; the connection is closed. */
final class ProtocolViolationException extends RuntimeException {

    ProtocolViolationException(String message) {
        super(message);
    }
}
