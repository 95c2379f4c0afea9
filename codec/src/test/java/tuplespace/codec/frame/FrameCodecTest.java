package tuplespace.codec.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tuplespace.codec.Sap;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FrameCodecTest {

    /** A request in a log line: its text's start, never its buffer's internals nor megabytes of it. */
    @Test
    void aRequestShowsItsConnectionAndTheStartOfItsLine() {
        assertThat(new Frame.Request(0xab, 3, 1, "GET a .*").toString())
                .isEqualTo("REQUEST conn ab seq 3 floor 1 line 'GET a .*'");
        String long_ = new Frame.Request(1, 2, 0, "PUT " + "k,v ".repeat(100_000)).toString();
        assertThat(long_).startsWith("REQUEST conn 1 seq 2 floor 0 line 'PUT k,v").endsWith("...' (400004 bytes)")
                .hasSizeLessThan(150);
    }

    static Stream<Frame> everyFrame() {
        return Stream.of(
                new Frame.Register(3, 4242, 0x7FFF_0000_0000_0001L, new Sap("127.0.0.1", 7003), 8812, 91),
                new Frame.Register(1, 1, 1, new Sap("::1", 65_535), 0, 0),
                new Frame.Register(5, 2, 3, new Sap("10.0.0.2", 7002), 40, 0, 0x5EED_0000_0000_0001L,
                        List.of("a", "b")),
                new Frame.Register(6, 2, 3, new Sap("10.0.0.2", 7002), 40, 0, 0x5EED_0000_0000_0001L,
                        List.of("b.91b0c3e57d2a6f04"), true),
                new Frame.Registered(999),
                new Frame.StaleEpoch(7),
                new Frame.Request(0x1234_5678_0000_0001L, 5, 4, "{\"op\":\"GET\",\"key\":\"ü,.*\",\"value\":\".*\"}"),
                new Frame.Request(-1L, 1, 0, ""),
                new Frame.Answer(-77L, 9, "ok 1 pairs\n  user,1 alice\nend\n"),
                new Frame.AnswerPart(-77L, 10, Unpooled.copiedBuffer("{\"status\":\"ok\",\"pairs\":[[[\"é", StandardCharsets.UTF_8)),
                new Frame.Closed(Long.MIN_VALUE),
                new Frame.Ping(123_456_789L),
                new Frame.Pong(-5L),
                new Frame.Busy(0),
                new Frame.Busy(16_000),
                new Frame.Replica(0),
                new Frame.Replica(Long.MAX_VALUE),
                new Frame.Follow(4, 77),
                new Frame.Follow(4, 77, 0x7123_4567_89AB_CDEFL),
                new Frame.Follow(4, 77, 0x7123_4567_89AB_CDEFL, 1705),
                new Frame.Follow(4, 77, 0x7123_4567_89AB_CDEFL, 1705, 0x5EED_0000_0000_0001L, "b.91b0c3e57d2a6f04",
                        true),
                new Frame.Follow(4, 77, 0x7123_4567_89AB_CDEFL, 1705, 0x5EED_0000_0000_0001L, "b.91b0c3e57d2a6f04",
                        false),
                new Frame.Promote(5, false),
                new Frame.Promote(6, true),
                new Frame.StepDown(3),
                new Frame.SteppedDown(0),
                new Frame.SteppedDown(9_000_000_000L),
                new Frame.StepDownRefused("the backup did not acknowledge index 17 within 5 s"));
    }

    @ParameterizedTest
    @MethodSource("everyFrame")
    void everyFrameSurvivesTheRoundTripThroughLengthFraming(Frame frame) {
        EmbeddedChannel sender = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        EmbeddedChannel receiver = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);

        assertThat(sender.writeOutbound(frame)).isTrue();
        ByteBuf wire = concatenateOutbound(sender);
        // docs/internals.md: 4-byte big-endian length, then the type byte
        assertThat(wire.getInt(0)).isEqualTo(wire.readableBytes() - 4);
        assertThat(wire.getByte(4)).isEqualTo(frame.type().code());

        receiver.writeInbound(wire);
        assertThat((Frame) receiver.readInbound()).isEqualTo(frame);
        assertThat((Object) receiver.readInbound()).isNull();
    }

    @ParameterizedTest
    @MethodSource("everyFrame")
    void eachFrameGoesOutAsOneExactlySizedBufferOfPrefixAndEncodedPayload(Frame frame) {
        EmbeddedChannel sender = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        ByteBuf payload = Unpooled.buffer();
        FrameCodec.encode(frame, payload);

        sender.writeOutbound(frame);
        ByteBuf wire = sender.readOutbound();
        assertThat((Object) sender.readOutbound()).isNull(); // one buffer per frame, not prefix and payload apart
        // docs/internals.md: the bytes are the 4-byte length then exactly what encode writes
        assertThat(wire.readInt()).isEqualTo(payload.readableBytes());
        assertThat(ByteBufUtil.equals(wire, payload)).isTrue();
        assertThat(wire.capacity()).isEqualTo(wire.writerIndex());
        wire.release();
        payload.release();
    }

    /** A backup from before FOLLOW said how far its copy goes sends epoch, server and primary: it says nothing. */
    @Test
    void aFollowWithoutTheLastIndexIsReadAsSayingNone() {
        ByteBuf wire = Unpooled.buffer();
        wire.writeInt(1 + 3 * Long.BYTES).writeByte(FrameType.FOLLOW.code()).writeLong(4).writeLong(77).writeLong(9);
        EmbeddedChannel receiver = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        receiver.writeInbound(wire);
        assertThat((Frame) receiver.readInbound()).isEqualTo(new Frame.Follow(4, 77, 9, 0));
    }

    /** A backup from before FOLLOW named its node directory sends four fields: it names none. */
    @Test
    void aFollowWithoutTheDirectoryIsReadAsNamingNone() {
        ByteBuf wire = Unpooled.buffer();
        wire.writeInt(1 + 4 * Long.BYTES).writeByte(FrameType.FOLLOW.code()).writeLong(4).writeLong(77).writeLong(9)
                .writeLong(1705);
        EmbeddedChannel receiver = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        receiver.writeInbound(wire);
        Frame.Follow follow = receiver.readInbound();
        assertThat(follow).isEqualTo(new Frame.Follow(4, 77, 9, 1705, 0, "", false));
    }

    /** A backup from before FOLLOW named its primary sends epoch and server only: it names none. */
    @Test
    void aFollowWithoutThePrimaryFieldIsReadAsNamingNone() {
        ByteBuf wire = Unpooled.buffer();
        wire.writeInt(1 + 2 * Long.BYTES).writeByte(FrameType.FOLLOW.code()).writeLong(4).writeLong(77);
        EmbeddedChannel receiver = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        receiver.writeInbound(wire);
        assertThat((Frame) receiver.readInbound()).isEqualTo(new Frame.Follow(4, 77, 0));
    }

    @Test
    void aDecodedAnswerIsASliceOfTheReadBufferThatTheReceiverReleasesAndItsBytesAreNeverTranscoded() {
        byte[] text = "{\"status\":\"ok\",\"pairs\":[[[\"été\"],[\"😀\"]]]}\n".getBytes(StandardCharsets.UTF_8);
        ByteBuf wire = Unpooled.directBuffer();
        FrameCodec.encodeWithLength(new Frame.Answer(4, 2, Unpooled.wrappedBuffer(text)), wire);
        EmbeddedChannel receiver = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);

        receiver.writeInbound(wire);
        Frame.Answer decoded = receiver.readInbound();
        assertThat(ByteBufUtil.getBytes(decoded.answer())).isEqualTo(text);
        assertThat(decoded.answer().refCnt()).as("the slice keeps the read buffer").isEqualTo(1);
        assertThat(decoded.answer().unwrap()).as("a view of the read buffer, not a copy").isNotNull();
        assertThat(decoded.answer().release()).isTrue();
        assertThat(wire.refCnt()).as("released with its slice").isZero();
    }

    @Test
    void aPartsHeaderFollowedByItsBytesIsTheAnswerPartFrameAndAnAnswerPartIsNeverEmpty() {
        ByteBuf part = Unpooled.copiedBuffer("[[\"k\",\"1\"],[\"v\"]],", StandardCharsets.UTF_8);
        ByteBuf whole = Unpooled.buffer();
        FrameCodec.encodeWithLength(new Frame.AnswerPart(12, 34, part), whole);
        ByteBuf headerThenBytes = Unpooled.buffer();
        FrameCodec.encodeAnswerPartHeaderWithLength(12, 34, part.readableBytes(), headerThenBytes);
        headerThenBytes.writeBytes(part, part.readerIndex(), part.readableBytes());
        assertThat(ByteBufUtil.equals(whole, headerThenBytes)).isTrue();

        assertThatThrownBy(() -> new Frame.AnswerPart(1, 1, Unpooled.EMPTY_BUFFER))
                .hasMessage("ANSWER_PART part: expected at least one byte, found none");
        assertThatThrownBy(() -> new Frame.AnswerPart(1, 0, part)).hasMessageContaining("ANSWER_PART seq");
    }

    @Test
    void aDecodedRequestOwnsAHeapCopyOfItsLineAndWritingAFrameNeverConsumesItsBytes() {
        ByteBuf line = Unpooled.copiedBuffer("GET ü,1 .*", StandardCharsets.UTF_8);
        EmbeddedChannel sender = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        EmbeddedChannel receiver = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);

        sender.writeOutbound(new Frame.Request(1, 2, 1, line));
        assertThat(line.refCnt()).isEqualTo(1);
        assertThat(line.readableBytes()).as("the writer's buffer is read, not consumed").isEqualTo(11);
        receiver.writeInbound(concatenateOutbound(sender));
        Frame.Request decoded = receiver.readInbound();
        assertThat(decoded.lineText()).isEqualTo("GET ü,1 .*");
        assertThat(decoded.line().hasArray()).isTrue();
        assertThat(decoded.line().unwrap()).as("its own bytes, not a slice of the read buffer").isNull();
        line.release();
    }

    @Test
    void textOfEveryUtf8WidthIsWrittenWithItsByteLength() {
        String line = "a" + "ü" + "€" + "😀" + "\uD800" + "x".repeat(10_000); // 1-, 2-, 3-, 4-byte, lone surrogate
        EmbeddedChannel sender = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        sender.writeOutbound(new Frame.Request(1, 2, 1, line));
        ByteBuf wire = sender.readOutbound();
        int textLength = wire.getInt(4 + 1 + 3 * Long.BYTES);
        // a lone surrogate becomes '?', as String.getBytes does
        assertThat(textLength).isEqualTo(line.getBytes(StandardCharsets.UTF_8).length);
        assertThat(wire.readableBytes()).isEqualTo(4 + 1 + 3 * Long.BYTES + 4 + textLength);

        EmbeddedChannel receiver = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        receiver.writeInbound(wire);
        Frame.Request decoded = receiver.readInbound();
        assertThat(decoded.lineText()).isEqualTo(line.replace("\uD800", "?"));
    }

    @Test
    void framesSplitAcrossReadsAndBatchedInOneReadAreAllDecoded() {
        EmbeddedChannel sender = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        List<Frame> frames = everyFrame().toList();
        frames.forEach(sender::writeOutbound);
        ByteBuf wire = concatenateOutbound(sender);

        EmbeddedChannel receiver = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        while (wire.isReadable()) {
            receiver.writeInbound(wire.readRetainedSlice(Math.min(3, wire.readableBytes())));
        }
        wire.release();
        for (Frame expected : frames) {
            assertThat((Frame) receiver.readInbound()).isEqualTo(expected);
        }
    }

    @Test
    void anUnknownTypeIsAClearError() {
        ByteBuf payload = Unpooled.buffer().writeByte(42).writeLong(1);
        assertThatThrownBy(() -> FrameCodec.decode(payload))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("unknown frame type 42")
                .hasMessageContaining("REGISTER");
    }

    @Test
    void aTruncatedPayloadNamesTheFrameAndTheField() {
        ByteBuf payload = Unpooled.buffer().writeByte(FrameType.REQUEST.code()).writeLong(1).writeLong(2).writeInt(7);
        assertThatThrownBy(() -> FrameCodec.decode(payload))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("truncated REQUEST frame")
                .hasMessageContaining("floor");
    }

    @Test
    void aStringLongerThanTheFrameIsTruncation() {
        ByteBuf payload = Unpooled.buffer().writeByte(FrameType.ANSWER.code()).writeLong(1).writeLong(1)
                .writeInt(100).writeBytes("ok\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> FrameCodec.decode(payload))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("truncated ANSWER frame: expected 100 bytes for answer, found 3");
    }

    @Test
    void trailingBytesAreAnError() {
        ByteBuf payload = Unpooled.buffer().writeByte(FrameType.PING.code()).writeLong(1).writeByte(0);
        assertThatThrownBy(() -> FrameCodec.decode(payload))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("1 trailing bytes");
    }

    @Test
    void anEmptyFrameIsAnError() {
        assertThatThrownBy(() -> FrameCodec.decode(Unpooled.EMPTY_BUFFER))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("empty frame");
    }

    @Test
    void aFieldTheProtocolForbidsIsAnErrorNamingIt() {
        // seq starts at 1 per conn (docs/internals.md)
        ByteBuf payload = Unpooled.buffer().writeByte(FrameType.REQUEST.code()).writeLong(1).writeLong(0).writeLong(0)
                .writeInt(0);
        assertThatThrownBy(() -> FrameCodec.decode(payload))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("invalid REQUEST frame")
                .hasMessageContaining("seq");
    }

    @Test
    void aRegisterWithAnUnparsableSapIsAnError() {
        ByteBuf payload = Unpooled.buffer().writeByte(FrameType.REGISTER.code()).writeLong(1).writeLong(2).writeLong(3);
        byte[] sap = "nonsense".getBytes(StandardCharsets.UTF_8);
        payload.writeInt(sap.length).writeBytes(sap).writeLong(0).writeLong(0);
        assertThatThrownBy(() -> FrameCodec.decode(payload))
                .isInstanceOf(FrameFormatException.class)
                .hasMessageContaining("invalid REGISTER frame")
                .hasMessageContaining("nonsense");
    }

    /** A REGISTER of a primary older than the data directory fields: no history, no directories compared. */
    @Test
    void aRegisterWithoutItsDataDirectoryFieldsIsOneWithoutADataDirectory() {
        ByteBuf payload = Unpooled.buffer().writeByte(FrameType.REGISTER.code()).writeLong(4).writeLong(2).writeLong(3);
        byte[] sap = "127.0.0.1:7002".getBytes(StandardCharsets.UTF_8);
        payload.writeInt(sap.length).writeBytes(sap).writeLong(10).writeLong(0);
        assertThat(FrameCodec.decode(payload))
                .isEqualTo(new Frame.Register(4, 2, 3, new Sap("127.0.0.1", 7002), 10, 0));
    }

    /** A REGISTER of a primary older than the flag: one that waits for no judgement, taken as any other. */
    @Test
    void aRegisterWithoutTheUnjudgedFlagAsksToBeTakenAsAnyOther() {
        ByteBuf payload = Unpooled.buffer().writeByte(FrameType.REGISTER.code()).writeLong(4).writeLong(2).writeLong(3);
        byte[] sap = "127.0.0.1:7002".getBytes(StandardCharsets.UTF_8);
        byte[] directories = "a.1f".getBytes(StandardCharsets.UTF_8);
        payload.writeInt(sap.length).writeBytes(sap).writeLong(10).writeLong(0).writeLong(7)
                .writeInt(directories.length).writeBytes(directories);
        assertThat(FrameCodec.decode(payload))
                .isEqualTo(new Frame.Register(4, 2, 3, new Sap("127.0.0.1", 7002), 10, 0, 7, List.of("a.1f"), false));
    }

    @Test
    void aRegisterNamingADirectoryThatIsNoNodeIdIsAnError() {
        assertThatThrownBy(() -> new Frame.Register(4, 2, 3, new Sap("127.0.0.1", 7002), 10, 0, 1, List.of("a,b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("REGISTER directories: expected node directory names of letters, digits, '_', '-' and"
                        + " '.', found 'a,b'");
    }

    @Test
    void aFollowNamingADirectoryThatIsNoNodeIdIsAnError() {
        assertThatThrownBy(() -> new Frame.Follow(4, 77, 9, 1705, 1, "../b", true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FOLLOW directory: expected node directory names of letters, digits, '_', '-' and '.',"
                        + " found '../b'");
    }

    @Test
    void garbageBytesOnTheChannelRaiseAnExceptionInsteadOfAFrame() {
        EmbeddedChannel receiver = framedChannel(FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        ByteBuf garbage = Unpooled.buffer().writeInt(5).writeBytes(new byte[] {(byte) 0xEE, 1, 2, 3, 4});
        assertThatThrownBy(() -> receiver.writeInbound(garbage)).isInstanceOf(FrameFormatException.class);
        assertThat((Object) receiver.readInbound()).isNull();
    }

    @Test
    void anOversizeFrameIsRefusedBeforeItIsBuffered() {
        EmbeddedChannel receiver = framedChannel(64);
        ByteBuf header = Unpooled.buffer().writeInt(1_000_000).writeByte(FrameType.REQUEST.code());
        assertThatThrownBy(() -> receiver.writeInbound(header)).isInstanceOf(TooLongFrameException.class);
        assertThat((Object) receiver.readInbound()).isNull();
    }

    @Test
    void aSkippingDecoderReportsAnOversizeAnswerAndKeepsDecodingTheFramesAfterIt() {
        EmbeddedChannel sender = new EmbeddedChannel();
        FrameCodec.install(sender.pipeline(), FrameCodec.DEFAULT_MAX_FRAME_LENGTH);
        sender.writeOutbound(new Frame.Answer(7, 3, "x".repeat(5_000) + "\n"), new Frame.Ping(42),
                new Frame.Answer(7, 4, "ok\n"));
        ByteBuf bytes = concatenateOutbound(sender);

        EmbeddedChannel receiver = new EmbeddedChannel();
        FrameCodec.installSkippingOversize(receiver.pipeline(), 256);
        // dribbled in small pieces: the oversize frame is skipped as it arrives, the link stays in step
        while (bytes.isReadable()) {
            receiver.writeInbound(bytes.readRetainedSlice(Math.min(100, bytes.readableBytes())));
        }
        bytes.release();
        OversizeFrame oversize = receiver.readInbound();
        assertThat(oversize.isAnswer()).isTrue();
        assertThat(oversize.conn()).isEqualTo(7);
        assertThat(oversize.seq()).isEqualTo(3);
        assertThat(oversize.length()).isEqualTo(1 + 8 + 8 + 4 + 5_001);
        assertThat((Object) receiver.readInbound()).isEqualTo(new Frame.Ping(42));
        assertThat((Object) receiver.readInbound()).isEqualTo(new Frame.Answer(7, 4, "ok\n"));
        assertThat(receiver.isOpen()).isTrue();
    }

    @Test
    void aSkippingDecoderReportsAnOversizeFrameOfAnotherTypeWithoutConnAndSeq() {
        EmbeddedChannel receiver = new EmbeddedChannel();
        FrameCodec.installSkippingOversize(receiver.pipeline(), 64);
        receiver.writeInbound(Unpooled.buffer().writeInt(100).writeByte(FrameType.REQUEST.code())
                .writeBytes(new byte[99]));
        OversizeFrame oversize = receiver.readInbound();
        assertThat(oversize.isAnswer()).isFalse();
        assertThat(oversize.typeCode()).isEqualTo(FrameType.REQUEST.code());
        assertThat(oversize.length()).isEqualTo(100);
    }

    @Test
    void anAnswerMustEndWithANewline() {
        assertThatThrownBy(() -> new Frame.Answer(1, 1, "ok"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected text ending with a newline");
    }

    @Test
    void aFloorMustBeBelowItsSeq() {
        assertThatThrownBy(() -> new Frame.Request(1, 3, 3, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected less than seq 3, found 3");
    }

    private static EmbeddedChannel framedChannel(int maxFrameLength) {
        EmbeddedChannel channel = new EmbeddedChannel();
        FrameCodec.install(channel.pipeline(), maxFrameLength);
        return channel;
    }

    private static ByteBuf concatenateOutbound(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
            all.writeBytes(part);
            part.release();
        }
        return all;
    }
}
