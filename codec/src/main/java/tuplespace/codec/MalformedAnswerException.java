package tuplespace.codec;

/**
 * An answer line that is not what docs/protocol.md says an answer is: the peer is not a tuplespace proxy, or is broken.
 */
public final class MalformedAnswerException extends RuntimeException {
    public MalformedAnswerException(String message) {
        super(message);
    }
}
