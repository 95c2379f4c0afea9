package tuplespace.space;

import java.nio.charset.StandardCharsets;

/**
 * A stored UTF-8 text form as the pattern engine reads it, without making a string: a scan matches every key of the
 * space and keeps few, so decoding each key would cost more than the match. Only for ASCII (one byte, one UTF-16
 * unit), which nearly every key is; {@link #of} decodes anything else. Reused across the keys of one match by its
 * one owner thread, and never held: the matcher drops it when the match is over.
 */
final class AsciiSubject implements CharSequence {

    private byte[] ascii = new byte[0];

    /** {@code utf8} as a char sequence: this object, pointed at it, when it is ASCII; a decoded string otherwise. */
    CharSequence of(byte[] utf8) {
        for (byte unit : utf8) {
            if (unit < 0) {
                return new String(utf8, StandardCharsets.UTF_8);
            }
        }
        ascii = utf8;
        return this;
    }

    @Override
    public int length() {
        return ascii.length;
    }

    @Override
    public char charAt(int index) {
        return (char) ascii[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(ascii, start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return new String(ascii, StandardCharsets.ISO_8859_1);
    }
}
