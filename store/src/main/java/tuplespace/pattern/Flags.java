package tuplespace.pattern;

/**
 * The Python flags in effect at one point of a pattern. Python's {@code i s m a} can change per scope
 * ({@code (?i:...)}), so every flag-sensitive node carries the flags it was parsed under; the translator
 * then never depends on java.util.regex flag scoping, which differs (docs/python-regex.md §1).
 */
record Flags(boolean ignoreCase, boolean ascii, boolean dotAll, boolean multiline, boolean verbose) {
    static final Flags NONE = new Flags(false, false, false, false, false);

    // Bit values as in Python's re module, so parsing reads like _parser.py.
    static final int IGNORECASE = 2;
    static final int LOCALE = 4;
    static final int MULTILINE = 8;
    static final int DOTALL = 16;
    static final int UNICODE = 32;
    static final int VERBOSE = 64;
    static final int ASCII = 256;
    static final int TEMPLATE = 1;
    static final int TYPE_FLAGS = ASCII | LOCALE | UNICODE;

    /** The Python bit for a flag letter of {@code aiLmsux} (and the obsolete {@code t}), or 0. */
    static int bit(String letter) {
        switch (letter) {
            case "i": return IGNORECASE;
            case "L": return LOCALE;
            case "m": return MULTILINE;
            case "s": return DOTALL;
            case "x": return VERBOSE;
            case "a": return ASCII;
            case "t": return TEMPLATE;
            case "u": return UNICODE;
            default: return 0;
        }
    }

    static Flags fromBits(int bits) {
        return new Flags((bits & IGNORECASE) != 0, (bits & ASCII) != 0, (bits & DOTALL) != 0,
                (bits & MULTILINE) != 0, (bits & VERBOSE) != 0);
    }

    int bits() {
        return (ignoreCase ? IGNORECASE : 0) | (ascii ? ASCII : 0) | (dotAll ? DOTALL : 0)
                | (multiline ? MULTILINE : 0) | (verbose ? VERBOSE : 0);
    }

    /** Python's _compiler._combine_flags: a type flag added in a scope replaces the outer type flag. */
    Flags scoped(int addBits, int delBits) {
        int bits = bits();
        if ((addBits & TYPE_FLAGS) != 0) {
            bits &= ~TYPE_FLAGS;
        }
        return fromBits((bits | addBits) & ~delBits);
    }
}
