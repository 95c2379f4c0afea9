package tuplespace.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tuplespace.tuple.Pair;

/**
 * Decodes JSON answer lines (SPEC §2) for clients. The line is read with a streaming parser, one element of
 * {@code pairs} at a time, so that an answer of a million pairs costs its elements and no tree of the whole line
 * besides; {@link #decode(String, Consumer)} does not even keep the elements.
 */
public final class AnswerDecoder {

    private AnswerDecoder() {
    }

    /**
     * The answer one JSON line holds (its {@code \n} may be present).
     *
     * @throws MalformedAnswerException when the line is not a JSON answer, naming what was expected and found
     */
    public static ParsedAnswer decode(String jsonLine) {
        List<AnswerElement> elements = new ArrayList<>();
        return read(jsonLine, elements::add).answer(elements);
    }

    /**
     * The answer one JSON line holds, its elements of {@code pairs} passed to {@code each} in order as they are read
     * instead of kept: the answer returned has no pairs. For a client that shows a big answer as it goes.
     *
     * @throws MalformedAnswerException as {@link #decode(String)}, possibly after some elements were passed on
     */
    public static ParsedAnswer decode(String jsonLine, Consumer<AnswerElement> each) {
        return read(jsonLine, each).answer(List.of());
    }

    /** An answer read without its elements: everything else, and how many elements its {@code pairs} has. */
    public record Header(ParsedAnswer answer, int pairCount) {
    }

    /** The answer's header: it makes none of the elements of {@code pairs}, only counts them. */
    public static Header header(String jsonLine) {
        Fields fields = read(jsonLine, null);
        return new Header(fields.answer(List.of()), fields.count);
    }

    /** What was read besides the elements. */
    private static final class Fields {
        JsonNode id;
        JsonNode status;
        JsonNode warning;
        JsonNode cutOff;
        JsonNode note;
        JsonNode error;
        int count;

        ParsedAnswer answer(List<AnswerElement> elements) {
            return new ParsedAnswer(id, status(status), elements, text(JsonField.WARNING, warning),
                    text(JsonField.CUTOFF, cutOff).flatMap(CutOffs::parse), text(JsonField.NOTE, note),
                    text(JsonField.ERROR, error));
        }
    }

    /** Reads the line; {@code each} gets every element of {@code pairs} (null: skip them, only count). */
    private static Fields read(String jsonLine, Consumer<AnswerElement> each) {
        Fields fields = new Fields();
        try (JsonParser parser = Json.MAPPER.createParser(Lines.strip(jsonLine))) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new MalformedAnswerException("expected a JSON answer object, found "
                        + (first == null ? "nothing" : Json.describe(Json.MAPPER.readTree(parser))));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals(JsonField.PAIRS.wire())) {
                    readPairs(parser, each, fields);
                } else {
                    JsonNode value = Json.MAPPER.readTree(parser);
                    keep(fields, name, value);
                }
            }
            if (parser.nextToken() != null) {
                throw new MalformedAnswerException("expected a JSON answer line, found invalid JSON at column "
                        + parser.currentTokenLocation().getColumnNr()
                        + ": expected the line to end after the JSON object, found more text");
            }
            return fields;
        } catch (JsonProcessingException e) {
            throw new MalformedAnswerException("expected a JSON answer line, found " + Json.invalid(e).getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a String cannot fail with I/O", e);
        }
    }

    private static void keep(Fields fields, String name, JsonNode value) {
        if (name.equals(JsonField.ID.wire())) {
            fields.id = value;
        } else if (name.equals(JsonField.STATUS.wire())) {
            fields.status = value;
        } else if (name.equals(JsonField.WARNING.wire())) {
            fields.warning = value;
        } else if (name.equals(JsonField.CUTOFF.wire())) {
            fields.cutOff = value;
        } else if (name.equals(JsonField.NOTE.wire())) {
            fields.note = value;
        } else if (name.equals(JsonField.ERROR.wire())) {
            fields.error = value;
        }
        // any other field is from a newer service: ignored
    }

    private static void readPairs(JsonParser parser, Consumer<AnswerElement> each, Fields fields) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new MalformedAnswerException("expected \"pairs\" in the answer to be a list, found "
                    + Json.describe(Json.MAPPER.readTree(parser)));
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            fields.count++;
            if (each == null) {
                parser.skipChildren();
                continue;
            }
            JsonNode element = Json.MAPPER.readTree(parser);
            Optional<Pair> pair = Json.pair(element);
            each.accept(pair.isPresent() ? AnswerElement.of(pair.get()) : AnswerElement.notAPair(element));
        }
    }

    private static Status status(JsonNode status) {
        if (status == null || !status.isTextual()) {
            throw new MalformedAnswerException("expected a \"status\" string in the answer, found "
                    + Json.describe(status));
        }
        return Status.fromWire(status.textValue()).orElseThrow(() -> new MalformedAnswerException(
                "expected \"status\" to be ok, malformed, not_implemented, refused or unavailable, found \""
                        + status.textValue() + "\""));
    }

    private static Optional<String> text(JsonField field, JsonNode node) {
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
