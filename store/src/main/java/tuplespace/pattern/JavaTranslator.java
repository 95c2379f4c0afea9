package tuplespace.pattern;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import tuplespace.pattern.PatternNode.RepeatMode;

/**
 * Emits a parse tree as a java.util.regex pattern with Python's meaning (docs/python-regex.md §1):
 * anchors are spelled out ({@code $} is "before a final \n or at the end", multiline {@code ^} also matches
 * after a trailing newline), {@code \b} is built from Python's word class, case-insensitivity is switched per
 * atom with Java inline flags, and conditionals {@code (?(k)yes|no)} become a test of an empty helper group
 * placed at the end of group k. Compile the result with UNICODE_CHARACTER_CLASS | UNIX_LINES.
 *
 * <p>Captures follow Python's: a repeated group with groups inside is emitted so that Java restores their captures
 * when it gives back an iteration (see {@link #emitRepeatedGroup}).
 */
final class JavaTranslator {
    /**
     * One character outside the BMP, in a look-behind Java allows one or two units for: it matches only from the
     * first unit of a surrogate pair, so the look-behind holds exactly when the two units before are one such character.
     */
    private static final String ASTRAL = "[\\x{10000}-\\x{10ffff}]{1,2}";
    private enum CaseMode { OFF, ASCII, UNICODE, UNKNOWN }

    private final Map<Integer, Integer> javaGroup = new HashMap<>();
    private final Map<Integer, Integer> helperGroup = new HashMap<>();
    private final Set<Integer> conditionalTargets;
    private final StringBuilder out = new StringBuilder();
    private final String source;
    /** Whether a backreference or a conditional reads a capture again: only then can a stale capture show. */
    private final boolean readsCaptures;
    private CaseMode caseMode = CaseMode.OFF;
    private int nextJavaGroup = 1;

    private JavaTranslator(Set<Integer> conditionalTargets, String source, boolean readsCaptures) {
        this.conditionalTargets = conditionalTargets;
        this.source = source;
        this.readsCaptures = readsCaptures;
    }

    static String translate(PatternParser.Parsed parsed, String source) throws PatternException {
        JavaTranslator translator = new JavaTranslator(parsed.state().conditionalTargets(), source,
                contains(parsed.root(), node -> node instanceof PatternNode.Backref
                        || node instanceof PatternNode.Conditional));
        translator.number(parsed.root());
        translator.emit(parsed.root());
        return translator.out.toString();
    }

    // Java numbers groups by their opening parenthesis, helpers included, so number them first in order:
    // a conditional may refer to a group that comes later.
    private void number(PatternNode node) {
        if (node instanceof PatternNode.Group && ((PatternNode.Group) node).number() != 0) {
            int python = ((PatternNode.Group) node).number();
            javaGroup.put(python, nextJavaGroup++);
            number(((PatternNode.Group) node).body());
            if (conditionalTargets.contains(python)) {
                helperGroup.put(python, nextJavaGroup++);
            }
            return;
        }
        children(node).forEach(this::number);
    }

    private static boolean contains(PatternNode node, Predicate<PatternNode> test) {
        return test.test(node) || children(node).stream().anyMatch(child -> contains(child, test));
    }

    private static boolean isCapturingGroup(PatternNode node) {
        return node instanceof PatternNode.Group && ((PatternNode.Group) node).number() != 0;
    }

    private static java.util.List<PatternNode> children(PatternNode node) {
        if (node instanceof PatternNode.Sequence) {
            return ((PatternNode.Sequence) node).items();
        }
        if (node instanceof PatternNode.Alternation) {
            return ((PatternNode.Alternation) node).branches();
        }
        if (node instanceof PatternNode.Group) {
            return java.util.List.of(((PatternNode.Group) node).body());
        }
        if (node instanceof PatternNode.Atomic) {
            return java.util.List.of(((PatternNode.Atomic) node).body());
        }
        if (node instanceof PatternNode.Repeat) {
            return java.util.List.of(((PatternNode.Repeat) node).body());
        }
        if (node instanceof PatternNode.Lookaround) {
            return java.util.List.of(((PatternNode.Lookaround) node).body());
        }
        if (node instanceof PatternNode.Conditional) {
            PatternNode.Conditional conditional = (PatternNode.Conditional) node;
            return conditional.no() == null ? java.util.List.of(conditional.yes())
                    : java.util.List.of(conditional.yes(), conditional.no());
        }
        return java.util.List.of();
    }

    private void emit(PatternNode node) throws PatternException {
        if (node instanceof PatternNode.Literal) {
            PatternNode.Literal literal = (PatternNode.Literal) node;
            caseFor(literal.flags());
            out.append(CharClassTranslator.literal(literal.codePoint(), literal.flags()));
        } else if (node instanceof PatternNode.CharSet) {
            PatternNode.CharSet set = (PatternNode.CharSet) node;
            caseFor(set.flags());
            out.append(CharClassTranslator.set(set));
        } else if (node instanceof PatternNode.Any) {
            caseFor(Flags.NONE);
            out.append(((PatternNode.Any) node).flags().dotAll() ? "[\\x{0}-\\x{10ffff}]" : "[^\\x{a}]");
        } else if (node instanceof PatternNode.Anchor) {
            caseFor(Flags.NONE);
            out.append(anchor((PatternNode.Anchor) node));
        } else if (node instanceof PatternNode.Sequence) {
            for (PatternNode item : ((PatternNode.Sequence) node).items()) {
                emit(item);
            }
        } else if (node instanceof PatternNode.Alternation) {
            emitAlternation((PatternNode.Alternation) node);
        } else if (node instanceof PatternNode.Repeat) {
            emitRepeat((PatternNode.Repeat) node);
        } else {
            emitGrouping(node);
        }
    }

    private void emitGrouping(PatternNode node) throws PatternException {
        if (node instanceof PatternNode.Group) {
            emitGroup((PatternNode.Group) node);
        } else if (node instanceof PatternNode.Atomic) {
            wrap("(?>", ((PatternNode.Atomic) node).body(), ")");
        } else if (node instanceof PatternNode.Lookaround) {
            PatternNode.Lookaround look = (PatternNode.Lookaround) node;
            wrap("(?" + (look.behind() ? "<" : "") + (look.negated() ? "!" : "="), look.body(), ")");
        } else if (node instanceof PatternNode.Backref) {
            PatternNode.Backref backref = (PatternNode.Backref) node;
            caseFor(backref.flags());
            // The group keeps a digit that follows from being read as part of the number (docs/python-regex.md §1).
            out.append("(?:\\").append(javaGroup.get(backref.group())).append(')');
        } else {
            emitConditional((PatternNode.Conditional) node);
        }
    }

    private void emitGroup(PatternNode.Group group) throws PatternException {
        if (group.number() == 0) {
            wrap("(?:", group.body(), ")");
        } else if (helperGroup.containsKey(group.number())) {
            // The empty helper at the end records "group k has matched" for (?(k)...).
            wrap("((?:", group.body(), ")())");
        } else {
            wrap("(", group.body(), ")");
        }
    }

    private void emitConditional(PatternNode.Conditional conditional) throws PatternException {
        Integer helper = helperGroup.get(conditional.group());
        if (helper == null) {
            throw PatternException.unsupported("conditional on group " + conditional.group()
                    + ", which is not a capturing group outside the conditional", source);
        }
        out.append("(?:(?:\\").append(helper).append(')');
        wrap("(?:", conditional.yes(), ")");
        out.append("|(?!\\").append(helper).append(')');
        if (conditional.no() != null) {
            wrap("(?:", conditional.no(), ")");
        }
        out.append(')');
        caseMode = CaseMode.UNKNOWN;
    }

    private void emitAlternation(PatternNode.Alternation alternation) throws PatternException {
        out.append("(?:");
        boolean first = true;
        for (PatternNode branch : alternation.branches()) {
            if (!first) {
                out.append('|');
                caseMode = CaseMode.UNKNOWN; // do not rely on how Java carries inline flags across '|'
            }
            first = false;
            emit(branch);
        }
        out.append(')');
        caseMode = CaseMode.UNKNOWN;
    }

    private void emitRepeat(PatternNode.Repeat repeat) throws PatternException {
        PatternNode body = repeat.body();
        boolean atom = body instanceof PatternNode.Literal || body instanceof PatternNode.CharSet
                || body instanceof PatternNode.Any || body instanceof PatternNode.Group
                || body instanceof PatternNode.Atomic || body instanceof PatternNode.Lookaround
                || body instanceof PatternNode.Backref || body instanceof PatternNode.Conditional;
        if (body instanceof PatternNode.Group && readsCaptures && repeat.max() > 1
                && repeat.mode() != RepeatMode.POSSESSIVE) {
            emitRepeatedGroup((PatternNode.Group) body);
        } else if (atom) {
            emit(body); // a case switch, if any, lands before the atom, so Java keeps its fast single-atom loops
        } else {
            wrap("(?:", body, ")");
        }
        out.append(quantifier(repeat.min(), repeat.max()));
        if (repeat.mode() == RepeatMode.LAZY) {
            out.append('?');
        } else if (repeat.mode() == RepeatMode.POSSESSIVE) {
            out.append('+');
        }
    }

    /**
     * A group under a repeating quantifier, in a pattern that reads captures again. When the group's body has one
     * width (no alternation, no variable repeat) Java runs the repeat with a shortcut loop (GroupCurly) that
     * restores the group's own capture when it gives back an iteration or fails, but not the captures of groups
     * nested in it: {@code (?:(.)x)+\1.} would match "axbx" with {@code \1} still "b" from the iteration given
     * back, where Python restores "a" and fails. An alternative that never matches, {@code |(?!)}, takes the
     * shortcut away: Java's general loop restores every capture as it backtracks. It is slower (and recursive), so
     * it is used only where a capture is nested and can be read again (a conditional's helper group counts as
     * nested). A {@code ?} is no loop in Java, and nothing restores what a possessive repeat captured (a known gap).
     */
    private void emitRepeatedGroup(PatternNode.Group group) throws PatternException {
        boolean nestedCapture = helperGroup.containsKey(group.number()) || contains(group.body(),
                JavaTranslator::isCapturingGroup);
        if (!nestedCapture) {
            emit(group);
            return;
        }
        String open = group.number() == 0 ? "(?:" : "(";
        if (helperGroup.containsKey(group.number())) {
            wrap(open + "(?:", group.body(), ")()|(?!))");
        } else {
            wrap(open, group.body(), "|(?!))");
        }
    }

    private String quantifier(long min, long max) throws PatternException {
        boolean unbounded = max == PatternNode.MAXREPEAT;
        if (min > Integer.MAX_VALUE || (!unbounded && max > Integer.MAX_VALUE)) {
            throw PatternException.unsupported("repeat count above " + Integer.MAX_VALUE
                    + " (java.util.regex limit)", source);
        }
        if (unbounded) {
            return min == 0 ? "*" : min == 1 ? "+" : "{" + min + ",}";
        }
        if (min == max) {
            return "{" + min + "}";
        }
        return min == 0 && max == 1 ? "?" : "{" + min + "," + max + "}";
    }

    private void wrap(String open, PatternNode body, String close) throws PatternException {
        out.append(open);
        emit(body);
        out.append(close);
        caseMode = CaseMode.UNKNOWN; // Java may restore the outer inline flags at ')': be explicit afterwards
    }

    private static String anchor(PatternNode.Anchor anchor) {
        boolean multiline = anchor.flags().multiline();
        String word = CharClassTranslator.wordClass(anchor.flags().ascii());
        switch (anchor.kind()) {
            case BEGINNING:
                // Java's multiline ^ never matches at the very end, after a trailing newline; Python's does.
                return multiline ? "(?:\\A|(?<=\\x{a}))" : "\\A";
            case END:
                return multiline ? "(?=\\x{a}|\\z)" : "(?=\\x{a}?\\z)";
            case BEGINNING_STRING:
                return "\\A";
            case END_STRING:
                return "\\z"; // Python's \Z is Java's \z
            case BOUNDARY:
                return "(?:" + wordBefore(word) + "(?!" + word + ")|" + noWordBefore(word) + "(?=" + word + "))";
            default:
                // Python 3.11's \B never matches in an empty string.
                return "(?!\\A\\z)(?:" + wordBefore(word) + "(?=" + word + ")|" + noWordBefore(word) + "(?!" + word
                        + "))";
        }
    }

    /**
     * The character before is a word character. Java sizes a look-behind in UTF-16 units, and a class as one: after
     * a character outside the BMP ({@code 𐐀}, two units) {@code (?<=[\p{L}])} sees only the second unit, and fails.
     * The second test looks back two units for such a character, matched whole by the class in the lookahead.
     */
    private static String wordBefore(String word) {
        return "(?:(?<=" + word + ")|(?<=(?=" + word + ")" + ASTRAL + "))";
    }

    private static String noWordBefore(String word) {
        return "(?<!" + word + ")(?<!(?=" + word + ")" + ASTRAL + ")";
    }

    private void caseFor(Flags flags) {
        CaseMode wanted = !flags.ignoreCase() ? CaseMode.OFF : flags.ascii() ? CaseMode.ASCII : CaseMode.UNICODE;
        if (wanted == caseMode) {
            return;
        }
        out.append(wanted == CaseMode.OFF ? "(?-i)" : wanted == CaseMode.ASCII ? "(?i-u)" : "(?iu)");
        caseMode = wanted;
    }
}
