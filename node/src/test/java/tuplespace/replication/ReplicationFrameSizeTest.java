package tuplespace.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import tuplespace.codec.Utf8Text;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.space.Effect;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Frames on the replication link stay bounded, and one maximal entry always fits (docs/internals.md). */
@Timeout(20)
class ReplicationFrameSizeTest {

    private static Replicated entry(long index, int answerBytes) {
        return new Replicated(1, index,
                new Change.Applied(1, index, index - 1, Effect.NONE, Utf8Text.of("a".repeat(answerBytes))));
    }

    @Test
    void aBatchIsFullByBytesLongBeforeItIsFullByCount() {
        ReplicationBatch batch = new ReplicationBatch();
        int megabyte = 1024 * 1024;
        assertThat(batch.add(entry(1, megabyte))).isFalse();
        assertThat(batch.add(entry(2, megabyte))).isFalse();
        assertThat(batch.add(entry(3, megabyte))).isFalse();
        assertThat(batch.add(entry(4, megabyte))).as("4 MiB of entries").isTrue();
        assertThat(batch.drain()).extracting(Replicated::index).containsExactly(1L, 2L, 3L, 4L);
        assertThat(batch.isEmpty()).isTrue();
    }

    @Test
    void aBatchOfSmallEntriesIsFullByCount() {
        ReplicationBatch batch = new ReplicationBatch();
        for (int i = 1; i < ReplicationBatch.MAX_ENTRIES; i++) {
            assertThat(batch.add(entry(i, 10))).isFalse();
        }
        assertThat(batch.add(entry(ReplicationBatch.MAX_ENTRIES, 10))).isTrue();
    }

    @Test
    void theAnswerTableGoesInBoundedChunksInOrder() {
        List<AnswerTable.Entry> table = new ArrayList<>();
        for (int seq = 1; seq <= 5; seq++) {
            table.add(new AnswerTable.Entry(9, seq, Utf8Text.of("b".repeat(seq == 3 ? 5000 : 400))));
        }
        List<ReplicationMessage.SnapshotAnswers> chunks = ReplicationMessage.SnapshotAnswers.chunks(table, 1000);
        assertThat(chunks).extracting(chunk -> chunk.answers().size()).containsExactly(2, 1, 2); // the big one alone
        assertThat(chunks.stream().flatMap(chunk -> chunk.answers().stream()).toList()).isEqualTo(table);
        for (ReplicationMessage.SnapshotAnswers chunk : chunks) {
            long bytes = chunk.answers().stream().mapToLong(ReplicationCodec::encodedSize).sum();
            assertThat(bytes <= 1000 || chunk.answers().size() == 1).isTrue();
        }
        assertThat(ReplicationMessage.SnapshotAnswers.chunks(List.of(), 1000)).isEmpty();
    }

    @Test
    void oneEntryWithTheLargestAnswerAndAsLargeAnEffectFitsInAFrame() {
        long headers = 1 + 8 + 4 + ReplicationCodec.encodedSize(entry(1, 0));
        assertThat((long) ReplicationFrames.MAX_FRAME_BYTES).isGreaterThanOrEqualTo(
                headers + 2L * FrameCodec.MAX_ANSWER_BYTES);
    }

    @Test
    void messagesCrossTheFramedLinkIntactWhateverTheirSizeGuess() {
        EmbeddedChannel sender = new EmbeddedChannel();
        ReplicationFrames.addTo(sender.pipeline());
        EmbeddedChannel receiver = new EmbeddedChannel();
        ReplicationFrames.addTo(receiver.pipeline());
        tuplespace.tuple.Pair pair = tuplespace.tuple.Pair.of("k\u00e9,\uD835\uDC00", "v,\u4e2d");
        List<ReplicationMessage> messages = List.of(
                new ReplicationMessage.Entries(List.of(entry(1, 10),
                        new Replicated(1, 2, new Change.Applied(3, 4, 1, new Effect(List.of(pair.key()), List.of(pair)),
                                Utf8Text.of("\u00e9\u4e2d\uD835\uDC00".repeat(700)))),
                        new Replicated(1, 3, new Change.Closed(3))), -9, 2),
                new ReplicationMessage.Ack(3, -9, 77, 78),
                new ReplicationMessage.Entries(List.of(entry(4, 0)), 0, -1),
                new ReplicationMessage.Stop("bye \u00e9"));
        for (ReplicationMessage message : messages) {
            assertThat(sender.writeAndFlush(message).isSuccess()).isTrue();
        }
        for (Object bytes; (bytes = sender.readOutbound()) != null; ) {
            receiver.writeInbound(bytes);
        }
        List<Object> received = new ArrayList<>();
        for (Object message; (message = receiver.readInbound()) != null; ) {
            received.add(message);
        }
        assertThat(received).isEqualTo(messages);
        sender.finishAndReleaseAll();
        receiver.finishAndReleaseAll();
    }

    @Test
    void theSizeGuessOfAnAsciiBatchIsExact() {
        ReplicationMessage.Entries entries = new ReplicationMessage.Entries(List.of(entry(1, 33),
                new Replicated(1, 2, new Change.Applied(3, 4, 1, new Effect(List.of(tuplespace.tuple.Tuple.of("a", "b")),
                        List.of(tuplespace.tuple.Pair.of("k,1", "v"))), Utf8Text.of("ok"))), new Replicated(1, 3, new Change.Closed(3))), 5, 2);
        io.netty.buffer.ByteBuf encoded = Unpooled.buffer();
        ReplicationCodec.encode(entries, encoded);
        assertThat(ReplicationCodec.encodedSize(entries)).isEqualTo(encoded.readableBytes());
        encoded.release();
    }

    @Test
    void aFrameOverTheLimitIsNeverSentAndNeverAccepted() {
        EmbeddedChannel sender = new EmbeddedChannel();
        ReplicationFrames.addTo(sender.pipeline(), 200);
        ChannelFuture small = sender.writeAndFlush(new ReplicationMessage.Entries(List.of(entry(1, 10)), 5, -1));
        assertThat(small.isSuccess()).isTrue();
        ChannelFuture big = sender.writeAndFlush(new ReplicationMessage.Entries(List.of(entry(2, 500)), 5, -1));
        assertThat(big.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("at most 200 bytes");

        EmbeddedChannel receiver = new EmbeddedChannel();
        ReplicationFrames.addTo(receiver.pipeline(), 200);
        Executable oversize = () -> receiver.writeInbound(Unpooled.buffer().writeInt(500).writeBytes(new byte[500]));
        assertThatThrownBy(oversize::execute).isInstanceOf(TooLongFrameException.class);
        sender.finishAndReleaseAll();
        receiver.finishAndReleaseAll();
    }
}
