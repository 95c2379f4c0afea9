package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.space.Command;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * {@link Requests#parse(ByteBuf)}: a request line read from its UTF-8 bytes, as the primary reads the proxy's frames,
 * is the request {@link Requests#parse(String)} reads from its text (RequestsTest runs each of its cases both ways);
 * here, what only bytes can do: buffers of every kind, terminators and byte order marks as bytes, malformed UTF-8.
 */
@Timeout(10)
class RequestBytesTest {

    private static final String NON_ASCII_PUT = "{\"id\":7,\"op\":\"PUT\",\"pairs\":"
            + "[[[\"\u00e9t\u00e9\",\"\uD835\uDC00\"],[\"\u0663\",\"\u4e2d\u6587\"]]]}";

    private static ByteBuf utf8(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void nonAsciiFieldsReadFromTheBytesAreTheTuplesOfTheText() {
        ParsedRequest.Valid request = (ParsedRequest.Valid) Requests.parse(utf8(NON_ASCII_PUT));
        Pair pair = Pair.of("\u00e9t\u00e9,\uD835\uDC00", "\u0663,\u4e2d\u6587");
        assertThat(request.command()).isEqualTo(new Command.Put(List.of(Optional.of(pair))));
        assertThat(request).isEqualTo(Requests.parse(NON_ASCII_PUT));
        Tuple key = ((Command.Put) request.command()).pairs().get(0).orElseThrow().key();
        assertThat(key.utf8()).isEqualTo("\u00e9t\u00e9,\uD835\uDC00".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void terminatorsAndAByteOrderMarkAreStrippedAsBytes() {
        String get = "{\"op\":\"GET\",\"key\":\"a\",\"value\":\".*\"}";
        for (String line : List.of(get + "\n", get + "\r\n", "\uFEFF" + get + "\r\n", " \t" + get)) {
            assertThat(Requests.parse(utf8(line))).as(line).isEqualTo(Requests.parse(line))
                    .isEqualTo(Requests.parse(get));
        }
        assertThat(Requests.parse(utf8("GET a .*\r\n"))).isEqualTo(Requests.parse("GET a .*"));
        assertThat(Requests.parse(utf8("\uFEFFGET a .*\n"))).isEqualTo(Requests.parse("GET a .*"));
    }

    /** A line split over buffers (a composite, split inside a character), a direct one, a slice further on. */
    @Test
    void aLineInAnyKindOfBufferParsesTheSameAndIsLeftAsItWas() {
        ParsedRequest expected = Requests.parse(NON_ASCII_PUT);
        byte[] bytes = NON_ASCII_PUT.getBytes(StandardCharsets.UTF_8);
        int inACharacter = NON_ASCII_PUT.indexOf('\u00e9') + 1; // the é's second byte comes in the second part
        CompositeByteBuf split = Unpooled.compositeBuffer();
        split.addComponent(true, Unpooled.wrappedBuffer(bytes, 0, inACharacter));
        split.addComponent(true, Unpooled.wrappedBuffer(bytes, inACharacter, bytes.length - inACharacter));
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes);
        ByteBuf further = Unpooled.buffer().writeBytes("xxxx".getBytes(StandardCharsets.US_ASCII)).writeBytes(bytes)
                .writeBytes("yy".getBytes(StandardCharsets.US_ASCII));
        ByteBuf slice = further.slice(4, bytes.length);
        try {
            for (ByteBuf line : List.of(split, direct, slice)) {
                int readerIndex = line.readerIndex();
                int writerIndex = line.writerIndex();
                assertThat(Requests.parse(line)).as(line.getClass().getSimpleName()).isEqualTo(expected);
                assertThat(line.readerIndex()).isEqualTo(readerIndex);
                assertThat(line.writerIndex()).isEqualTo(writerIndex);
                assertThat(line.refCnt()).isEqualTo(1);
            }
        } finally {
            split.release();
            direct.release();
            further.release();
        }
    }

    @Test
    void anOversizeLineOfManyPairsParsesTheSame() {
        StringBuilder line = new StringBuilder("{\"op\":\"PUT\",\"pairs\":[");
        for (int i = 0; i < 20_000; i++) {
            line.append(i == 0 ? "" : ",").append("[[\"k\",\"").append(i).append("\"],[\"v\u00e9").append(i)
                    .append("\"]]");
        }
        String text = line.append("]}").toString();
        ParsedRequest parsed = Requests.parse(utf8(text));
        assertThat(text.length()).isGreaterThan(500_000);
        assertThat(parsed).isEqualTo(Requests.parse(text));
        assertThat(((Command.Put) ((ParsedRequest.Valid) parsed).command()).pairs()).hasSize(20_000);
    }

    @Test
    void malformedJsonFromBytesGetsTheSameClearError() {
        String unclosed = "{\"id\":3,\"op\":\"GET\",\"key\":\"a\"";
        ParsedRequest.Invalid invalid = (ParsedRequest.Invalid) Requests.parse(utf8(unclosed));
        assertThat(invalid.status()).isEqualTo(Status.MALFORMED);
        assertThat(invalid.error()).startsWith("invalid JSON at column").contains("expected");
        assertThat(invalid.id().asInt()).isEqualTo(3);
        assertThat(invalid).isEqualTo(Requests.parse(unclosed));
        String missing = "{\"op\":\"GET\",\"key\":\"a\"}";
        assertThat(Requests.parse(utf8(missing))).isEqualTo(Requests.parse(missing));
        assertThat(((ParsedRequest.Invalid) Requests.parse(utf8(missing))).error())
                .isEqualTo("expected a \"value\" field (the value pattern, a string) in a GET request, found none");
    }

    /**
     * A line that is not UTF-8 is malformed, and the error names the first byte that is not: decoded leniently, its
     * field would have held U+FFFD and been answered back with that character, which the client never sent.
     */
    @Test
    void aLineThatIsNotUtf8IsMalformedAndTheErrorNamesTheByte() {
        byte[] prefix = "{\"id\":3,\"op\":\"PUT\",\"pairs\":[[[\"a".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"],[\"v\"]]]}".getBytes(StandardCharsets.UTF_8);
        ByteBuf json = Unpooled.buffer().writeBytes(prefix).writeByte(0xFF).writeByte(0xC3).writeBytes(suffix);
        ParsedRequest.Invalid fromJson = (ParsedRequest.Invalid) Requests.parse(json);
        assertThat(fromJson.status()).isEqualTo(Status.MALFORMED);
        assertThat(fromJson.error()).isEqualTo("expected a request line in UTF-8, found the byte 0xFF at byte "
                + (prefix.length + 1) + " of the line, which is not UTF-8 there");
        assertThat(fromJson.id().asInt()).as("the id still answered, as for any malformed JSON line").isEqualTo(3);

        ByteBuf text = Unpooled.buffer().writeBytes("PUT a".getBytes(StandardCharsets.UTF_8)).writeByte(0xFF)
                .writeBytes(" 1".getBytes(StandardCharsets.UTF_8));
        ParsedRequest.Invalid fromText = (ParsedRequest.Invalid) Requests.parse(text);
        assertThat(fromText.format()).isEqualTo(Format.TEXT);
        assertThat(fromText.error()).contains("found the byte 0xFF at byte 6 of the line");
        // UTF-8 that is well-formed is read as before, however far from ASCII
        assertThat(Requests.parse(utf8("PUT \u00e9t\u00e9 \uD835\uDC00"))).isInstanceOf(ParsedRequest.Valid.class);
    }

    /** A zero byte would make Jackson guess UTF-16: such a line is read as text, as before. */
    @Test
    void aZeroByteIsReadAsText() {
        String line = "{\u0000\"op\":\"GET\",\"key\":\"a\",\"value\":\"b\"}";
        ParsedRequest fromBytes = Requests.parse(utf8(line));
        assertThat(fromBytes).isEqualTo(Requests.parse(line)).isInstanceOf(ParsedRequest.Invalid.class);
        assertThat(Format.of(utf8(line))).isEqualTo(Format.JSON);
    }
}
