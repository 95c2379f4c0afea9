package tuplespace.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tuplespace.pattern.CutOff;
import tuplespace.tuple.Pair;

/**
 * An {@code ok} answer (SPEC §1): for GET and DELETE the matching pairs in ascending key order, for PUT and POST
 * the pairs that were not used, as given.
 *
 * <p>{@code warning} is present only when a GET or DELETE answer is not the full answer: a pattern was malformed,
 * or the request was cut off, and the list is empty. {@code cutOff} says which bound cut it off, if one did:
 * {@code MATCH_BUDGET} (matching one key or value took too long: catastrophic backtracking; change the pattern) or
 * {@code REQUEST_CPU_LIMIT} (the request covered too much; narrow it, e.g. with a literal key prefix). {@code note}
 * is advice about patterns that were valid (CPython warns about them, e.g. "Possible nested set"), or says which
 * elements of a PUT or POST were not well-formed pairs (not from this library, which sends only pairs): the answer
 * is complete, so a note is never a reason to doubt it.
 */
public record Answer(List<Pair> pairs, Optional<String> warning, Optional<CutOff> cutOff, Optional<String> note) {

    public Answer {
        pairs = List.copyOf(pairs);
        Objects.requireNonNull(warning, "warning");
        Objects.requireNonNull(cutOff, "cutOff");
        Objects.requireNonNull(note, "note");
    }
}
