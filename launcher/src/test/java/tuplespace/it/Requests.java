package tuplespace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON-mode requests and pair lists (docs/protocol.md "JSON mode"), tuples written in their text form {@code a,b}. */
final class Requests {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Requests() {
    }

    /** One key/value pair in text form; both must be well-formed tuples (docs/protocol.md "The data"). */
    record TextPair(String key, String value) {
        TextPair {
            if (!key.matches("[\\p{Alnum}]+(,[\\p{Alnum}]+)*") || !value.matches("[\\p{Alnum}]+(,[\\p{Alnum}]+)*")) {
                throw new IllegalArgumentException("key and value must be tuples in text form, got " + key + " " + value);
            }
        }
    }

    static ObjectNode put(long id, List<TextPair> pairs) {
        return update(id, "PUT", pairs);
    }

    static ObjectNode post(long id, List<TextPair> pairs) {
        return update(id, "POST", pairs);
    }

    static ObjectNode get(long id, String keyPattern, String valuePattern) {
        return query(id, "GET", keyPattern, valuePattern);
    }

    static ObjectNode delete(long id, String keyPattern, String valuePattern) {
        return query(id, "DELETE", keyPattern, valuePattern);
    }

    /** The JSON form of a pair list: {@code [[["k1","k2"],["v"]], ...]}. */
    static ArrayNode pairs(List<TextPair> pairs) {
        ArrayNode array = NODES.arrayNode();
        for (TextPair pair : pairs) {
            ArrayNode element = array.addArray();
            element.add(tuple(pair.key()));
            element.add(tuple(pair.value()));
        }
        return array;
    }

    /** The pairs of an {@code ok} answer as key text → value text, failing if the answer is not ok. */
    static Map<String, String> answerPairs(JsonNode answer) {
        if (!"ok".equals(answer.path("status").asText())) {
            throw new AssertionError("expected status ok, got " + answer);
        }
        Map<String, String> result = new TreeMap<>();
        for (JsonNode pair : answer.path("pairs")) {
            result.put(text(pair.get(0)), text(pair.get(1)));
        }
        return result;
    }

    static String text(JsonNode tuple) {
        StringBuilder text = new StringBuilder();
        for (JsonNode field : tuple) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(field.asText());
        }
        return text.toString();
    }

    private static ArrayNode tuple(String text) {
        ArrayNode fields = NODES.arrayNode();
        for (String field : text.split(",")) {
            fields.add(field);
        }
        return fields;
    }

    private static ObjectNode update(long id, String op, List<TextPair> pairs) {
        ObjectNode request = NODES.objectNode();
        request.put("id", id);
        request.put("op", op);
        request.set("pairs", pairs(pairs));
        return request;
    }

    private static ObjectNode query(long id, String op, String keyPattern, String valuePattern) {
        ObjectNode request = NODES.objectNode();
        request.put("id", id);
        request.put("op", op);
        request.put("key", keyPattern);
        request.put("value", valuePattern);
        return request;
    }
}
