package tuplespace.space;

import java.util.List;
import java.util.Optional;
import tuplespace.tuple.Pair;

/** What an operation answers (SPEC §1). Every command has a result: {@link TupleSpace#apply} is total. */
public sealed interface Result permits Result.Matched, Result.NotUsed {

    /**
     * GET and DELETE: the matching pairs in ascending order of the key's text form. {@code warning} says why
     * the list is empty when a pattern was malformed, unsupported or ran out of its time budget.
     */
    record Matched(List<Pair> pairs, Optional<String> warning) implements Result {
        public Matched {
            pairs = List.copyOf(pairs);
        }

        public static Matched of(List<Pair> pairs) {
            return new Matched(pairs, Optional.empty());
        }

        public static Matched warning(String warning) {
            return new Matched(List.of(), Optional.of(warning));
        }
    }

    /** PUT and POST: the positions in the given list of the elements that were not used, ascending. */
    record NotUsed(List<Integer> positions) implements Result {
        public NotUsed {
            positions = List.copyOf(positions);
        }
    }
}
