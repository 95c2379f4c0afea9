package tuplespace.space;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tuplespace.tuple.Pair;

/** What an operation answers (SPEC §1). Every command has a result: {@link TupleSpace#apply} is total. */
public sealed interface Result permits Result.Matched, Result.NotUsed {

    /**
     * GET and DELETE: the matching pairs in ascending order of the key's text form.
     *
     * <p>{@code warning} is set only when this is not the full answer: a pattern was malformed, unsupported or
     * ran out of its time budget, and the list is empty. {@code note} is advice about patterns that were accepted
     * (CPython's FutureWarnings, e.g. "Possible nested set"): the answer is complete all the same, so a note never
     * turns a valid pattern's answer into an apparent error (docs/protocol.md, "Answers: warning and note").
     */
    record Matched(List<Pair> pairs, Optional<String> warning, Optional<String> note) implements Result {
        public Matched {
            pairs = List.copyOf(pairs);
            Objects.requireNonNull(warning, "warning");
            Objects.requireNonNull(note, "note");
        }

        public static Matched of(List<Pair> pairs) {
            return of(pairs, Optional.empty());
        }

        /** The full answer, with the note on its patterns if there is one. */
        public static Matched of(List<Pair> pairs, Optional<String> note) {
            return new Matched(pairs, Optional.empty(), note);
        }

        public static Matched warning(String warning) {
            return new Matched(List.of(), Optional.of(warning), Optional.empty());
        }
    }

    /** PUT and POST: the positions in the given list of the elements that were not used, ascending. */
    record NotUsed(List<Integer> positions) implements Result {
        public NotUsed {
            positions = List.copyOf(positions);
        }
    }
}
