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
    /**
     * The pairs of characters that Python's case-insensitive matching takes as one and Java's (with UNICODE_CASE) does
     * not, in a literal or a set, checked pair by pair against Python's equivalence table (its {@code re} compiler's
     * {@code _ignorecase_fixes}) and its lowercasing: ß (U+00DF) and ẞ (U+1E9E); ΐ (U+0390) and ΐ (U+1FD3); ΰ (U+03B0)
     * and ΰ (U+1FE3); the ligatures ﬅ (U+FB05) and ﬆ (U+FB06).
     */
    private static final int[][] CASE_PAIRS_JAVA_MISSES = {{0xdf, 0x1e9e}, {0x390, 0x1fd3}, {0x3b0, 0x1fe3},
            {0xfb05, 0xfb06}};
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
     * A literal. Under Unicode case-insensitivity Python folds by lowercasing and by its own equivalence table, so ẞ
     * matches ß; Java compares upper and lower case of single chars and misses a few pairs
     * ({@link #CASE_PAIRS_JAVA_MISSES}, docs/python-regex.md §1), so a literal of such a pair is spelt as the set of both.
     */
    static String literal(int codePoint, Flags flags) {
        if (flags.ignoreCase() && !flags.ascii()) {
            for (int[] pair : CASE_PAIRS_JAVA_MISSES) {
                if (codePoint == pair[0] || codePoint == pair[1]) {
                    return "[" + character(pair[0]) + character(pair[1]) + "]";
                }
            }
        }
        return character(codePoint);
    }

    /**
     * A set. Under Unicode case-insensitivity a set that holds one character of a pair Java misses holds the other too,
     * as in {@link #literal}: Java's sets miss those pairs as well ({@code (?iu)[ß]} does not match ẞ, where Python's
     * {@code (?i)[ß]} does).
     */
    static String set(PatternNode.CharSet set) {
        StringBuilder out = new StringBuilder(set.negated() ? "[^" : "[");
        for (SetItem item : set.items()) {
            out.append(member(item, set.flags().ascii()));
        }
        if (set.flags().ignoreCase() && !set.flags().ascii()) {
            for (int[] pair : CASE_PAIRS_JAVA_MISSES) {
                if (set.items().stream().anyMatch(item -> holds(item, pair[0]) || holds(item, pair[1]))) {
                    out.append(character(pair[0])).append(character(pair[1]));
                }
            }
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
