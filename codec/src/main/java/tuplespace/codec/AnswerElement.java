package tuplespace.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Objects;
import java.util.Optional;
import tuplespace.tuple.Pair;

/**
 * One element of an answer's {@code pairs}: the pair it spells when it is a well-formed pair, else the JSON as
 * received. GET/DELETE answers hold only well-formed pairs; PUT/POST answers echo what the client gave, which may not
 * be. A well-formed pair keeps no JSON: a big answer costs its pairs only.
 */
public record AnswerElement(Optional<Pair> pair, Optional<JsonNode> notAPair) {
    public AnswerElement {
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(notAPair, "notAPair");
        if (pair.isPresent() == notAPair.isPresent()) {
            throw new IllegalArgumentException("expected either a pair or the JSON of an element that is not one");
        }
    }

    public static AnswerElement of(Pair pair) {
        return new AnswerElement(Optional.of(pair), Optional.empty());
    }

    public static AnswerElement notAPair(JsonNode json) {
        return new AnswerElement(Optional.empty(), Optional.of(json));
    }

    /** The element as JSON text, as a client would show it. */
    public String jsonText() {
        if (notAPair.isPresent()) {
            return notAPair.get().toString();
        }
        ArrayNode element = Json.MAPPER.createArrayNode();
        ArrayNode key = element.addArray();
        pair.get().key().fields().forEach(key::add);
        ArrayNode value = element.addArray();
        pair.get().value().fields().forEach(value::add);
        return element.toString();
    }
}
