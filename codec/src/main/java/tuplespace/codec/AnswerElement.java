package tuplespace.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;
import tuplespace.tuple.Pair;

/**
 * One element of an answer's {@code pairs}: the JSON as received, and the pair it spells when it is a well-formed
 * pair. GET/DELETE answers hold only well-formed pairs; PUT/POST answers echo what the client gave, which may not be.
 */
public record AnswerElement(JsonNode json, Optional<Pair> pair) {
    public AnswerElement {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(pair, "pair");
    }
}
