package tuplespace.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/** The one Jackson configuration of the codec, and the small JSON helpers requests and answers share. */
final class Json {

    /**
     * Strict reading: a duplicate field is an error (which "op" would we obey?); numbers are kept exactly as
     * written so an id is echoed unchanged ({@code 1.50} stays {@code 1.50}).
     */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {
    }

    /** Reads one JSON value that must fill the whole text; throws with a message fit for a client. */
    static JsonNode readWhole(String text) throws JsonInputException {
        try (JsonParser parser = MAPPER.createParser(text)) {
            JsonNode root;
            try {
                root = MAPPER.readTree(parser);
            } catch (NumberFormatException e) { // Jackson's BigDecimal: an exponent beyond 32 bits
                throw new JsonInputException("invalid JSON at column " + parser.currentTokenLocation().getColumnNr()
                        + ": expected a number whose exponent fits in 32 bits, found '"
                        + Lines.shortened(parser.getText(), Lines.SHOWN_CHARS) + "'");
            } catch (JsonProcessingException e) {
                // a limit of Jackson's (a number's length, the nesting depth) comes without a location: the parser's
                throw e.getLocation() != null ? invalid(e) : new JsonInputException("invalid JSON at column "
                        + parser.currentLocation().getColumnNr() + ": " + cleanMessage(e));
            }
            if (root == null) {
                throw new JsonInputException("invalid JSON: expected a JSON object, found nothing");
            }
            if (parser.nextToken() != null) {
                throw new JsonInputException("invalid JSON at column " + parser.currentTokenLocation().getColumnNr()
                        + ": expected the line to end after the JSON object, found more text");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a String cannot fail with I/O", e);
        }
    }

    /** A parser error as a client should read it: where, and Jackson's own words. */
    static JsonInputException invalid(JsonProcessingException e) {
        return new JsonInputException("invalid JSON at column " + column(e) + ": " + cleanMessage(e));
    }

    private static int column(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
    }

    /**
     * Jackson's own words, without its source-location decorations, nor its advice to enable a parser feature (which
     * a client cannot: "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow").
     */
    private static String cleanMessage(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        message = message.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\][^)]*\\)", "");
        message = message.replaceAll("\\s*at \\[Source:[^\\]]*\\]", "");
        message = message.replaceAll(":\\s*enable `[^`]*` to allow", "");
        message = message.replaceAll(
                "\\s*\\(not recognized as one since Feature '[^']*' not enabled for parser\\)", "");
        // a limit's source: "... (1000, from `StreamReadConstraints.getMaxNestingDepth()`)" names Jackson's API
        message = message.replaceAll(",\\s*from `[^`]*`\\)", ")");
        return Lines.oneLine(message).trim();
    }

    /**
     * The top-level {@code id} of a JSON object line, read with a streaming parser so that it is found even when
     * the line breaks down later (a syntax error after the id, a duplicate field). {@code null} when there is no
     * scalar id before the first error.
     */
    static JsonNode recoverId(String line) {
        try (JsonParser parser = MAPPER.createParser(Lines.strip(line))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken valueToken = parser.nextToken();
                if (JsonField.ID.wire().equals(name)) {
                    if (!valueToken.isScalarValue()) {
                        return null;
                    }
                    String written = parser.getText();
                    JsonNode read = MAPPER.readTree(parser);
                    // a number whose text Jackson would write otherwise (1e5 as 1E+5, -0 as 0) is kept as written
                    boolean rewritten = read.isNumber() && !read.toString().equals(written);
                    return rewritten ? verbatim(written) : read;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // no id before the line breaks down: answer without one
        }
    }

    /**
     * {@code id}, read from {@code line}, as the answer must echo it: unchanged. A number whose text differs from how
     * Jackson writes it back ({@code 1e5} would come back {@code 1E+5}, {@code -0} as {@code 0}) is kept as written.
     */
    static JsonNode idAsWritten(String line, JsonNode id) {
        if (id == null || !id.isNumber()) {
            return id;
        }
        JsonNode written = recoverId(line);
        return written != null ? written : id;
    }

    private static JsonNode verbatim(String number) {
        return new POJONode(new RawValue(number));
    }

    /** How a JSON value is named in an error: "a string", "the number 5", "a list of 3 elements", ... */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isBoolean()) {
            return "the boolean " + node.asText();
        }
        if (node.isArray()) {
            return node.size() == 1 ? "a list of 1 element" : "a list of " + node.size() + " elements";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The tuple a JSON list of strings spells, or empty when it is not a well-formed tuple
     * (docs/protocol.md "The data").
     */
    static Optional<Tuple> tuple(JsonNode node) {
        if (node == null || !node.isArray()) {
            return Optional.empty();
        }
        List<String> fields = new ArrayList<>(node.size());
        for (JsonNode field : node) {
            if (!field.isTextual()) {
                return Optional.empty();
            }
            fields.add(field.textValue());
        }
        return Tuple.ifWellFormed(fields);
    }

    /** The pair a JSON element {@code [key, value]} spells, or empty when it is not a well-formed pair. */
    static Optional<Pair> pair(JsonNode element) {
        if (element == null || !element.isArray() || element.size() != 2) {
            return Optional.empty();
        }
        Optional<Tuple> key = tuple(element.get(0));
        Optional<Tuple> value = tuple(element.get(1));
        return key.isPresent() && value.isPresent() ? Optional.of(new Pair(key.get(), value.get())) : Optional.empty();
    }

    static void writeTuple(JsonGenerator generator, Tuple tuple) throws IOException {
        generator.writeStartArray();
        for (String field : tuple.fields()) {
            generator.writeString(field);
        }
        generator.writeEndArray();
    }

    static void writePair(JsonGenerator generator, Pair pair) throws IOException {
        generator.writeStartArray();
        writeTuple(generator, pair.key());
        writeTuple(generator, pair.value());
        generator.writeEndArray();
    }

    /** An element of a PUT/POST list as JSON: as the client gave it (a text-mode token pair as its split fields). */
    static void writeGiven(JsonGenerator generator, GivenElement element) throws IOException {
        if (element instanceof GivenElement.JsonPair given) {
            writePair(generator, given.pair());
        } else if (element instanceof GivenElement.Json given) {
            generator.writeTree(given.element());
        } else {
            GivenElement.Text text = (GivenElement.Text) element;
            generator.writeStartArray();
            writeSplit(generator, text.keyToken());
            writeSplit(generator, text.valueToken());
            generator.writeEndArray();
        }
    }

    private static void writeSplit(JsonGenerator generator, String textForm) throws IOException {
        generator.writeStartArray();
        for (String part : textForm.split(",", -1)) {
            generator.writeString(part);
        }
        generator.writeEndArray();
    }

    /** Writes one JSON object with {@code body} and returns it as a line ending in {@code \n}. */
    static String line(JsonBody body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = MAPPER.createGenerator(out)) {
            generator.writeStartObject();
            body.write(generator);
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a String cannot fail with I/O", e);
        }
        return out.append('\n').toString();
    }

    @FunctionalInterface
    interface JsonBody {
        void write(JsonGenerator generator) throws IOException;
    }

    /** A JSON line that cannot be read, with a message for the client. */
    static final class JsonInputException extends Exception {
        JsonInputException(String message) {
            super(message, null, false, false);
        }
    }
}
