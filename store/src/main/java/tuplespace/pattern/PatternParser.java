package tuplespace.pattern;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import tuplespace.pattern.PatternNode.AnchorKind;
import tuplespace.pattern.PatternNode.RepeatMode;

/**
 * A recursive-descent parser that validates a pattern exactly as CPython 3.11's {@code Lib/re/_parser.py}
 * does (same checks, same messages, same code-point positions) and builds a {@link PatternNode} tree.
 * Groups, flags and lookarounds are in {@link GroupParser}; escapes and sets in their own parsers.
 */
final class PatternParser {
    /** Deeper nesting is refused as UNSUPPORTED rather than risking a StackOverflowError while parsing. */
    static final int MAX_NESTING = 200;

    private static final String SPECIAL_CHARS = ".\\[{()*+?^$|";
    private static final String REPEAT_CHARS = "*+?{";
    private static final String WHITESPACE = " \t\n\r\u000b\f";

    private final PatternSource source;
    private final ParseState state = new ParseState();
    private final EscapeParser escapes;
    private final CharSetParser sets;
    private final GroupParser groups;

    private PatternParser(PatternSource source) {
        this.source = source;
        this.escapes = new EscapeParser(source, state);
        this.sets = new CharSetParser(source, state, escapes);
        this.groups = new GroupParser(source, state, this);
    }

    /** The parse tree and what the translator needs to know about it. */
    record Parsed(PatternNode root, ParseState state) { }

    static Parsed parse(String pattern) throws PatternException {
        PatternSource source = new PatternSource(pattern);
        PatternParser parser = new PatternParser(source);
        PatternNode root = parser.parseAlternation(false, 0, Flags.NONE);
        parser.checkAfterParsing();
        return new Parsed(root, parser.state);
    }

    private void checkAfterParsing() throws PatternException {
        int bits = state.globalFlagBits();
        if ((bits & Flags.ASCII) != 0 && (bits & Flags.UNICODE) != 0) {
            // Python raises ValueError from fix_flags here, which re.compile lets through.
            throw PatternException.invalid("ASCII and UNICODE flags are incompatible", -1, source.pattern());
        }
        if (!source.atEnd()) {
            throw source.error("unbalanced parenthesis", 0);
        }
        for (var reference : state.conditionalReferencePositions().entrySet()) {
            if (reference.getKey() >= state.groups()) {
                throw PatternException.invalid("invalid group reference " + reference.getKey(),
                        reference.getValue(), source.pattern());
            }
        }
        if (state.hasVariableWidthLookbehind()) {
            throw PatternException.invalid("look-behind requires fixed-width pattern", -1, source.pattern());
        }
        if ((bits & Flags.TEMPLATE) != 0) {
            throw PatternException.unsupported("the obsolete template flag (?t) is not supported", source.pattern());
        }
    }

    /** Python's _parse_sub: branches separated by {@code |}. */
    PatternNode parseAlternation(boolean verbose, int nested, Flags flags) throws PatternException {
        if (nested > MAX_NESTING) {
            throw PatternException.unsupported("groups nested more than " + MAX_NESTING + " deep", source.pattern());
        }
        List<PatternNode> branches = new ArrayList<>();
        boolean branchVerbose = verbose;
        Flags branchFlags = flags;
        while (true) {
            branches.add(parseSequence(branchVerbose, nested + 1, nested == 0 && branches.isEmpty(), branchFlags));
            if (!source.match("|")) {
                break;
            }
            if (nested == 0) {
                // Top-level branches after the first see the global flags set at the start.
                branchVerbose = (state.globalFlagBits() & Flags.VERBOSE) != 0;
                branchFlags = Flags.fromBits(state.globalFlagBits());
            }
        }
        return branches.size() == 1 ? branches.get(0) : simplified(branches);
    }

    /**
     * What _parse_sub makes of two or more branches: a first item every branch starts with is moved out in front
     * (again while there is one), and branches that are each one character or one set are one set. What matches, and
     * which match is tried first, stay the same; the point, in Python as here, is a set where java.util.regex would
     * otherwise recurse once per repetition: {@code (?:q|z)*} over a long text overflows its stack, {@code [qz]*}
     * does not.
     */
    private static PatternNode simplified(List<PatternNode> branches) {
        List<List<PatternNode>> items = new ArrayList<>();
        for (PatternNode branch : branches) {
            items.add(new ArrayList<>(branch instanceof PatternNode.Sequence sequence ? sequence.items()
                    : List.of(branch)));
        }
        List<PatternNode> prefix = new ArrayList<>();
        while (items.stream().noneMatch(List::isEmpty) && comparable(items.get(0).get(0))
                && items.stream().allMatch(item -> item.get(0).equals(items.get(0).get(0)))) {
            prefix.add(items.get(0).get(0));
            items.forEach(item -> item.remove(0));
        }
        PatternNode rest = oneSet(items);
        if (rest == null) {
            List<PatternNode> rebuilt = new ArrayList<>();
            for (List<PatternNode> item : items) {
                rebuilt.add(item.size() == 1 ? item.get(0) : new PatternNode.Sequence(item));
            }
            rest = new PatternNode.Alternation(rebuilt);
        }
        if (prefix.isEmpty()) {
            return rest;
        }
        prefix.add(rest);
        return new PatternNode.Sequence(prefix);
    }

    /**
     * Whether a first item shared by every branch may move out in front of them: one that matches one way only, as
     * in Python, whose items of these kinds compare by value (its repeats and groups never compare equal). Moved out
     * of the branches, a repeat would try its matches in another order: {@code (?>x*?y|x*?x)} on {@code xxy}.
     */
    private static boolean comparable(PatternNode item) {
        return item instanceof PatternNode.Literal || item instanceof PatternNode.CharSet
                || item instanceof PatternNode.Any || item instanceof PatternNode.Anchor
                || item instanceof PatternNode.Backref;
    }

    /** The branches as one set, when each is one character or one set that is not negated (same flags); else null. */
    private static PatternNode oneSet(List<List<PatternNode>> branches) {
        Set<PatternNode.SetItem> members = new LinkedHashSet<>();
        Flags flags = null;
        for (List<PatternNode> branch : branches) {
            if (branch.size() != 1) {
                return null;
            }
            PatternNode item = branch.get(0);
            Flags itemFlags;
            if (item instanceof PatternNode.Literal literal) {
                members.add(new PatternNode.SetItem.Char(literal.codePoint()));
                itemFlags = literal.flags();
            } else if (item instanceof PatternNode.CharSet set && !set.negated()) {
                members.addAll(set.items());
                itemFlags = set.flags();
            } else {
                return null;
            }
            if (flags != null && !flags.equals(itemFlags)) {
                return null;
            }
            flags = itemFlags;
        }
        return new PatternNode.CharSet(false, new ArrayList<>(members), flags);
    }

    /** Python's _parse: items up to {@code |}, {@code )} or the end. */
    PatternNode parseSequence(boolean verbose, int nested, boolean first, Flags flags) throws PatternException {
        List<PatternNode> items = new ArrayList<>();
        Flags current = flags;
        boolean currentVerbose = verbose;
        while (!source.atEnd() && !source.peek().equals("|") && !source.peek().equals(")")) {
            String token = source.get();
            if (currentVerbose && WHITESPACE.contains(token)) {
                continue;
            }
            if (currentVerbose && token.equals("#")) {
                skipComment();
                continue;
            }
            if (token.startsWith("\\")) {
                items.add(escapes.escape(token, current));
            } else if (!SPECIAL_CHARS.contains(token)) {
                items.add(new PatternNode.Literal(token.codePointAt(0), current));
            } else if (token.equals("[")) {
                items.add(sets.parse(current));
            } else if (REPEAT_CHARS.contains(token)) {
                repeat(token, items, current);
            } else if (token.equals(".")) {
                items.add(new PatternNode.Any(current));
            } else if (token.equals("(")) {
                PatternNode group = groups.parse(currentVerbose, nested, current, first && items.isEmpty());
                if (group == GroupParser.GLOBAL_FLAGS) {
                    current = Flags.fromBits(state.globalFlagBits());
                    currentVerbose = current.verbose();
                } else if (group != null) {
                    items.add(group);
                }
            } else if (token.equals("^")) {
                items.add(new PatternNode.Anchor(AnchorKind.BEGINNING, current));
            } else {
                items.add(new PatternNode.Anchor(AnchorKind.END, current));
            }
        }
        return items.size() == 1 ? items.get(0) : new PatternNode.Sequence(items);
    }

    private void skipComment() throws PatternException {
        while (true) {
            String token = source.get();
            if (token == null || token.equals("\n")) {
                return;
            }
        }
    }

    /** A quantifier just read as {@code token}; applies to the last item, or turns {@code {} into a literal. */
    private void repeat(String token, List<PatternNode> items, Flags flags) throws PatternException {
        int here = source.tell();
        long min;
        long max;
        if (token.equals("?")) {
            min = 0;
            max = 1;
        } else if (token.equals("*")) {
            min = 0;
            max = PatternNode.MAXREPEAT;
        } else if (token.equals("+")) {
            min = 1;
            max = PatternNode.MAXREPEAT;
        } else {
            long[] bounds = braces(here);
            if (bounds == null) {
                items.add(new PatternNode.Literal('{', flags));
                return;
            }
            min = bounds[0];
            max = bounds[1];
        }
        PatternNode item = items.isEmpty() ? null : items.get(items.size() - 1);
        int offset = source.tell() - here + 1;
        if (item == null || item instanceof PatternNode.Anchor) {
            throw source.error("nothing to repeat", offset);
        }
        if (item instanceof PatternNode.Repeat) {
            throw source.error("multiple repeat", offset);
        }
        RepeatMode mode = source.match("?") ? RepeatMode.LAZY
                : source.match("+") ? RepeatMode.POSSESSIVE : RepeatMode.GREEDY;
        items.set(items.size() - 1, new PatternNode.Repeat(min, max, mode, item));
    }

    /** {@code {m}}, {@code {m,}}, {@code {,n}}, {@code {m,n}}, {@code {,}}; null (and rewound) when it is a literal. */
    private long[] braces(int here) throws PatternException {
        if ("}".equals(source.peek())) {
            return null;
        }
        String low = digits();
        String high = source.match(",") ? digits() : low;
        if (!source.match("}")) {
            source.seek(here);
            return null;
        }
        long min = low.isEmpty() ? 0 : count(low);
        long max = high.isEmpty() ? PatternNode.MAXREPEAT : count(high);
        if (!high.isEmpty() && max < min) {
            throw source.error("min repeat greater than max repeat", source.tell() - here);
        }
        return new long[] {min, max};
    }

    private String digits() throws PatternException {
        return source.getWhile(Integer.MAX_VALUE, EscapeParser::isDigitCodePoint);
    }

    private long count(String digits) throws PatternException {
        BigInteger value = new BigInteger(digits);
        if (value.compareTo(BigInteger.valueOf(PatternNode.MAXREPEAT)) >= 0) {
            // Python raises OverflowError here, not re.error; it is still a refusal.
            throw PatternException.invalid("the repetition number is too large", -1, source.pattern());
        }
        return value.longValue();
    }
}
