package tuplespace.pattern;

import java.util.List;

/**
 * The parse tree of a Python pattern: what {@link PatternParser} builds, {@link JavaTranslator} emits and
 * {@link LiteralAnalysis} inspects. Shapes follow the opcodes of CPython's {@code _parser.py}.
 */
sealed interface PatternNode {
    /** Python's MAXREPEAT: a repeat bound this large means "unbounded". */
    long MAXREPEAT = 4294967295L;

    /** One code point (LITERAL). */
    record Literal(int codePoint, Flags flags) implements PatternNode { }

    /** A character set or a category escape such as {@code \d} (IN / NOT_LITERAL). */
    record CharSet(boolean negated, List<SetItem> items, Flags flags) implements PatternNode {
        public CharSet {
            items = List.copyOf(items);
        }
    }

    /** {@code .} (ANY). */
    record Any(Flags flags) implements PatternNode { }

    /** A zero-width position test that Python refuses to repeat (AT). */
    record Anchor(AnchorKind kind, Flags flags) implements PatternNode { }

    record Sequence(List<PatternNode> items) implements PatternNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    record Alternation(List<PatternNode> branches) implements PatternNode {
        public Alternation {
            branches = List.copyOf(branches);
        }
    }

    /** A parenthesised group; {@code number} is 0 for a non-capturing or flag-scoped group. */
    record Group(int number, PatternNode body) implements PatternNode { }

    record Atomic(PatternNode body) implements PatternNode { }

    /** {@code max == MAXREPEAT} means unbounded. */
    record Repeat(long min, long max, RepeatMode mode, PatternNode body) implements PatternNode { }

    /** {@code \1} or {@code (?P=name)}; the width of the referenced group is needed for lookbehinds. */
    record Backref(int group, Width width, Flags flags) implements PatternNode { }

    record Lookaround(boolean behind, boolean negated, PatternNode body) implements PatternNode { }

    /** {@code (?(group)yes|no)}; {@code no} is null when absent. */
    record Conditional(int group, PatternNode yes, PatternNode no) implements PatternNode { }

    enum AnchorKind { BEGINNING, END, BEGINNING_STRING, END_STRING, BOUNDARY, NON_BOUNDARY }

    enum RepeatMode { GREEDY, LAZY, POSSESSIVE }

    enum Category { DIGIT, NOT_DIGIT, SPACE, NOT_SPACE, WORD, NOT_WORD }

    /** A member of a character set. */
    sealed interface SetItem {
        record Char(int codePoint) implements SetItem { }

        record Range(int low, int high) implements SetItem { }

        record Class(Category category) implements SetItem { }
    }

    /** Minimum and maximum match length in code points, saturating like Python's getwidth(). */
    record Width(long min, long max) {
        static final Width ZERO = new Width(0, 0);
        static final Width ONE = new Width(1, 1);

        Width plus(Width other) {
            return new Width(Math.min(min + other.min, MAXREPEAT - 1), Math.min(max + other.max, MAXREPEAT));
        }

        Width times(long low, long high) {
            return new Width(Math.min(saturatedProduct(min, low), MAXREPEAT - 1),
                    Math.min(saturatedProduct(max, high), MAXREPEAT));
        }

        Width union(Width other) {
            return new Width(Math.min(min, other.min), Math.max(max, other.max));
        }

        boolean fixed() {
            return min == max;
        }

        private static long saturatedProduct(long a, long b) {
            return a != 0 && b > MAXREPEAT / a ? MAXREPEAT : a * b;
        }
    }
}
