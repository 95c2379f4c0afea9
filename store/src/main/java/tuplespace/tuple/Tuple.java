package tuplespace.tuple;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A key or a value: one or more fields, each a non-empty string of Unicode letters and digits
 * (what Python's {@code str.isalnum()} accepts; docs/protocol.md "The data").
 *
 * <p>The text form joins the fields with {@code ,}; it is unambiguous because fields never hold a comma,
 * and it is what patterns are matched against and what the space is ordered by. A tuple holds its text form and
 * the same in UTF-8 ({@link #utf8()}), encoded once, when first asked for (a tuple made from UTF-8 keeps those
 * bytes): the space stores the UTF-8 and replication sends it, so a key that came in as a request is encoded once on
 * its way (the space itself keeps byte arrays, not tuples), and a tuple nobody stores (a client's decoded answer)
 * never pays for it. {@link #fields()} splits on demand. Equality is equality of text forms, which is equality of
 * field lists.
 */
public final class Tuple implements Comparable<Tuple> {

    /** A byte array read as little-endian longs: the first byte of the eight is the lowest. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long EACH_BYTE = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long FIRST_BYTE_HIGH_BIT = 0x80L;

    /**
     * What the tuple was made from: its text form (a {@code String}), or the ASCII UTF-8 of it (a {@code byte[]}, read
     * from a request's bytes, a replicated entry, a file: storing and replicating such a tuple need only its bytes).
     * Final, so a tuple is whole in any thread however it was handed over; the two fields below only cache.
     */
    private final Object form;
    /** The text form, decoded from {@link #form} when first asked (a string is immutable: two threads may both decode). */
    private String text;
    /** Null until {@link #utf8()} is first asked, unless made from UTF-8 (volatile: a tuple may be read by other threads). */
    private volatile byte[] utf8;

    /** A tuple of these fields; throws {@link IllegalArgumentException} naming the problem. */
    public Tuple(List<String> fields) {
        Objects.requireNonNull(fields, "fields");
        Optional<String> problem = problemWith(fields);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        this.text = String.join(",", fields);
        this.form = text;
    }

    /** {@code text} or, for a tuple made from ASCII UTF-8, null; {@code utf8} null until asked, or the bytes given. */
    private Tuple(String text, byte[] utf8) {
        this.form = text != null ? text : Objects.requireNonNull(utf8, "utf8");
        this.text = text;
        this.utf8 = utf8;
    }

    /** The tuple of these fields, validated once, or empty when they are not a well-formed tuple ({@link #problemWith}). */
    public static Optional<Tuple> ifWellFormed(List<?> fields) {
        if (problemWith(fields).isPresent()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder();
        for (Object field : fields) {
            text.append(text.length() == 0 ? "" : ",").append((String) field);
        }
        return Optional.of(new Tuple(text.toString(), null));
    }

    public static Tuple of(String... fields) {
        return new Tuple(List.of(fields));
    }

    /** Parses the text form {@code user,42}. Throws {@link IllegalArgumentException} naming the problem. */
    public static Tuple parse(String textForm) {
        Objects.requireNonNull(textForm, "textForm");
        if (isTextForm(textForm)) {
            return new Tuple(textForm, null);
        }
        // Slow path, only to say precisely what is wrong.
        return new Tuple(List.of(textForm.split(",", -1)));
    }

    /**
     * Parses a text form given in UTF-8 (as the space stores it and replication sends it), keeping {@code utf8} as the
     * tuple's own bytes: the caller must not change the array afterwards. Throws {@link IllegalArgumentException}
     * naming the problem (a malformed UTF-8 sequence decodes to U+FFFD, which no field may hold).
     */
    public static Tuple parseUtf8(byte[] utf8) {
        Objects.requireNonNull(utf8, "utf8");
        return ifTextForm(utf8).orElseGet(() -> parse(new String(utf8, StandardCharsets.UTF_8)));
    }

    /**
     * The tuple whose text form {@code utf8} holds, keeping the array as its own bytes (the caller must not change it
     * afterwards), or empty when it is not the text form of a well-formed tuple. ASCII, the usual case, is checked
     * without decoding first, eight bytes at a time.
     */
    public static Optional<Tuple> ifTextForm(byte[] utf8) {
        boolean fieldStart = true;
        int i = 0;
        // eight bytes at a time: a tuple's bytes are checked on every PUT the primary reads and every one its backup
        // applies, and byte by byte that was 5-6% of each one's CPU under PUT 50 x 16 (async-profiler)
        for (; i + Long.BYTES <= utf8.length; i += Long.BYTES) {
            long word = (long) LONGS.get(utf8, i);
            if ((word & HIGH_BITS) != 0) {
                return decodedTextForm(utf8);
            }
            long folded = word | (0x20 * EACH_BYTE); // 'A'-'Z' to 'a'-'z'; no other byte lands there
            long letters = atLeast(folded, 'a') & ~atLeast(folded, 'z' + 1);
            long digits = atLeast(word, '0') & ~atLeast(word, '9' + 1);
            long commas = atLeast(word, ',') & ~atLeast(word, ',' + 1);
            if ((letters | digits | commas) != HIGH_BITS) {
                return Optional.empty();
            }
            // two commas side by side, or a comma where a field starts: an empty field
            if ((commas & (commas << Byte.SIZE)) != 0 || (fieldStart && (commas & FIRST_BYTE_HIGH_BIT) != 0)) {
                return Optional.empty();
            }
            fieldStart = commas < 0; // the word's last byte is a comma
        }
        for (; i < utf8.length; i++) {
            byte unit = utf8[i];
            if (unit < 0) {
                return decodedTextForm(utf8);
            }
            if (unit == ',') {
                if (fieldStart) {
                    return Optional.empty(); // an empty field
                }
                fieldStart = true;
            } else if (isAlphanumeric(unit)) {
                fieldStart = false;
            } else {
                return Optional.empty();
            }
        }
        return fieldStart ? Optional.empty() : Optional.of(new Tuple(null, utf8));
    }

    private static Optional<Tuple> decodedTextForm(byte[] utf8) {
        String textForm = new String(utf8, StandardCharsets.UTF_8);
        return isTextForm(textForm) ? Optional.of(new Tuple(textForm, utf8)) : Optional.empty();
    }

    /**
     * The high bit of each byte of {@code word} set where that byte is {@code n} or more, the others clear; every byte
     * of {@code word} below 0x80 and {@code n} from 0 to 128 (no byte borrows from the next).
     */
    private static long atLeast(long word, int n) {
        return ((word | HIGH_BITS) - n * EACH_BYTE) & HIGH_BITS;
    }

    /** Whether {@code text} is the text form of a well-formed tuple: fields of letters and digits joined by commas. */
    public static boolean isTextForm(String text) {
        boolean fieldStart = true;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp == ',') {
                if (fieldStart) {
                    return false; // an empty field
                }
                fieldStart = true;
            } else if (isAlphanumeric(cp)) {
                fieldStart = false;
            } else {
                return false;
            }
            i += Character.charCount(cp);
        }
        return !fieldStart;
    }

    /** Why {@code fields} is not a well-formed tuple, or empty when it is. Never throws. */
    public static Optional<String> problemWith(List<?> fields) {
        if (fields == null || fields.isEmpty()) {
            return Optional.of("expected a tuple of 1 or more fields, found an empty tuple");
        }
        for (int i = 0; i < fields.size(); i++) {
            Object field = fields.get(i);
            if (!(field instanceof String s)) {
                return Optional.of("expected field " + (i + 1) + " to be a string, found " + describe(field));
            }
            if (s.isEmpty()) {
                return Optional.of("expected field " + (i + 1)
                        + " to be a non-empty string of letters and digits, found an empty string");
            }
            int bad = firstNonAlphanumeric(s);
            if (bad >= 0) {
                return Optional.of("expected field " + (i + 1) + " to hold only letters and digits, found "
                        + describeCodePoint(s.codePointAt(bad)) + " in \"" + s + "\"");
            }
        }
        return Optional.empty();
    }

    /**
     * Python's {@code str.isalnum()} per code point: letters (categories Lu, Ll, Lt, Lm, Lo) and numbers (Nd, Nl,
     * No). Java's Unicode tables may be a version older or newer than Python's; only newly assigned characters
     * can differ.
     */
    public static boolean isAlphanumeric(int codePoint) {
        if (codePoint < 0x80) {
            return (codePoint >= 'a' && codePoint <= 'z') || (codePoint >= 'A' && codePoint <= 'Z')
                    || (codePoint >= '0' && codePoint <= '9');
        }
        if (Character.isLetter(codePoint)) {
            return true;
        }
        int type = Character.getType(codePoint);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    private static int firstNonAlphanumeric(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!isAlphanumeric(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }

    private static String describe(Object field) {
        if (field == null) {
            return "null";
        }
        if (field instanceof Number || field instanceof Boolean) {
            return "the " + field.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + field;
        }
        if (field instanceof List<?>) {
            return "a list";
        }
        return "a " + field.getClass().getSimpleName();
    }

    private static String describeCodePoint(int cp) {
        String name = Character.getName(cp);
        String shown = Character.isISOControl(cp) || Character.isWhitespace(cp) ? "" : "'" + Character.toString(cp) + "' ";
        return shown + String.format("(U+%04X%s)", cp, name == null ? "" : " " + name);
    }

    /** The fields, in order (split from the text form on each call). */
    public List<String> fields() {
        String text = text();
        List<String> fields = new ArrayList<>(size());
        int start = 0;
        for (int comma = text.indexOf(','); comma >= 0; comma = text.indexOf(',', start)) {
            fields.add(text.substring(start, comma));
            start = comma + 1;
        }
        fields.add(text.substring(start));
        return List.copyOf(fields);
    }

    public int size() {
        String text = text();
        int size = 1;
        for (int i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) {
            size++;
        }
        return size;
    }

    /** The text form: fields joined by {@code ,}. */
    public String text() {
        String decoded = text;
        if (decoded == null) {
            // Made from ASCII (ifTextForm), or text not yet seen by this thread: a byte is a char.
            decoded = form instanceof String given ? given : new String((byte[]) form, StandardCharsets.ISO_8859_1);
            text = decoded;
        }
        return decoded;
    }

    /** The text form in UTF-8: the tuple's own array (encoded on the first call), to be read and never changed. */
    public byte[] utf8() {
        byte[] bytes = utf8;
        if (bytes == null) {
            bytes = form instanceof byte[] given ? given : text().getBytes(StandardCharsets.UTF_8);
            utf8 = bytes; // two threads may both encode: either array is the same bytes
        }
        return bytes;
    }

    /** Ordered by text form, by code point (docs/protocol.md "The data": GET and DELETE list pairs in that order). */
    @Override
    public int compareTo(Tuple other) {
        return compareCodePoints(text(), other.text());
    }

    /**
     * Compares by code point. {@link String#compareTo} compares UTF-16 units, which orders astral characters
     * below U+E000..U+FFFF; Python orders by code point.
     *
     * <p>Fast path: {@code compareTo} is a JVM intrinsic and answers the difference of the first differing units
     * (or of the lengths). The two orders disagree only where a surrogate meets a unit at or above U+E000, which
     * makes a difference smaller than {@value #SURROGATE_SPAN} in size, and only if one of the strings holds a
     * surrogate pair; {@code codePointCount} is O(1) for the compact Latin-1 strings that ASCII keys are. Only
     * then does it walk the strings unit by unit. Exact for well-formed UTF-16, which every tuple's text is
     * (a lone surrogate is not a letter or digit).
     */
    public static int compareCodePoints(String a, String b) {
        int utf16 = a.compareTo(b);
        if (utf16 == 0 || utf16 >= SURROGATE_SPAN || utf16 <= -SURROGATE_SPAN
                || (!holdsSurrogatePair(a) && !holdsSurrogatePair(b))) {
            return utf16;
        }
        return compareCodePointsByUnit(a, b);
    }

    /** 0xFFFF - 0xD800 + 1: no surrogate and unit at or above U+E000 differ by this much or more. */
    private static final int SURROGATE_SPAN = 0x2800;

    private static boolean holdsSurrogatePair(String s) {
        return s.codePointCount(0, s.length()) != s.length();
    }

    /** The code-point order walked unit by unit; {@link #compareCodePoints} answers the same, faster. */
    static int compareCodePointsByUnit(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                // Only when a surrogate meets a non-surrogate at or above U+E000 does UTF-16 order differ from
                // code-point order: every astral code point is above every BMP code point.
                boolean sa = Character.isSurrogate(ca);
                boolean sb = Character.isSurrogate(cb);
                if (sa != sb) {
                    return sa ? 1 : -1;
                }
                return Character.compare(ca, cb);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Tuple tuple)) {
            return false;
        }
        // two tuples read from bytes (a DELETE's pairs found and removed, compared on the loop) compare as bytes: their
        // text forms would be decoded, a string each, for a million pairs
        byte[] mine = utf8;
        byte[] theirs = tuple.utf8;
        return mine != null && theirs != null ? Arrays.equals(mine, theirs) : tuple.text().equals(text());
    }

    @Override
    public int hashCode() {
        return text().hashCode();
    }

    @Override
    public String toString() {
        return text();
    }
}
