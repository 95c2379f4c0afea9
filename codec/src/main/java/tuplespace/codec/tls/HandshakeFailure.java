package tuplespace.codec.tls;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.ssl.NotSslRecordException;
import java.nio.charset.StandardCharsets;

/**
 * A failed TLS handshake in words. Netty reports a peer that answered in something other than TLS — a server started
 * without TLS, answering the handshake as a bad request — as "not an SSL/TLS record:" and the bytes in hex; this
 * gives back the first line it sent, as text.
 */
public final class HandshakeFailure {

    private static final String NOT_TLS = "not an SSL/TLS record: ";
    /** The longest part of a plain-text answer quoted. */
    private static final int QUOTED_CHARACTERS = 200;

    private HandshakeFailure() {
    }

    /** Whether the peer answered, but not in TLS. */
    public static boolean isPlainAnswer(Throwable cause) {
        return cause instanceof NotSslRecordException && String.valueOf(cause.getMessage()).startsWith(NOT_TLS);
    }

    /** What went wrong: the peer's plain-text answer quoted, or the handshake's own message. */
    public static String describe(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (!isPlainAnswer(cause)) {
            return message;
        }
        byte[] answer;
        try {
            answer = ByteBufUtil.decodeHexDump(message.substring(NOT_TLS.length()).strip());
        } catch (IllegalArgumentException notHex) {
            return message;
        }
        return "the peer answered in plain text, not TLS: '" + quoted(answer) + "'";
    }

    /** The answer's first line, decoded as UTF-8, with control characters shown as '?', cut at a length. */
    private static String quoted(byte[] answer) {
        String text = new String(answer, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = (end < 0 ? text : text.substring(0, end)).strip();
        StringBuilder shown = new StringBuilder();
        line.codePoints().limit(QUOTED_CHARACTERS)
                .forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return line.codePointCount(0, line.length()) > QUOTED_CHARACTERS ? shown + "..." : shown.toString();
    }
}
