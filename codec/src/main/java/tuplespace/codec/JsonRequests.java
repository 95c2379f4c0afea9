package tuplespace.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tuplespace.space.Command;
import tuplespace.tuple.Pair;

/**
 * JSON-mode request lines (docs/protocol.md "JSON mode"): {@code {"id":1,"op":"GET","key":"user,.*","value":".*"}} and
 * {@code {"op":"PUT","pairs":[[["user","1"],["alice"]]]}}.
 *
 * <p>Decisions: {@code id} is optional and must be a JSON scalar (string, number, boolean or null); a field the
 * operator does not take, or the same field twice, is malformed rather than silently ignored.
 */
final class JsonRequests {

    private JsonRequests() {
    }

    /**
     * {@link #parseTree} of the line's UTF-8 bytes, as the primary reads them: scanned without a tree (nor a string of
     * the line) when it is a valid request, decoded and read as a tree otherwise.
     */
    static ParsedRequest parse(ByteBuf line) {
        return JsonRequestScanner.parseValid(line).orElseGet(() -> {
            String text = line.toString(StandardCharsets.UTF_8);
            return Lines.notUtf8(line).<ParsedRequest>map(error -> malformed(error, Json.recoverId(text)))
                    .orElseGet(() -> parseTree(text));
        });
    }

    /** The full reading: a tree of the whole line, which says exactly what is wrong with it. */
    static ParsedRequest parseTree(String line) {
        JsonNode root;
        try {
            root = Json.readWhole(line);
        } catch (Json.JsonInputException e) {
            return malformed(e.getMessage(), Json.recoverId(line));
        }
        if (!root.isObject()) {
            return malformed("expected a JSON object, found " + Json.describe(root), null);
        }
        JsonNode id = root.get(JsonField.ID.wire());
        if (id != null && !id.isValueNode()) {
            return malformed("expected \"id\" to be a JSON scalar (string, number, boolean or null), found "
                    + Json.describe(id), null);
        }
        if (id != null && id.isTextual()) {
            int lone = unpairedSurrogate(id.textValue());
            if (lone >= 0) {
                // an answer echoes the id as UTF-8, which has no form for it: the client could not match its answer
                return malformed(String.format("expected \"id\" to be Unicode text, found an unpaired surrogate"
                        + " \\u%04x at character %d", (int) id.textValue().charAt(lone), lone + 1), null);
            }
        }
        id = Json.idAsWritten(line, id);
        JsonNode op = root.get(JsonField.OP.wire());
        if (op == null) {
            return malformed("expected an \"op\" field naming the operator (" + Operator.EXPECTED
                    + "), found none", id);
        }
        if (!op.isTextual()) {
            return malformed("expected \"op\" to be a string naming the operator (" + Operator.EXPECTED
                    + "), found " + Json.describe(op), id);
        }
        Optional<Operator> operator = Operator.parse(op.textValue());
        if (operator.isEmpty()) {
            return new ParsedRequest.Invalid(Status.NOT_IMPLEMENTED, Operator.notImplemented(op.textValue()),
                    Format.JSON, id);
        }
        return parse(operator.get(), root, id);
    }

    /** Where {@code text} has a surrogate that is not half of a pair, or -1. */
    private static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static ParsedRequest parse(Operator operator, JsonNode root, JsonNode id) {
        Set<JsonField> fields = fieldsOf(operator);
        Optional<String> unexpected = unexpectedField(root, operator, fields);
        if (unexpected.isPresent()) {
            return malformed(unexpected.get(), id);
        }
        return switch (operator) {
            case GET, DELETE -> patterns(operator, root, id);
            case PUT, POST -> pairs(operator, root, id);
        };
    }

    private static Set<JsonField> fieldsOf(Operator operator) {
        return switch (operator) {
            case GET, DELETE -> Set.of(JsonField.ID, JsonField.OP, JsonField.KEY, JsonField.VALUE);
            case PUT, POST -> Set.of(JsonField.ID, JsonField.OP, JsonField.PAIRS);
        };
    }

    private static Optional<String> unexpectedField(JsonNode root, Operator operator, Set<JsonField> fields) {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (fields.stream().noneMatch(field -> field.wire().equals(name))) {
                String expected = operator == Operator.GET || operator == Operator.DELETE
                        ? "\"id\", \"op\", \"key\" and \"value\"" : "\"id\", \"op\" and \"pairs\"";
                return Optional.of("unexpected field \"" + Lines.oneLine(name) + "\" in a " + operator.wire()
                        + " request (expected " + expected + ")");
            }
        }
        return Optional.empty();
    }

    private static ParsedRequest patterns(Operator operator, JsonNode root, JsonNode id) {
        JsonNode key = root.get(JsonField.KEY.wire());
        JsonNode value = root.get(JsonField.VALUE.wire());
        Optional<String> problem = patternProblem(operator, JsonField.KEY, "key pattern", key)
                .or(() -> patternProblem(operator, JsonField.VALUE, "value pattern", value));
        if (problem.isPresent()) {
            return malformed(problem.get(), id);
        }
        Command command = operator == Operator.GET
                ? new Command.Get(key.textValue(), value.textValue())
                : new Command.Delete(key.textValue(), value.textValue());
        return new ParsedRequest.Valid(command, Format.JSON, id, List.of());
    }

    private static Optional<String> patternProblem(Operator operator, JsonField field, String what, JsonNode node) {
        if (node == null) {
            return Optional.of("expected a \"" + field.wire() + "\" field (the " + what + ", a string) in a "
                    + operator.wire() + " request, found none");
        }
        if (!node.isTextual()) {
            return Optional.of("expected \"" + field.wire() + "\" to be a string (the " + what + "), found "
                    + Json.describe(node));
        }
        return Optional.empty();
    }

    private static ParsedRequest pairs(Operator operator, JsonNode root, JsonNode id) {
        JsonNode list = root.get(JsonField.PAIRS.wire());
        String expected = "expected \"pairs\" to be a list of [key, value] pairs";
        if (list == null) {
            return malformed("expected a \"pairs\" field (a list of [key, value] pairs) in a " + operator.wire()
                    + " request, found none", id);
        }
        if (!list.isArray()) {
            return malformed(expected + ", found " + Json.describe(list), id);
        }
        List<Optional<Pair>> slots = new ArrayList<>(list.size());
        List<GivenElement> given = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode element = list.get(i);
            // docs/protocol.md "The data": the list is malformed when an element is not a two-element [key, value] ...
            if (!element.isArray() || element.size() != 2) {
                return malformed(expected + ", found pairs[" + i + "] to be " + Json.describe(element), id);
            }
            // ... but a pair whose key or value is not a tuple is only "not used".
            addElement(element, slots, given);
        }
        Command command = operator == Operator.PUT ? new Command.Put(slots) : new Command.Post(slots);
        return new ParsedRequest.Valid(command, Format.JSON, id, given);
    }

    /** A {@code [key, value]} element of a PUT/POST list: its pair, if it spells one, and the element as given. */
    static void addElement(JsonNode element, List<Optional<Pair>> slots, List<GivenElement> given) {
        Optional<Pair> pair = Json.pair(element);
        slots.add(pair);
        given.add(pair.isPresent() ? new GivenElement.JsonPair(pair.get()) : new GivenElement.Json(element));
    }

    private static ParsedRequest.Invalid malformed(String error, JsonNode id) {
        return new ParsedRequest.Invalid(Status.MALFORMED, error, Format.JSON, id);
    }
}
