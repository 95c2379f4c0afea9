package tuplespace.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Decodes JSON answer lines (SPEC §2) for the client library. */
public final class AnswerDecoder {

    private AnswerDecoder() {
    }

    /**
     * The answer one JSON line holds (its {@code \n} may be present).
     *
     * @throws MalformedAnswerException when the line is not a JSON answer, naming what was expected and found
     */
    public static ParsedAnswer decode(String jsonLine) {
        JsonNode root;
        try {
            root = Json.readWhole(Lines.strip(jsonLine));
        } catch (Json.JsonInputException e) {
            throw new MalformedAnswerException("expected a JSON answer line, found " + e.getMessage());
        }
        if (!root.isObject()) {
            throw new MalformedAnswerException("expected a JSON answer object, found " + Json.describe(root));
        }
        JsonNode id = root.get(JsonField.ID.wire());
        return new ParsedAnswer(id, status(root), pairs(root), text(root, JsonField.WARNING),
                text(root, JsonField.CUTOFF).flatMap(CutOffs::parse), text(root, JsonField.NOTE),
                text(root, JsonField.ERROR));
    }

    private static Status status(JsonNode root) {
        JsonNode status = root.get(JsonField.STATUS.wire());
        if (status == null || !status.isTextual()) {
            throw new MalformedAnswerException("expected a \"status\" string in the answer, found "
                    + Json.describe(status));
        }
        return Status.fromWire(status.textValue()).orElseThrow(() -> new MalformedAnswerException(
                "expected \"status\" to be ok, malformed, not_implemented, refused or unavailable, found \""
                        + status.textValue() + "\""));
    }

    private static List<AnswerElement> pairs(JsonNode root) {
        JsonNode pairs = root.get(JsonField.PAIRS.wire());
        if (pairs == null) {
            return List.of();
        }
        if (!pairs.isArray()) {
            throw new MalformedAnswerException("expected \"pairs\" in the answer to be a list, found "
                    + Json.describe(pairs));
        }
        List<AnswerElement> elements = new ArrayList<>(pairs.size());
        for (JsonNode element : pairs) {
            elements.add(new AnswerElement(element, Json.pair(element)));
        }
        return elements;
    }

    private static Optional<String> text(JsonNode root, JsonField field) {
        JsonNode node = root.get(field.wire());
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new MalformedAnswerException("expected \"" + field.wire() + "\" in the answer to be a string, found "
                    + Json.describe(node));
        }
        return Optional.of(node.textValue());
    }
}
