package tuplespace.tuple;

import java.util.List;
import java.util.Optional;

/**
 * A key or a value: one or more fields, each a non-empty string of Unicode letters and digits
 * (what Python's {@code str.isalnum()} accepts). SPEC §1.
 *
 * <p>The text form joins the fields with {@code ,}; it is unambiguous because fields never hold a comma,
 * and it is what patterns are matched against and what the space is ordered by.
 */
public record Tuple(List<String> fields) implements Comparable<Tuple> {

    public Tuple {
        fields = List.copyOf(fields);
        Optional<String> problem = problemWith(fields);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
    }

    public static Tuple of(String... fields) {
        return new Tuple(List.of(fields));
    }

    /** Parses the text form {@code user,42}. Throws {@link IllegalArgumentException} naming the problem. */
    public static Tuple parse(String textForm) {
        return new Tuple(List.of(textForm.split(",", -1)));
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
                return Optional.of("expected field " + (i + 1) + " to be a non-empty string of letters and digits, found an empty string");
            }
            int bad = firstNonAlphanumeric(s);
            if (bad >= 0) {
                return Optional.of("expected field " + (i + 1) + " to hold only letters and digits, found "
                        + describeCodePoint(s.codePointAt(bad)) + " in \"" + s + "\"");
            }
        }
        return Optional.empty();
    }

    /** Python's {@code str.isalnum()} per code point: letters (L*) and numbers (N*). */
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
            return "the " + field.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + field;
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

    public int size() {
        return fields.size();
    }

    /** The text form: fields joined by {@code ,}. */
    public String text() {
        return String.join(",", fields);
    }

    /** Ordered by text form, by code point (SPEC §1: GET and DELETE list pairs in that order). */
    @Override
    public int compareTo(Tuple other) {
        return compareCodePoints(text(), other.text());
    }

    /**
     * Compares by code point. {@link String#compareTo} compares UTF-16 units, which orders astral characters
     * below U+E000..U+FFFF; Python orders by code point.
     */
    public static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    @Override
    public String toString() {
        return text();
    }
}
