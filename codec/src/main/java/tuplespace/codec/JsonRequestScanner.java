package tuplespace.codec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import tuplespace.space.Command;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * The fast path of {@link JsonRequests}: a request line read in one pass over its UTF-8 bytes, by hand, without a
 * JSON library. Setting up Jackson's parser for each line (encoding detection, buffer recycler, symbol table) and
 * its tokens were 23% of the primary's CPU on exact GETs; the requests clients send have a small, fixed shape.
 *
 * <p>It answers only lines it is sure are valid requests, and reads them exactly as the tree reading would: the same
 * strings, the same node type for the id, which the answer echoes (an integer is a {@code BigIntegerNode}, as
 * {@link Json#MAPPER} reads it), and the same given elements. The usual PUT/POST element, plain strings that spell a
 * pair, becomes its tuples straight from the bytes: no JSON node, no string per field, and the tuples keep the UTF-8
 * the space stores. Anything else gives empty and {@link JsonRequests} reads
 * the line as a tree, which says exactly what is wrong, so every error keeps its one wording in one place. Besides
 * invalid JSON, this scanner leaves to the tree: an unknown, duplicate, missing or mistyped field; an element that is
 * not a {@code [key, value]} pair; an object anywhere (a duplicate could hide in it); a number with a fraction, an
 * exponent or more than 18 digits; malformed UTF-8 (the tree reading decodes it to U+FFFD, as the text of a line
 * always was); an escape other than JSON's, or one that stands for a surrogate; a string longer than Jackson accepts;
 * arrays nested deeper than {@link #MAX_DEPTH}.
 */
final class JsonRequestScanner {

    /** Arrays inside a request field: pairs, pair, tuple, and one more for a malformed tuple that is "not used". */
    static final int MAX_DEPTH = 4;

    private static final int MAX_STRING_CHARS = StreamReadConstraints.defaults().getMaxStringLength();
    private static final int MAX_LONG_DIGITS = 18;
    private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();
    private static final JsonField[] REQUEST_FIELDS =
            {JsonField.ID, JsonField.OP, JsonField.KEY, JsonField.VALUE, JsonField.PAIRS};
    private static final byte[][] REQUEST_FIELD_NAMES = Arrays.stream(REQUEST_FIELDS)
            .map(field -> field.wire().getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    private final byte[] in;
    private final int end;
    private int at;
    /** Where {@link #plainTuple} joins a tuple's fields (made at the first). */
    private byte[] textForm;

    private JsonRequestScanner(byte[] in, int start, int end) {
        this.in = in;
        this.at = start;
        this.end = end;
    }

    /** The valid request in the line's readable bytes, or empty when the line needs the tree reading. */
    static Optional<ParsedRequest> parseValid(ByteBuf line) {
        byte[] bytes = line.hasArray() ? line.array() : ByteBufUtil.getBytes(line);
        int start = line.hasArray() ? line.arrayOffset() + line.readerIndex() : 0;
        return new JsonRequestScanner(bytes, start, start + line.readableBytes()).request();
    }

    private Optional<ParsedRequest> request() {
        skipSpace();
        if (!take('{')) {
            return Optional.empty();
        }
        Fields fields = new Fields();
        skipSpace();
        if (!take('}')) {
            do {
                skipSpace();
                JsonField field = fieldName();
                skipSpace();
                if (field == null || !take(':')) {
                    return Optional.empty();
                }
                skipSpace();
                if (!fields.read(field, this)) {
                    return Optional.empty();
                }
                skipSpace();
            } while (take(','));
            if (!take('}')) {
                return Optional.empty();
            }
        }
        skipSpace();
        return at == end ? fields.request() : Optional.empty(); // else more text after the object
    }

    /** What the object held so far; {@code read} answers false as soon as the line needs the tree reading. */
    private static final class Fields {
        private JsonNode id;
        private String op;
        private String key;
        private String value;
        /** The "pairs" list, read: each element's pair (empty when not well-formed) and the element as given. */
        private List<Optional<Pair>> slots;
        private List<GivenElement> given;

        /** A field of the request object; false for an unknown field and for one read already (a duplicate). */
        boolean read(JsonField field, JsonRequestScanner scanner) {
            switch (field) {
                case ID -> {
                    id = id == null ? scanner.value(0) : null;
                    return id != null && id.isValueNode();
                }
                case OP -> {
                    op = op == null ? scanner.string() : null;
                    return op != null;
                }
                case KEY -> {
                    key = key == null ? scanner.string() : null;
                    return key != null;
                }
                case VALUE -> {
                    value = value == null ? scanner.string() : null;
                    return value != null;
                }
                case PAIRS -> {
                    if (slots != null) {
                        return false;
                    }
                    slots = new ArrayList<>();
                    given = new ArrayList<>();
                    return scanner.elements(slots, given);
                }
                default -> {
                    return false;
                }
            }
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
            if (key == null || value == null || slots != null) {
                return Optional.empty();
            }
            Command command = operator == Operator.GET ? new Command.Get(key, value) : new Command.Delete(key, value);
            return Optional.of(new ParsedRequest.Valid(command, Format.JSON, id, List.of()));
        }

        private Optional<ParsedRequest> pairs(Operator operator) {
            if (slots == null || key != null || value != null) {
                return Optional.empty();
            }
            Command command = operator == Operator.PUT ? new Command.Put(slots) : new Command.Post(slots);
            return Optional.of(new ParsedRequest.Valid(command, Format.JSON, id, given));
        }
    }

    /** The "pairs" list, each element a two-element array, into {@code slots} and {@code given}; false otherwise. */
    private boolean elements(List<Optional<Pair>> slots, List<GivenElement> given) {
        if (!take('[')) {
            return false;
        }
        skipSpace();
        if (take(']')) {
            return true;
        }
        do {
            skipSpace();
            if (!element(slots, given)) {
                return false;
            }
            skipSpace();
        } while (take(','));
        return take(']');
    }

    /**
     * One element: read straight into a pair when it is the usual {@code [["user","1"],["alice"]]} of plain strings,
     * else read as JSON values, and a pair if they spell one (docs/protocol.md "The data": an element that is not a
     * well-formed pair is only "not used").
     */
    private boolean element(List<Optional<Pair>> slots, List<GivenElement> given) {
        int start = at;
        Pair pair = plainPair();
        if (pair == null) {
            at = start;
            JsonNode element = value(1);
            if (element == null || !element.isArray() || element.size() != 2) {
                return false;
            }
            JsonRequests.addElement(element, slots, given);
            return true;
        }
        slots.add(Optional.of(pair));
        given.add(new GivenElement.JsonPair(pair));
        return true;
    }

    /** {@code [key, value]} of two {@link #plainTuple}s, or null. */
    private Pair plainPair() {
        if (!take('[')) {
            return null;
        }
        skipSpace();
        Tuple key = plainTuple();
        skipSpace();
        if (key == null || !take(',')) {
            return null;
        }
        skipSpace();
        Tuple value = plainTuple();
        skipSpace();
        return value != null && take(']') ? new Pair(key, value) : null;
    }

    /**
     * A list of strings with no escape, no comma and nothing but printable ASCII, that spell a well-formed tuple: its
     * text form is those bytes joined by commas, which {@link Tuple#ifTextForm} checks and keeps. Null for anything
     * else (the element is then read as JSON values).
     */
    private Tuple plainTuple() {
        if (!take('[')) {
            return null;
        }
        if (textForm == null) {
            textForm = new byte[64];
        }
        int length = 0;
        boolean first = true;
        do {
            skipSpace();
            if (at == end || in[at] != '"') {
                return null;
            }
            int start = ++at;
            while (at < end && in[at] >= 0x20 && in[at] != '"' && in[at] != '\\' && in[at] != ',') {
                at++; // a negative byte (not ASCII) stops the loop too
            }
            if (at == end || in[at] != '"' || at - start > MAX_STRING_CHARS) {
                return null;
            }
            int field = at++ - start;
            if (length + field + 1 > textForm.length) {
                textForm = Arrays.copyOf(textForm, Math.max(2 * textForm.length, length + field + 1));
            }
            if (!first) {
                textForm[length++] = ','; // after an empty field too: the text form then shows it, and is refused
            }
            first = false;
            System.arraycopy(in, start, textForm, length, field);
            length += field;
            skipSpace();
        } while (take(','));
        return take(']') ? Tuple.ifTextForm(Arrays.copyOf(textForm, length)).orElse(null) : null;
    }

    /** The value here as the tree reading gives it, at {@code depth} arrays inside a field; null to leave the line. */
    private JsonNode value(int depth) {
        if (at == end) {
            return null;
        }
        return switch (in[at]) {
            case '"' -> {
                String text = string();
                yield text == null ? null : TextNode.valueOf(text);
            }
            case '[' -> depth < MAX_DEPTH ? array(depth + 1) : null;
            case 't' -> literal("true") ? BooleanNode.TRUE : null;
            case 'f' -> literal("false") ? BooleanNode.FALSE : null;
            case 'n' -> literal("null") ? NullNode.getInstance() : null;
            default -> integer();
        };
    }

    private ArrayNode array(int depth) {
        at++; // '['
        ArrayNode array = NODES.arrayNode();
        skipSpace();
        if (take(']')) {
            return array;
        }
        do {
            skipSpace();
            JsonNode element = value(depth);
            if (element == null) {
                return null;
            }
            array.add(element);
            skipSpace();
        } while (take(','));
        return take(']') ? array : null;
    }

    private boolean literal(String word) {
        if (end - at < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (in[at + i] != word.charAt(i)) {
                return false;
            }
        }
        at += word.length();
        return !isWordByte(); // "truex" is not a literal followed by garbage the caller would catch
    }

    /** An integer as JSON writes it ({@code -?(0|[1-9][0-9]*)}), as a {@code BigIntegerNode}; null for anything else. */
    private JsonNode integer() {
        boolean negative = take('-');
        int digitsStart = at;
        long magnitude = 0;
        while (at < end && in[at] >= '0' && in[at] <= '9') {
            magnitude = magnitude * 10 + (in[at] - '0');
            at++;
            if (at - digitsStart > MAX_LONG_DIGITS) {
                return null;
            }
        }
        int digits = at - digitsStart;
        if (digits == 0 || (digits > 1 && in[digitsStart] == '0') || isWordByte() || (at < end && in[at] == '.')
                || (negative && magnitude == 0)) {
            return null; // no digits, a leading zero, a fraction or exponent, something glued to it, or -0 (echoed so)
        }
        return NODES.numberNode(BigInteger.valueOf(negative ? -magnitude : magnitude));
    }

    private boolean isWordByte() {
        if (at == end) {
            return false;
        }
        byte b = in[at];
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '+'
                || b == '-' || b < 0;
    }

    /**
     * The request field a name names, compared as written: null for any other name, and for one with an escape (the
     * tree reading then tells whether it names a field).
     */
    private JsonField fieldName() {
        if (at == end || in[at] != '"') {
            return null;
        }
        int start = at + 1;
        for (int i = start; i < end; i++) {
            byte b = in[i];
            if (b == '"') {
                at = i + 1;
                for (int f = 0; f < REQUEST_FIELDS.length; f++) {
                    if (Arrays.equals(in, start, i, REQUEST_FIELD_NAMES[f], 0, REQUEST_FIELD_NAMES[f].length)) {
                        return REQUEST_FIELDS[f];
                    }
                }
                return null;
            }
            if (b == '\\' || b < 0x20) {
                return null; // an escape, a control character or a non-ASCII byte (negative)
            }
        }
        return null;
    }

    /** The string starting here, decoded; null when it is not one, or needs the tree reading. */
    private String string() {
        if (at == end || in[at] != '"') {
            return null;
        }
        int start = at + 1;
        boolean ascii = true;
        for (int i = start; i < end; i++) {
            byte b = in[i];
            if (b == '"') {
                if (i - start > MAX_STRING_CHARS) {
                    return null;
                }
                at = i + 1;
                return ascii ? new String(in, start, i - start, StandardCharsets.ISO_8859_1) : utf8(start, i);
            }
            if (b == '\\') {
                return ascii ? escaped(start) : null;
            }
            if (b >= 0 && b < 0x20) {
                return null; // a control character must be escaped
            }
            ascii &= b >= 0;
        }
        return null;
    }

    /** Strictly decoded UTF-8 (a JSON string of it holds no byte below 0x20, '"' or '\'); null when malformed. */
    private String utf8(int start, int end) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in, start, end - start)).toString();
        } catch (CharacterCodingException malformed) {
            return null;
        }
    }

    /** An ASCII string with escapes, from its first character; null for anything this scanner leaves to the tree. */
    private String escaped(int start) {
        StringBuilder text = new StringBuilder();
        for (int i = start; i < end; i++) {
            byte b = in[i];
            if (b == '"') {
                if (text.length() > MAX_STRING_CHARS) {
                    return null;
                }
                at = i + 1;
                return text.toString();
            }
            if (b < 0x20) {
                return null; // a control character, or a non-ASCII byte (negative)
            }
            if (b != '\\') {
                text.append((char) b);
                continue;
            }
            if (++i == end) {
                return null;
            }
            switch (in[i]) {
                case '"' -> text.append('"');
                case '\\' -> text.append('\\');
                case '/' -> text.append('/');
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    int unit = end - i > 4 ? hex(i + 1) : -1;
                    if (unit < 0 || Character.isSurrogate((char) unit)) {
                        return null;
                    }
                    text.append((char) unit);
                    i += 4;
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    /** The four hex digits at {@code from} as a UTF-16 unit, or -1. */
    private int hex(int from) {
        int unit = 0;
        for (int i = from; i < from + 4; i++) {
            int digit = Character.digit(in[i], 16);
            if (digit < 0) {
                return -1;
            }
            unit = unit * 16 + digit;
        }
        return unit;
    }

    private void skipSpace() {
        while (at < end && (in[at] == ' ' || in[at] == '\t' || in[at] == '\r' || in[at] == '\n')) {
            at++;
        }
    }

    private boolean take(char expected) {
        if (at < end && in[at] == expected) {
            at++;
            return true;
        }
        return false;
    }
}
