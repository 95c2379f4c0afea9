package tuplespace.space;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tuplespace.pattern.CutOff;
import tuplespace.tuple.Pair;

/** What an operation answers (SPEC §1). Every command has a result: {@link TupleSpace#apply} is total. */
public sealed interface Result permits Result.Matched, Result.NotUsed {

    /**
     * GET and DELETE: the matching pairs in ascending order of the key's text form. {@code warning} says why the
     * list is empty when a pattern was malformed or unsupported, or the request was cut off, and also carries what
     * the pattern engine says about patterns it accepted. {@code cutOff} says, for code, whether and by which bound
     * of the {@link tuplespace.pattern.MatchBudget} the request was cut off: a cut-off answers no pairs, changes
     * nothing, and always has a warning.
     */
    record Matched(List<Pair> pairs, Optional<String> warning, CutOff cutOff) implements Result {
        public Matched {
            pairs = List.copyOf(pairs);
            Objects.requireNonNull(warning, "warning");
            Objects.requireNonNull(cutOff, "cutOff");
            if (cutOff != CutOff.NONE && (!pairs.isEmpty() || warning.isEmpty())) {
                throw new IllegalArgumentException("expected a cut-off to answer no pairs and a warning, found "
                        + pairs.size() + " pairs and " + (warning.isEmpty() ? "no warning" : "a warning"));
            }
        }

        /** An answer that was not cut off. */
        public Matched(List<Pair> pairs, Optional<String> warning) {
            this(pairs, warning, CutOff.NONE);
        }

        public static Matched of(List<Pair> pairs) {
            return new Matched(pairs, Optional.empty());
        }

        /** No pairs, because of what {@code warning} says (a refused pattern); not a cut-off. */
        public static Matched warning(String warning) {
            return new Matched(List.of(), Optional.of(warning));
        }

        /** No pairs, because the request was cut off by {@code cutOff}, which {@code warning} explains. */
        public static Matched cutOff(CutOff cutOff, String warning) {
            if (cutOff == CutOff.NONE) {
                throw new IllegalArgumentException("expected the bound that cut the request off, found NONE");
            }
            return new Matched(List.of(), Optional.of(warning), cutOff);
        }
    }

    /** PUT and POST: the positions in the given list of the elements that were not used, ascending. */
    record NotUsed(List<Integer> positions) implements Result {
        public NotUsed {
            positions = List.copyOf(positions);
        }
    }
}
