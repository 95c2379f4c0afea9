package tuplespace.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * Decodes JSON answer lines (docs/protocol.md "JSON mode") for clients. The line is read with a streaming parser, one
 * element of {@code pairs} at a time, so that an answer of a million pairs costs its elements and no tree of the whole
 * line besides; {@link #decode(String, Consumer)} does not even keep the elements.
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
        // The line's terminator is JSON whitespace to the parser: only a byte order mark must go, so a 40 MB answer
        // is not copied once more just to drop its "\n".
        String source = jsonLine.startsWith(String.valueOf(Lines.BYTE_ORDER_MARK)) ? Lines.strip(jsonLine) : jsonLine;
        try (JsonParser parser = Json.MAPPER.createParser(source)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new MalformedAnswerException("expected a JSON answer object, found "
                        + (first == null ? "nothing" : Json.describe(Json.MAPPER.readTree(parser))));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals(JsonField.PAIRS.wire())) {
                    readPairs(parser, source, each, fields);
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

    private static void readPairs(JsonParser parser, String source, Consumer<AnswerElement> each, Fields fields)
            throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new MalformedAnswerException("expected \"pairs\" in the answer to be a list, found "
                    + Json.describe(Json.MAPPER.readTree(parser)));
        }
        StringBuilder text = new StringBuilder(64); // one for every tuple of the answer: no garbage per pair
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            fields.count++;
            if (each == null) {
                parser.skipChildren();
            } else {
                each.accept(element(parser, source, text));
            }
        }
    }

    /**
     * One element, the parser at its first token. The common element, a well-formed pair {@code [["k","1"],["v"]]},
     * is read token by token into a {@link Pair}, with no tree; anything else is read again from the source text as
     * JSON, to be kept as given.
     */
    private static AnswerElement element(JsonParser parser, String source, StringBuilder text) throws IOException {
        int start = (int) parser.currentTokenLocation().getCharOffset();
        Optional<Pair> pair = pairTokens(parser, text);
        if (pair.isPresent()) {
            return AnswerElement.of(pair.get());
        }
        parser.finishToken(); // a string's end is found only once its text is read
        int end = (int) parser.currentLocation().getCharOffset();
        return AnswerElement.notAPair(Json.MAPPER.readTree(source.substring(start, end)));
    }

    /**
     * Reads {@code [tuple, tuple]}, each tuple a non-empty list of field strings, and leaves the parser on the
     * element's last token whatever it finds; empty when the element is anything else or a field is not well-formed.
     */
    private static Optional<Pair> pairTokens(JsonParser parser, StringBuilder text) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren(); // an object (or a scalar: nothing to skip)
            return Optional.empty();
        }
        JsonStreamContext pairs = parser.getParsingContext().getParent();
        String key = tupleText(parser, text);
        String value = key == null ? null : tupleText(parser, text);
        if (value == null || parser.nextToken() != JsonToken.END_ARRAY) {
            while (parser.getParsingContext() != pairs) {
                parser.nextToken(); // to the element's closing bracket
            }
            return Optional.empty();
        }
        try {
            return Optional.of(new Pair(Tuple.parse(key), Tuple.parse(value)));
        } catch (IllegalArgumentException notATuple) {
            return Optional.empty();
        }
    }

    /** The text form of the next token's list of strings; null (the parser within the element) when it is not one. */
    private static String tupleText(JsonParser parser, StringBuilder text) throws IOException {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
            return null;
        }
        text.setLength(0);
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token != JsonToken.VALUE_STRING) {
                return null;
            }
            // The parser's own characters, no String per field: a million-pair answer has three million fields.
            char[] chars = parser.getTextCharacters();
            int from = parser.getTextOffset();
            int length = parser.getTextLength();
            if (length == 0 || contains(chars, from, length, ',')) {
                return null; // not a field: its text form would not give it back
            }
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(chars, from, length);
        }
        return text.length() == 0 ? null : text.toString();
    }

    private static boolean contains(char[] chars, int from, int length, char wanted) {
        for (int i = from; i < from + length; i++) {
            if (chars[i] == wanted) {
                return true;
            }
        }
        return false;
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
