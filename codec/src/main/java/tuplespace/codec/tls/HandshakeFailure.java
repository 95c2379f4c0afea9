package tuplespace.codec.tls;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.ssl.NotSslRecordException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A failed TLS handshake in words. Netty reports a peer that answered in something other than TLS — a server started
 * without TLS, answering the handshake as a bad request — as "not an SSL/TLS record:" and the bytes in hex; this
 * gives back the first line it sent, as text, when it is text.
 */
public final class HandshakeFailure {

    private static final String NOT_TLS = "not an SSL/TLS record: ";
    /** What Java's TLS says of a certificate signed by no CA it trusts. */
    private static final String UNTRUSTED = "PKIX path building failed";
    /** The longest part of a plain-text answer quoted. */
    private static final int QUOTED_CHARACTERS = 200;

    private HandshakeFailure() {
    }

    /** The first line of the peer's answer when it answered in plain text, not TLS; empty otherwise. */
    public static Optional<String> plainTextAnswer(Throwable cause) {
        return notTls(cause).flatMap(HandshakeFailure::textOf);
    }

    /** What went wrong: the peer's plain-text answer quoted, its size if not text, or the handshake's own message. */
    public static String describe(Throwable cause) {
        Optional<byte[]> answer = notTls(cause);
        if (answer.isPresent()) {
            return textOf(answer.get()).map(text -> "the peer answered in plain text, not TLS: '" + text + "'")
                    .orElse("the peer answered " + answer.get().length + " bytes that are neither TLS nor text");
        }
        String message = String.valueOf(cause.getMessage());
        return message.contains(UNTRUSTED)
                ? message + " (the peer's certificate is not signed by a CA this side trusts: see --tls-ca)" : message;
    }

    /** The bytes a peer sent instead of a TLS record, when that is what {@code cause} reports. */
    private static Optional<byte[]> notTls(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (!(cause instanceof NotSslRecordException) || !message.startsWith(NOT_TLS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ByteBufUtil.decodeHexDump(message.substring(NOT_TLS.length()).strip()));
        } catch (IllegalArgumentException notHex) {
            return Optional.empty();
        }
    }

    /** The answer's first line as shown, when it is text. */
    private static Optional<String> textOf(byte[] answer) {
        String text = new String(answer, StandardCharsets.UTF_8).strip();
        int end = text.indexOf('\n');
        String line = (end < 0 ? text : text.substring(0, end)).strip();
        return isText(line) ? Optional.of(cut(line)) : Optional.empty();
    }

    /** Text when most of it is: no undecodable bytes, and control characters in at most a tenth of it. */
    private static boolean isText(String line) {
        long odd = line.codePoints().filter(Character::isISOControl).count();
        return !line.isEmpty() && line.indexOf('\uFFFD') < 0 && odd * 10 <= line.length();
    }

    /** Control characters shown as '?', cut at a length. */
    private static String cut(String line) {
        StringBuilder shown = new StringBuilder();
        line.codePoints().limit(QUOTED_CHARACTERS)
                .forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return line.codePointCount(0, line.length()) > QUOTED_CHARACTERS ? shown + "..." : shown.toString();
    }
}
