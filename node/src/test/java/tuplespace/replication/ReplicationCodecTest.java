package tuplespace.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tuplespace.codec.Utf8Text;
import tuplespace.space.Effect;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

@Timeout(10)
class ReplicationCodecTest {

    static Stream<ReplicationMessage> messages() {
        Effect effect = new Effect(List.of(Tuple.of("user", "1")), List.of(Pair.of("user,2", "bob,admin"), Pair.of("ключ", "значение")));
        return Stream.of(
                new ReplicationMessage.SnapshotBegin(3, 41, 1234, 0x7123_4567_89AB_CDEFL, "10.0.0.1:7003", false, false,
                        0x6f1c_9e0b_2a4d_8f37L, 41, 2, 0),
                new ReplicationMessage.SnapshotBegin(4, 0, 99, -5, "[::1]:7003", true, false, 0, -1, 0, 0),
                new ReplicationMessage.SnapshotBegin(5, 9, 98, 1, "h:1", false, true, -2, 9, 0, 0),
                new ReplicationMessage.SnapshotAnswers(List.of(
                        new AnswerTable.Entry(-5L << 32, 2, Utf8Text.of("{\"status\":\"ok\"}\n")),
                        new AnswerTable.Entry(7, 9, Utf8Text.of("ok 1 pair removed\n  ключ значение\nend\n")))),
                ReplicationMessage.SnapshotPairs.of(List.of(Pair.of("a", "b"), Pair.of("a,c", "d,e"))),
                new ReplicationMessage.SnapshotEnd(41, -4417L),
                new ReplicationMessage.Entries(List.of(
                        new Replicated(3, 42, new Change.Applied(9, 1, 0, effect, Utf8Text.of("ok 0 pairs\nend\n"))),
                        new Replicated(3, 43, new Change.Applied(9, 7, 5, Effect.NONE, Utf8Text.of("malformed: x\nend\n"))),
                        new Replicated(3, 44, new Change.Closed(9))), 77L, 43),
                new ReplicationMessage.Ack(44, 77L, 4321, 0x7123_4567_89AB_CDEFL),
                new ReplicationMessage.Stop("the service shuts down"),
                new ReplicationMessage.Refused("this backup holds epoch 3 up to index 12 \u00e9"),
                new ReplicationMessage.Heartbeat(1234, 77),
                new ReplicationMessage.Heartbeat(1235, -1),
                new ReplicationMessage.Busy(16_000));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageSurvivesTheRoundTrip(ReplicationMessage message) {
        ByteBuf buffer = Unpooled.buffer();
        ReplicationCodec.encode(message, buffer);
        assertThat(ReplicationCodec.decode(buffer)).isEqualTo(message);
    }

    @ParameterizedTest
    @MethodSource("messages")
    void aFrameCutShortIsRefusedNotMisread(ReplicationMessage message) {
        ByteBuf buffer = Unpooled.buffer();
        ReplicationCodec.encode(message, buffer);
        ByteBuf cut = buffer.slice(0, buffer.readableBytes() - 1);
        assertThatThrownBy(() -> ReplicationCodec.decode(cut)).isInstanceOf(ReplicationProtocolException.class);
    }

    /**
     * Entries are read through the frame's {@code nioBuffer()}: a frame arrives as a slice of a pooled, usually direct,
     * buffer, starting anywhere in it, and what follows the frame there is not read.
     */
    @Test
    void entriesAreReadFromAFrameAnywhereInAPooledDirectBuffer() {
        ReplicationMessage entries = messages().filter(ReplicationMessage.Entries.class::isInstance).findFirst().orElseThrow();
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer();
        try {
            pooled.writeBytes(new byte[] {9, 9, 9});
            int frameStart = pooled.writerIndex();
            ReplicationCodec.encode(entries, pooled);
            int frameLength = pooled.writerIndex() - frameStart;
            pooled.writeBytes(new byte[] {7, 7});
            ByteBuf frame = pooled.slice(frameStart, frameLength);
            assertThat(ReplicationCodec.decode(frame)).isEqualTo(entries);
            assertThat(frame.isReadable()).isFalse();
        } finally {
            pooled.release();
        }
    }

    /** One entry as a log record holds it: read whole from a {@link ByteBuffer}, refused when cut short or followed. */
    @Test
    void anEntryDecodesFromALogRecordsBytesAndNothingElse() {
        Replicated entry = ((ReplicationMessage.Entries) messages().filter(ReplicationMessage.Entries.class::isInstance)
                .findFirst().orElseThrow()).entries().get(0);
        ByteBuf encoded = Unpooled.buffer();
        ReplicationCodec.encodeEntry(entry, encoded);
        byte[] bytes = ByteBufUtil.getBytes(encoded);

        assertThat(ReplicationCodec.decodeEntry(ByteBuffer.wrap(bytes))).isEqualTo(entry);
        assertThatThrownBy(() -> ReplicationCodec.decodeEntry(ByteBuffer.wrap(bytes, 0, bytes.length - 1)))
                .isInstanceOf(ReplicationProtocolException.class).hasMessageContaining("found a length of");
        assertThatThrownBy(() -> ReplicationCodec.decodeEntry(ByteBuffer.wrap(bytes, 0, 10)))
                .isInstanceOf(ReplicationProtocolException.class).hasMessageContaining("cut short");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
        assertThatThrownBy(() -> ReplicationCodec.decodeEntry(ByteBuffer.wrap(longer)))
                .isInstanceOf(ReplicationProtocolException.class).hasMessageContaining("found 2 more bytes");
    }

    /** What {@link ReplicationCodec.ChangeSink} is told, as text: the bytes it gets, in order. */
    private static final class TellingSink implements ReplicationCodec.ChangeSink {
        final List<String> told = new ArrayList<>();

        @Override
        public void removed(byte[] key) {
            told.add("removed " + utf8(key));
        }

        @Override
        public void written(byte[] key, byte[] value) {
            told.add("written " + utf8(key) + " " + utf8(value));
        }

        @Override
        public void applied(long conn, long seq, long floor, byte[] answer) {
            told.add("applied " + conn + " " + seq + " " + floor + " " + utf8(answer));
        }

        @Override
        public void closed(long conn) {
            told.add("closed " + conn);
        }

        private static String utf8(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The same entries as the tuples they decode to: what {@link TellingSink} must be told of each. */
    private static List<String> toldOf(Change change) {
        List<String> told = new ArrayList<>();
        if (change instanceof Change.Applied applied) {
            applied.effect().removed().forEach(key -> told.add("removed " + key.text()));
            applied.effect().written()
                    .forEach(pair -> told.add("written " + pair.key().text() + " " + pair.value().text()));
            told.add("applied " + applied.conn() + " " + applied.seq() + " " + applied.floor() + " "
                    + applied.answer());
        } else if (change instanceof Change.Closed closed) {
            told.add("closed " + closed.conn());
        }
        return told;
    }

    /**
     * Decoded into a {@link ReplicationCodec.ChangeSink}, an entry's tuples and answer come as the bytes they decode
     * from, in order, with the same refusals as decoding it whole: how a restart sums up its log.
     */
    @Test
    void anEntryDecodesIntoASinkAsTheBytesOfWhatItDecodesTo() {
        Effect effect = new Effect(List.of(Tuple.of("user", "1"), Tuple.of("ключ")),
                List.of(Pair.of("user,2", "bob,admin"), Pair.of("ключ", "значение")));
        List<Replicated> entries = List.of(
                new Replicated(3, 42, new Change.Applied(9, 5, 3, effect, Utf8Text.of("ok 0 pairs\nend\n"))),
                new Replicated(3, 43, new Change.Applied(9, 6, 0, Effect.NONE, Utf8Text.of("{\"status\":\"ok\"}\n"))),
                new Replicated(4, 44, new Change.Closed(-5L << 32)));
        for (Replicated entry : entries) {
            ByteBuf encoded = Unpooled.buffer();
            ReplicationCodec.encodeEntry(entry, encoded);
            byte[] bytes = ByteBufUtil.getBytes(encoded);
            TellingSink sink = new TellingSink();

            ReplicationCodec.decodeEntry(ByteBuffer.wrap(bytes), sink);

            assertThat(sink.told).containsExactlyElementsOf(toldOf(entry.change()));
            assertThatThrownBy(() -> ReplicationCodec.decodeEntry(ByteBuffer.wrap(bytes, 0, bytes.length - 1),
                    new TellingSink())).isInstanceOf(ReplicationProtocolException.class);
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
            assertThatThrownBy(() -> ReplicationCodec.decodeEntry(ByteBuffer.wrap(longer), new TellingSink()))
                    .isInstanceOf(ReplicationProtocolException.class).hasMessageContaining("found 2 more bytes");
        }
    }

    /**
     * What the entry's constructors refuse, its bytes refuse too when no entry is made of them, before the sink is told
     * of any key or pair.
     */
    @Test
    void aSinkIsNotToldOfAnEntryWhoseEpochIndexSeqOrFloorNoEntryCouldHave() {
        Effect effect = new Effect(List.of(Tuple.of("user", "1")), List.of(Pair.of("user,2", "bob")));
        Replicated entry = new Replicated(3, 42, new Change.Applied(9, 5, 3, effect, Utf8Text.of("ok\n")));
        ByteBuf encoded = Unpooled.buffer();
        ReplicationCodec.encodeEntry(entry, encoded);
        byte[] bytes = ByteBufUtil.getBytes(encoded);
        // epoch at 0, index at 8, kind at 16, conn at 17, seq at 25, floor at 33
        for (int[] field : new int[][] {{0, 0}, {8, 0}, {25, 0}, {33, 5}, {33, -1}}) {
            byte[] changed = bytes.clone();
            ByteBuffer.wrap(changed).putLong(field[0], field[1]);
            TellingSink sink = new TellingSink();

            assertThatThrownBy(() -> ReplicationCodec.decodeEntry(ByteBuffer.wrap(changed), sink))
                    .as("field at %d set to %d", field[0], field[1])
                    .isInstanceOf(ReplicationProtocolException.class).hasMessageContaining("expected");
            assertThat(sink.told).isEmpty();
            assertThatThrownBy(() -> ReplicationCodec.decodeEntry(ByteBuffer.wrap(changed)))
                    .isInstanceOf(ReplicationProtocolException.class);
        }
    }

    @Test
    void encodedSizesAreExact() {
        ReplicationMessage.Entries entries = (ReplicationMessage.Entries) messages()
                .filter(m -> m instanceof ReplicationMessage.Entries).findFirst().orElseThrow();
        ByteBuf buffer = Unpooled.buffer();
        ReplicationCodec.encode(entries, buffer);
        long expected = 1 + 8 + 8 + 4 + entries.entries().stream().mapToLong(ReplicationCodec::encodedSize).sum();
        assertThat(buffer.readableBytes()).isEqualTo(expected);

        ReplicationMessage.SnapshotAnswers answers = (ReplicationMessage.SnapshotAnswers) messages()
                .filter(m -> m instanceof ReplicationMessage.SnapshotAnswers).findFirst().orElseThrow();
        ByteBuf answerBuffer = Unpooled.buffer();
        ReplicationCodec.encode(answers, answerBuffer);
        assertThat(answerBuffer.readableBytes())
                .isEqualTo(1 + 4 + answers.answers().stream().mapToLong(ReplicationCodec::encodedSize).sum());
    }

    @Test
    void garbageIsAProtocolErrorThatSaysWhatWasExpected() {
        ByteBuf garbage = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ReplicationCodec.decode(garbage))
                .isInstanceOf(ReplicationProtocolException.class)
                .hasMessageContaining("expected");
    }

    @Test
    void aHugeCountDoesNotAllocate() {
        ByteBuf buffer = Unpooled.buffer().writeByte(2).writeInt(Integer.MAX_VALUE);
        assertThatThrownBy(() -> ReplicationCodec.decode(buffer)).hasMessageContaining("count");
    }

    @Test
    void anEntrysTupleThatIsNotWellFormedIsRefused() {
        ByteBuf buffer = Unpooled.buffer().writeByte(4).writeLong(0).writeLong(-1).writeInt(1); // digest, forced, 1 entry
        buffer.writeLong(1).writeLong(1).writeByte(1).writeLong(9).writeLong(1).writeLong(0); // Applied(conn, seq, floor)
        buffer.writeInt(1).writeInt(3).writeBytes("a,,".getBytes(StandardCharsets.UTF_8)); // removed: one key
        buffer.writeInt(0).writeInt(0); // nothing written, an empty answer
        assertThatThrownBy(() -> ReplicationCodec.decode(buffer)).isInstanceOf(ReplicationProtocolException.class)
                .hasMessageContaining("found an empty string");
    }

    /**
     * Snapshot pairs are loaded as stored, unparsed: what vouches for them is the digest the snapshot's end carries,
     * which the backup compares with its own (as a snapshot file's reader does with the one its writer recorded).
     */
    @Test
    void snapshotPairsAreDecodedAsTheBytesSent() {
        ByteBuf buffer = Unpooled.buffer().writeByte(2).writeInt(1);
        buffer.writeInt(3).writeBytes("a,,".getBytes(StandardCharsets.UTF_8)).writeInt(1).writeByte('b');
        ReplicationMessage.SnapshotPairs pairs = (ReplicationMessage.SnapshotPairs) ReplicationCodec.decode(buffer);
        assertThat(pairs.key(0)).isEqualTo("a,,".getBytes(StandardCharsets.UTF_8));
        assertThat(pairs.value(0)).isEqualTo(new byte[] {'b'});
    }
}
