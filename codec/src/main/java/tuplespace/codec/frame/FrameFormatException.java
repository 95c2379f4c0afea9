package tuplespace.codec.frame;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A frame whose bytes are not a frame of docs/internals.md: unknown type, truncated payload, trailing bytes, or a
 * field the protocol does not allow. The link is not usable after it: the receiver should log it and close.
 */
public final class FrameFormatException extends CorruptedFrameException {

    public FrameFormatException(String message) {
        super(message);
    }

    public FrameFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
