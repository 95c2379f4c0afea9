package tuplespace.pattern;

/**
 * The letters of {@code (?aiLmsux)} and {@code (?flags-flags:...)}, after CPython's {@code _parse_flags}.
 * Flag letters are Python's, never passed to Java: Java's {@code u} and {@code U} mean other things
 * (docs/python-regex.md §1).
 */
final class InlineFlags {
    private InlineFlags() {
    }

    /**
     * Parses flags whose first letter (or {@code -}) is {@code first}. Returns null for global flags
     * {@code (?i)} (already added to the state), else {@code {addBits, deleteBits}} for a scoped group.
     */
    static int[] parse(PatternSource source, ParseState state, String first) throws PatternException {
        int add = 0;
        String c = first;
        if (!c.equals("-")) {
            while (true) {
                int flag = Flags.bit(c);
                if (c.equals("L")) {
                    throw source.error("bad inline flags: cannot use 'L' flag with a str pattern", 0);
                }
                add |= flag;
                if ((flag & Flags.TYPE_FLAGS) != 0 && (add & Flags.TYPE_FLAGS) != flag) {
                    throw source.error("bad inline flags: flags 'a', 'u' and 'L' are incompatible", 0);
                }
                c = next(source, "missing -, : or )");
                if (c.equals(")") || c.equals("-") || c.equals(":")) {
                    break;
                }
                rejectUnknown(source, c, "missing -, : or )");
            }
        }
        if (c.equals(")")) {
            state.addGlobalFlags(add);
            return null;
        }
        if ((add & Flags.TEMPLATE) != 0) {
            throw source.error("bad inline flags: cannot turn on global flag", 1);
        }
        int delete = c.equals("-") ? deletedFlags(source) : 0;
        if ((delete & Flags.TEMPLATE) != 0) {
            throw source.error("bad inline flags: cannot turn off global flag", 1);
        }
        if ((add & delete) != 0) {
            throw source.error("bad inline flags: flag turned on and off", 1);
        }
        return new int[] {add, delete};
    }

    private static int deletedFlags(PatternSource source) throws PatternException {
        String c = next(source, "missing flag");
        rejectUnknown(source, c, "missing flag");
        int delete = 0;
        while (true) {
            int flag = Flags.bit(c);
            if ((flag & Flags.TYPE_FLAGS) != 0) {
                throw source.error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'", 0);
            }
            delete |= flag;
            c = next(source, "missing :");
            if (c.equals(":")) {
                return delete;
            }
            rejectUnknown(source, c, "missing :");
        }
    }

    private static String next(PatternSource source, String whenMissing) throws PatternException {
        String c = source.get();
        if (c == null) {
            throw source.error(whenMissing, 0);
        }
        return c;
    }

    private static void rejectUnknown(PatternSource source, String c, String otherwise) throws PatternException {
        if (Flags.bit(c) == 0) {
            boolean letter = PatternSource.isSingle(c) && Character.isLetter(c.codePointAt(0));
            throw source.error(letter ? "unknown flag" : otherwise, PatternSource.length(c));
        }
    }
}
