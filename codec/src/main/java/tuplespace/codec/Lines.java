package tuplespace.codec;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Small helpers on request lines and on the text that goes into one line of an answer; {@link #oneLine} also serves
 * the other modules' one-line answers and messages that quote what a peer sent.
 */
public final class Lines {

    static final char BYTE_ORDER_MARK = '\uFEFF';
    /** {@link #BYTE_ORDER_MARK} in UTF-8. */
    /** How many characters of a line received an error quotes, on the admin ports ({@link #shortened}). */
    public static final int SHOWN_CHARS = 80;
    private static final byte[] BYTE_ORDER_MARK_UTF8 = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private Lines() {
    }

    /**
     * Why the readable bytes of {@code line} are not UTF-8, naming the first byte that is not; empty when they are
     * (an all-ASCII line, the usual one, is told at once).
     */
    public static Optional<String> notUtf8(ByteBuf line) {
        int start = line.readerIndex();
        int end = line.writerIndex();
        if (line.forEachByte(start, end - start, b -> b >= 0) < 0) {
            return Optional.empty();
        }
        OptionalInt at = firstNonUtf8Byte(line.nioBuffer(start, end - start));
        if (at.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "expected a request line in UTF-8, found the"
                + " byte 0x%02X at byte %d of the line, which is not UTF-8 there",
                line.getUnsignedByte(start + at.getAsInt()), at.getAsInt() + 1));
    }

    /**
     * Where the first byte of {@code bytes} (counted from its position, which does not move) that is not UTF-8 there
     * is: bytes that must be text, decoded strictly, where a lenient decoding would have read U+FFFD in silence.
     */
    public static OptionalInt firstNonUtf8Byte(ByteBuffer bytes) {
        ByteBuffer reading = bytes.duplicate();
        CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .decode(reading, CharBuffer.allocate(reading.remaining()), true);
        return result.isError() ? OptionalInt.of(reading.position() - bytes.position()) : OptionalInt.empty();
    }

    /** Index of the first character after an optional byte order mark and leading spaces and tabs. */
    static int contentStart(String line) {
        int i = 0;
        if (i < line.length() && line.charAt(i) == BYTE_ORDER_MARK) {
            i++;
        }
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** The line without its terminator ({@code \n} or {@code \r\n}) and without a leading byte order mark. */
    static String strip(String line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\n') {
            end--;
        }
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        int start = line.startsWith(String.valueOf(BYTE_ORDER_MARK)) ? 1 : 0;
        return line.substring(start, Math.max(start, end));
    }

    /** {@link #contentStart} of a line given as UTF-8: an index into {@code line}, from its reader index. */
    static int contentStart(ByteBuf line) {
        int i = line.readerIndex();
        int end = line.writerIndex();
        if (startsWithByteOrderMark(line, i)) {
            i += BYTE_ORDER_MARK_UTF8.length;
        }
        while (i < end && (line.getByte(i) == ' ' || line.getByte(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** {@link #strip} of a line given as UTF-8: a slice of {@code line} (which is neither changed nor released). */
    static ByteBuf strip(ByteBuf line) {
        int start = line.readerIndex();
        int end = line.writerIndex();
        if (end > start && line.getByte(end - 1) == '\n') {
            end--;
        }
        if (end > start && line.getByte(end - 1) == '\r') {
            end--;
        }
        if (end - start >= BYTE_ORDER_MARK_UTF8.length && startsWithByteOrderMark(line, start)) {
            start += BYTE_ORDER_MARK_UTF8.length;
        }
        return line.slice(start, end - start);
    }

    private static boolean startsWithByteOrderMark(ByteBuf line, int at) {
        if (line.writerIndex() - at < BYTE_ORDER_MARK_UTF8.length) {
            return false;
        }
        for (int i = 0; i < BYTE_ORDER_MARK_UTF8.length; i++) {
            if (line.getByte(at + i) != BYTE_ORDER_MARK_UTF8[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Text made safe for one line of an answer, which may reach a person's terminal: line breaks become spaces, and
     * every other control character but the tab is spelled out ({@code \x1b}), so that a request's escape sequence or
     * NUL quoted in an error is shown, not acted on.
     */
    public static String oneLine(String text) {
        String flat = text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
        if (flat.chars().noneMatch(Lines::spelledOut)) {
            return flat;
        }
        StringBuilder shown = new StringBuilder(flat.length() + 16);
        for (int i = 0; i < flat.length(); i++) {
            appendShown(shown, flat.charAt(i));
        }
        return shown.toString();
    }

    /**
     * What a peer sent, as an error or a log line quotes it: at most {@code maxChars} characters of it, {@code ...}
     * after a cut, and made safe for one line ({@link #oneLine}).
     */
    public static String shortened(String text, int maxChars) {
        return oneLine(text.length() <= maxChars ? text : text.substring(0, maxChars) + "...");
    }

    /** {@code n} and the noun, plural but for one: {@code 1 pair}, {@code 3 pairs}. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Appends {@code c} as a line of an answer shows it: a control character but the tab spelled out ({@code \x1b}). */
    static void appendShown(StringBuilder shown, char c) {
        if (spelledOut(c)) {
            shown.append(String.format("\\x%02x", (int) c));
        } else {
            shown.append(c);
        }
    }

    /** Whether a line of an answer spells {@code c} out: a control character other than the tab. */
    static boolean spelledOut(int c) {
        return Character.isISOControl(c) && c != '\t';
    }
}
