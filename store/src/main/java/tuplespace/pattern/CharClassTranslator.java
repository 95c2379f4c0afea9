package tuplespace.pattern;

import tuplespace.pattern.PatternNode.Category;
import tuplespace.pattern.PatternNode.SetItem;

/**
 * Python characters, sets and categories as java.util.regex text. Every character outside
 * {@code [A-Za-z0-9]} is written as {@code \x{...}} so no Java metacharacter ({@code [ & - ^ #} and
 * friends) can leak (docs/python-regex.md §1). Categories follow Python's Unicode definitions, not Java's:
 * {@code \w} is L ∪ N ∪ {@code _}, {@code \s} adds U+001C..U+001F to White_Space.
 */
final class CharClassTranslator {
    private static final String UNICODE_WORD = "\\p{L}\\p{N}\\x{5f}";
    private static final String UNICODE_SPACE = "\\p{IsWhite_Space}\\x{1c}-\\x{1f}";
    private static final String ASCII_WORD = "a-zA-Z0-9\\x{5f}";
    private static final int SHARP_S = 0xdf;
    private static final int CAPITAL_SHARP_S = 0x1e9e;
    private static final String ASCII_SPACE = "\\x{9}-\\x{d}\\x{20}";

    private CharClassTranslator() {
    }

    /** One code point as a Java pattern atom. */
    static String character(int codePoint) {
        boolean alphanumeric = (codePoint >= 'a' && codePoint <= 'z') || (codePoint >= 'A' && codePoint <= 'Z')
                || (codePoint >= '0' && codePoint <= '9');
        return alphanumeric ? String.valueOf((char) codePoint) : "\\x{" + Integer.toHexString(codePoint) + "}";
    }

    /**
     * A literal. Under Unicode case-insensitivity Python folds by lowercasing, so ẞ (U+1E9E) matches ß; Java
     * compares upper and lower case of single chars and misses that one pair (docs/python-regex.md §1), so spell it
     * out.
     */
    static String literal(int codePoint, Flags flags) {
        boolean unicodeIgnoreCase = flags.ignoreCase() && !flags.ascii();
        if (unicodeIgnoreCase && (codePoint == SHARP_S || codePoint == CAPITAL_SHARP_S)) {
            return "[" + character(SHARP_S) + character(CAPITAL_SHARP_S) + "]";
        }
        return character(codePoint);
    }

    /**
     * A set. Under Unicode case-insensitivity a set that holds ß or ẞ holds the other too, as in {@link #literal}:
     * Java's sets miss that pair as well ({@code (?iu)[ß]} does not match ẞ, where Python's {@code (?i)[ß]} does).
     */
    static String set(PatternNode.CharSet set) {
        StringBuilder out = new StringBuilder(set.negated() ? "[^" : "[");
        boolean sharpS = false;
        for (SetItem item : set.items()) {
            out.append(member(item, set.flags().ascii()));
            sharpS |= holds(item, SHARP_S) || holds(item, CAPITAL_SHARP_S);
        }
        if (sharpS && set.flags().ignoreCase() && !set.flags().ascii()) {
            out.append(character(SHARP_S)).append(character(CAPITAL_SHARP_S));
        }
        return out.append(']').toString();
    }

    private static boolean holds(SetItem item, int codePoint) {
        if (item instanceof SetItem.Char) {
            return ((SetItem.Char) item).codePoint() == codePoint;
        }
        return item instanceof SetItem.Range && ((SetItem.Range) item).low() <= codePoint
                && codePoint <= ((SetItem.Range) item).high();
    }

    /** The class of word characters, for emulating {@code \b} and {@code \B}. */
    static String wordClass(boolean ascii) {
        return "[" + (ascii ? ASCII_WORD : UNICODE_WORD) + "]";
    }

    private static String member(SetItem item, boolean ascii) {
        if (item instanceof SetItem.Char) {
            return character(((SetItem.Char) item).codePoint());
        }
        if (item instanceof SetItem.Range) {
            SetItem.Range range = (SetItem.Range) item;
            return character(range.low()) + "-" + character(range.high());
        }
        return category(((SetItem.Class) item).category(), ascii);
    }

    // Negated categories are nested negated classes; Java 9+ unions nested classes (verified on JDK 17).
    private static String category(Category category, boolean ascii) {
        switch (category) {
            case DIGIT: return ascii ? "0-9" : "\\p{Nd}";
            case NOT_DIGIT: return ascii ? "[^0-9]" : "\\P{Nd}";
            case SPACE: return ascii ? ASCII_SPACE : UNICODE_SPACE;
            case NOT_SPACE: return "[^" + (ascii ? ASCII_SPACE : UNICODE_SPACE) + "]";
            case WORD: return ascii ? ASCII_WORD : UNICODE_WORD;
            default: return "[^" + (ascii ? ASCII_WORD : UNICODE_WORD) + "]";
        }
    }
}
