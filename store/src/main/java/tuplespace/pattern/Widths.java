package tuplespace.pattern;

import tuplespace.pattern.PatternNode.Width;

/** Python's SubPattern.getwidth(): how many code points a node can match, used for the lookbehind rule. */
final class Widths {
    private Widths() {
    }

    static Width of(PatternNode node) {
        if (node instanceof PatternNode.Literal || node instanceof PatternNode.CharSet
                || node instanceof PatternNode.Any) {
            return Width.ONE;
        }
        if (node instanceof PatternNode.Sequence) {
            Width total = Width.ZERO;
            for (PatternNode item : ((PatternNode.Sequence) node).items()) {
                total = total.plus(of(item));
            }
            return total;
        }
        if (node instanceof PatternNode.Alternation) {
            Width union = null;
            for (PatternNode branch : ((PatternNode.Alternation) node).branches()) {
                union = union == null ? of(branch) : union.union(of(branch));
            }
            return union;
        }
        if (node instanceof PatternNode.Group) {
            return of(((PatternNode.Group) node).body());
        }
        if (node instanceof PatternNode.Atomic) {
            return of(((PatternNode.Atomic) node).body());
        }
        if (node instanceof PatternNode.Repeat) {
            PatternNode.Repeat repeat = (PatternNode.Repeat) node;
            return of(repeat.body()).times(repeat.min(), repeat.max());
        }
        if (node instanceof PatternNode.Backref) {
            return ((PatternNode.Backref) node).width();
        }
        if (node instanceof PatternNode.Conditional) {
            PatternNode.Conditional conditional = (PatternNode.Conditional) node;
            Width yes = of(conditional.yes());
            return conditional.no() == null ? new Width(0, yes.max()) : yes.union(of(conditional.no()));
        }
        return Width.ZERO; // anchors and lookarounds
    }
}
