package tuplespace.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tuplespace.space.Command;
import tuplespace.tuple.Pair;

/**
 * The fast path of {@link JsonRequests}: a well-formed request read with the streaming parser, without building the
 * whole line as a tree (the profile of a PUT load showed the tree costing 14% of the primary's CPU). Only the id
 * and each PUT/POST element become {@link JsonNode}s, as the answer echoes them exactly as given.
 *
 * <p>It answers only requests it is sure are valid; anything unusual (invalid JSON, trailing text, a duplicate,
 * unknown or missing field, a field of the wrong type, an element that is not a {@code [key, value]} pair, an
 * operator it does not know) gives empty, and {@link JsonRequests} reads the line again as a tree to say exactly
 * what is wrong. So every error keeps its one wording, in one place.
 */
final class JsonRequestStream {

    private JsonRequestStream() {
    }

    /** The valid request on this line, or empty when the line needs the full (tree) reading. */
    static Optional<ParsedRequest> parseValid(String line) {
        try (JsonParser parser = Json.STREAM_MAPPER.createParser(line)) {
            return parseValid(parser);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a String cannot fail with I/O", e);
        }
    }

    /**
     * The valid request in the line's UTF-8 bytes (its readable bytes), read by Jackson's byte parser, or empty when
     * the line needs the full reading. Jackson guesses UTF-16 or UTF-32 from zero bytes at the start; a request line
     * is UTF-8, so a line holding a zero byte (never a valid request) goes to the full reading at once. Jackson also
     * refuses malformed UTF-8, which the full reading decodes to U+FFFD, as the text of a line always was.
     */
    static Optional<ParsedRequest> parseValid(ByteBuf line) {
        int length = line.readableBytes();
        if (line.indexOf(line.readerIndex(), line.writerIndex(), (byte) 0) >= 0) {
            return Optional.empty();
        }
        byte[] bytes = line.hasArray() ? line.array() : ByteBufUtil.getBytes(line);
        int offset = line.hasArray() ? line.arrayOffset() + line.readerIndex() : 0;
        try (JsonParser parser = Json.STREAM_MAPPER.createParser(bytes, offset, length)) {
            return parseValid(parser);
        } catch (IOException e) {
            return Optional.empty(); // a parse error, or bytes Jackson cannot decode (CharConversionException)
        }
    }

    private static Optional<ParsedRequest> parseValid(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return Optional.empty();
        }
        Fields fields = new Fields();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            String name = parser.currentName();
            parser.nextToken();
            if (!fields.read(name, parser)) {
                return Optional.empty();
            }
        }
        if (parser.nextToken() != null) {
            return Optional.empty(); // more text after the object
        }
        return fields.request();
    }

    /** What the object held so far; {@code read} answers false as soon as the line needs the tree reading. */
    private static final class Fields {
        private JsonNode id;
        private String op;
        private String key;
        private String value;
        private List<JsonNode> elements;

        /**
         * A field of the request object; false for an unknown field and for a known one read already (a duplicate,
         * which the tree reading refuses: this parser does not look for duplicates, see {@link Json#STREAM_MAPPER}).
         */
        boolean read(String name, JsonParser parser) throws IOException {
            JsonToken token = parser.currentToken();
            if (isRead(name)) {
                return false;
            }
            if (name.equals(JsonField.ID.wire())) {
                id = readValue(parser);
                return id != null && id.isValueNode();
            }
            if (name.equals(JsonField.OP.wire())) {
                op = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                return op != null;
            }
            if (name.equals(JsonField.KEY.wire())) {
                key = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                return key != null;
            }
            if (name.equals(JsonField.VALUE.wire())) {
                value = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                return value != null;
            }
            if (name.equals(JsonField.PAIRS.wire())) {
                return token == JsonToken.START_ARRAY && readElements(parser);
            }
            return false;
        }

        private boolean isRead(String name) {
            return name.equals(JsonField.ID.wire()) ? id != null
                    : name.equals(JsonField.OP.wire()) ? op != null
                    : name.equals(JsonField.KEY.wire()) ? key != null
                    : name.equals(JsonField.VALUE.wire()) ? value != null
                    : name.equals(JsonField.PAIRS.wire()) && elements != null;
        }

        private boolean readElements(JsonParser parser) throws IOException {
            elements = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                JsonNode element = readValue(parser);
                if (element == null || !element.isArray() || element.size() != 2) {
                    return false;
                }
                elements.add(element);
            }
            return true;
        }

        Optional<ParsedRequest> request() {
            Optional<Operator> operator = op == null ? Optional.empty() : Operator.parse(op);
            if (operator.isEmpty()) {
                return Optional.empty();
            }
            return switch (operator.get()) {
                case GET, DELETE -> patterns(operator.get());
                case PUT, POST -> pairs(operator.get());
            };
        }

        private Optional<ParsedRequest> patterns(Operator operator) {
            if (key == null || value == null || elements != null) {
                return Optional.empty();
            }
            Command command = operator == Operator.GET ? new Command.Get(key, value) : new Command.Delete(key, value);
            return Optional.of(new ParsedRequest.Valid(command, Format.JSON, id, List.of()));
        }

        private Optional<ParsedRequest> pairs(Operator operator) {
            if (elements == null || key != null || value != null) {
                return Optional.empty();
            }
            List<Optional<Pair>> slots = new ArrayList<>(elements.size());
            List<GivenElement> given = new ArrayList<>(elements.size());
            for (JsonNode element : elements) {
                // SPEC §1: a pair whose key or value is not a tuple is only "not used".
                slots.add(Json.pair(element));
                given.add(new GivenElement.Json(element));
            }
            Command command = operator == Operator.PUT ? new Command.Put(slots) : new Command.Post(slots);
            return Optional.of(new ParsedRequest.Valid(command, Format.JSON, id, given));
        }
    }

    /**
     * The value at the parser's current token as the tree reading would give it. Strings, integers (the usual id) and
     * arrays (a PUT element) are built here: Jackson's {@code readValueAsTree} sets up a deserialization context on
     * every call, which cost more than the rest of parsing a one-pair PUT. Other numbers still go to Jackson, so each
     * keeps its exact node type ({@code 1.50} stays {@code 1.50}). An object anywhere gives null (the line goes to the
     * tree reading): this parser does not detect a duplicate field inside it, which the tree reading refuses.
     */
    private static JsonNode readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return TextNode.valueOf(parser.getText());
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            // As the tree reads it: USE_BIG_INTEGER_FOR_INTS makes every integer a BigIntegerNode.
            return Json.MAPPER.getNodeFactory().numberNode(parser.getBigIntegerValue());
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode array = Json.MAPPER.getNodeFactory().arrayNode();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                JsonNode element = readValue(parser);
                if (element == null) {
                    return null;
                }
                array.add(element);
            }
            return array;
        }
        if (token == JsonToken.START_OBJECT) {
            return null;
        }
        return parser.readValueAsTree();
    }
}
