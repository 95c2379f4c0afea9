package tuplespace.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tuplespace.pattern.CutOff;

/**
 * A JSON answer line, decoded by {@link AnswerDecoder#decode}. {@code id} is {@code null} when the answer carried
 * none; {@code pairs} is empty when it carried none (errors). {@code warning} says why an {@code ok} answer is not
 * the full answer (a malformed pattern, a cut-off); {@code cutOff} which bound cut the request off, if one did
 * (empty too for a name this version does not know); {@code note} is advice (on patterns that were valid, or on the
 * elements of a PUT or POST that were not well-formed pairs), and the answer is complete all the same.
 */
public record ParsedAnswer(JsonNode id, Status status, List<AnswerElement> pairs, Optional<String> warning,
                           Optional<CutOff> cutOff, Optional<String> note, Optional<String> error) {
    public ParsedAnswer {
        Objects.requireNonNull(status, "status");
        pairs = List.copyOf(pairs);
        Objects.requireNonNull(warning, "warning");
        Objects.requireNonNull(cutOff, "cutOff");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(error, "error");
    }

    /** The pairs that are well-formed, in order (for a GET/DELETE answer: all of them). */
    public List<tuplespace.tuple.Pair> wellFormedPairs() {
        return pairs.stream().flatMap(element -> element.pair().stream()).toList();
    }

    /** The id as a long, when the answer carried an integral id that fits. */
    public Optional<Long> longId() {
        return id != null && id.isIntegralNumber() && id.canConvertToLong() ? Optional.of(id.longValue())
                : Optional.empty();
    }
}
