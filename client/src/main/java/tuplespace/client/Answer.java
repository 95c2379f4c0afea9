package tuplespace.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tuplespace.pattern.CutOff;
import tuplespace.tuple.Pair;

/**
 * An {@code ok} answer (docs/protocol.md "The data"): for GET and DELETE the matching pairs in ascending key order, for
 * PUT and POST the pairs that were not used, as given.
 *
 * <p>{@code warning} is present only when a GET or DELETE answer is not the full answer: a pattern was malformed,
 * or the request was cut off, and the list is empty. {@code cutOff} says which bound cut it off, if one did:
 * {@code MATCH_BUDGET} (matching one key or value took too long: catastrophic backtracking; change the pattern) or
 * {@code REQUEST_CPU_LIMIT} (the request covered too much; narrow it, e.g. with a literal key prefix). {@code note}
 * is advice about patterns that were valid (CPython warns about them, e.g. "Possible nested set"), or says which
 * elements of a PUT or POST were not well-formed pairs: the service used none of them and answers them back, but
 * {@code pairs} holds only well-formed ones, so those elements are named in the note alone. Only a request given
 * whole ({@link TupleSpaceClient#send}, from {@code Requests.parse}) can carry them: {@code put} and {@code post} take
 * {@link Pair}s, which are well-formed. The answer is complete otherwise, so a note is never a reason to doubt the
 * pairs it lists.
 */
public record Answer(List<Pair> pairs, Optional<String> warning, Optional<CutOff> cutOff, Optional<String> note) {

    public Answer {
        pairs = List.copyOf(pairs);
        Objects.requireNonNull(warning, "warning");
        Objects.requireNonNull(cutOff, "cutOff");
        Objects.requireNonNull(note, "note");
    }
}
