package tuplespace.pattern;

import java.util.List;
import java.util.Optional;

/**
 * What every full match must look like, for the store's index lookups: the one string a pattern can match
 * ({@code literal}), and the text every match starts with ({@code prefix}). Both must be SOUND: when unsure,
 * claim less. Case-insensitive atoms, sets, {@code .}, backreferences and conditionals end the known text.
 */
final class LiteralAnalysis {
    /** What one node is known to match: exactly {@code text} when {@code exact}, else something starting with it. */
    private record Known(String text, boolean exact) {
        static final Known NOTHING = new Known("", false);
        static final Known EMPTY = new Known("", true);
    }

    private LiteralAnalysis() {
    }

    /** The only string the pattern can full-match, if there is exactly one and we can tell. */
    static Optional<String> literal(PatternNode root) {
        List<PatternNode> items = withoutEdgeAnchors(root);
        StringBuilder text = new StringBuilder();
        for (PatternNode item : items) {
            // Inside, a zero-width test could reject the only candidate: never call such a pattern literal.
            Known known = containsAssertion(item) ? Known.NOTHING : known(item);
            if (!known.exact()) {
                return Optional.empty();
            }
            text.append(known.text());
        }
        return Optional.of(text.toString());
    }

    /** The longest text every full match starts with; "" when nothing is known. */
    static String prefix(PatternNode root) {
        Known known = known(root);
        return known.text();
    }

    // A leading ^ or \A and a trailing $ or \Z hold for every full match, so they do not change the literal.
    private static List<PatternNode> withoutEdgeAnchors(PatternNode root) {
        List<PatternNode> items = root instanceof PatternNode.Sequence
                ? ((PatternNode.Sequence) root).items() : List.of(root);
        int from = 0;
        int to = items.size();
        while (from < to && isAnchor(items.get(from), PatternNode.AnchorKind.BEGINNING,
                PatternNode.AnchorKind.BEGINNING_STRING)) {
            from++;
        }
        while (to > from && isAnchor(items.get(to - 1), PatternNode.AnchorKind.END,
                PatternNode.AnchorKind.END_STRING)) {
            to--;
        }
        return items.subList(from, to);
    }

    private static boolean isAnchor(PatternNode node, PatternNode.AnchorKind a, PatternNode.AnchorKind b) {
        return node instanceof PatternNode.Anchor
                && (((PatternNode.Anchor) node).kind() == a || ((PatternNode.Anchor) node).kind() == b);
    }

    private static Known known(PatternNode node) {
        if (node instanceof PatternNode.Literal) {
            PatternNode.Literal literal = (PatternNode.Literal) node;
            return literal.flags().ignoreCase() ? Known.NOTHING
                    : new Known(new String(Character.toChars(literal.codePoint())), true);
        }
        if (node instanceof PatternNode.Anchor || node instanceof PatternNode.Lookaround) {
            return Known.EMPTY; // zero width: a match, if any, has the same text around it
        }
        if (node instanceof PatternNode.Sequence) {
            return sequence(((PatternNode.Sequence) node).items());
        }
        if (node instanceof PatternNode.Alternation) {
            return alternation(((PatternNode.Alternation) node).branches());
        }
        if (node instanceof PatternNode.Group) {
            return known(((PatternNode.Group) node).body());
        }
        if (node instanceof PatternNode.Atomic) {
            return known(((PatternNode.Atomic) node).body());
        }
        if (node instanceof PatternNode.Repeat) {
            return repeat((PatternNode.Repeat) node);
        }
        return Known.NOTHING; // sets, '.', backreferences, conditionals
    }

    private static Known sequence(List<PatternNode> items) {
        StringBuilder text = new StringBuilder();
        for (PatternNode item : items) {
            Known known = known(item);
            text.append(known.text());
            if (!known.exact()) {
                return new Known(text.toString(), false);
            }
        }
        return new Known(text.toString(), true);
    }

    private static Known alternation(List<PatternNode> branches) {
        Known first = known(branches.get(0));
        String common = first.text();
        boolean allExactAndEqual = first.exact();
        for (PatternNode branch : branches.subList(1, branches.size())) {
            Known known = known(branch);
            allExactAndEqual &= known.exact() && known.text().equals(first.text());
            common = commonPrefix(common, known.text());
        }
        return allExactAndEqual ? first : new Known(common, false);
    }

    private static Known repeat(PatternNode.Repeat repeat) {
        Known body = known(repeat.body());
        if (repeat.min() > 10_000 || body.text().length() * repeat.min() > 100_000) {
            return Known.NOTHING; // a prefix this long is no use to an index, and would cost memory
        }
        if (!body.exact()) {
            return repeat.min() == 0 ? Known.NOTHING : new Known(body.text(), false);
        }
        String required = body.text().repeat((int) repeat.min());
        return new Known(required, repeat.min() == repeat.max() || body.text().isEmpty());
    }

    private static String commonPrefix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i > 0 && i < a.length() && Character.isHighSurrogate(a.charAt(i - 1))) {
            i--; // never split a surrogate pair: keys are compared by code point
        }
        return a.substring(0, i);
    }

    private static boolean containsAssertion(PatternNode node) {
        if (node instanceof PatternNode.Anchor || node instanceof PatternNode.Lookaround) {
            return true;
        }
        if (node instanceof PatternNode.Sequence) {
            return ((PatternNode.Sequence) node).items().stream().anyMatch(LiteralAnalysis::containsAssertion);
        }
        if (node instanceof PatternNode.Alternation) {
            return ((PatternNode.Alternation) node).branches().stream().anyMatch(LiteralAnalysis::containsAssertion);
        }
        if (node instanceof PatternNode.Group) {
            return containsAssertion(((PatternNode.Group) node).body());
        }
        if (node instanceof PatternNode.Atomic) {
            return containsAssertion(((PatternNode.Atomic) node).body());
        }
        if (node instanceof PatternNode.Repeat) {
            return containsAssertion(((PatternNode.Repeat) node).body());
        }
        return false;
    }
}
