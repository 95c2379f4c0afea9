package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;

/** A burst of answers leaves as one write holding exactly the frames the link's own codec would have written. */
@Timeout(10)
class AnswerWriterTest {

    private static EmbeddedChannel link() {
        EmbeddedChannel channel = new EmbeddedChannel();
        FrameCodec.install(channel.pipeline());
        return channel;
    }

    private static List<ByteBuf> written(EmbeddedChannel channel) {
        List<ByteBuf> buffers = new ArrayList<>();
        for (Object message; (message = channel.readOutbound()) != null; ) {
            buffers.add((ByteBuf) message);
        }
        return buffers;
    }

    /** What the proxy reads from these bytes. */
    private static List<Frame> decoded(List<ByteBuf> buffers) {
        EmbeddedChannel proxy = link();
        buffers.forEach(proxy::writeInbound);
        List<Frame> frames = new ArrayList<>();
        for (Object frame; (frame = proxy.readInbound()) != null; ) {
            frames.add((Frame) frame);
        }
        proxy.finishAndReleaseAll();
        return frames;
    }

    @Test
    void aBurstOfAnswersIsOneWriteTheProxyReadsAsTheSameFramesInOrder() {
        EmbeddedChannel channel = link();
        AnswerWriter writer = new AnswerWriter();
        List<Frame.Answer> answers = List.of(new Frame.Answer(1, 1, "{\"status\":\"ok\",\"pairs\":[]}\n"),
                new Frame.Answer(2, 7, "ok 1 pair\n  \u00e9t\u00e9,\uD835\uDC00 v\nend\n"),
                new Frame.Answer(1, 2, "{\"id\":3,\"status\":\"ok\",\"pairs\":[]}\n"));
        answers.forEach(answer -> writer.add(channel, answer));
        assertThat(written(channel)).as("nothing leaves before the hand-over").isEmpty();
        writer.handOver();
        channel.flush();
        List<ByteBuf> buffers = written(channel);
        assertThat(buffers).hasSize(1);
        assertThat(decoded(buffers)).isEqualTo(answers);
        assertThat(writer.pendingBytes()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void theBytesAreThoseOfTheCodecsOwnFrames() {
        Frame.Answer answer = new Frame.Answer(5, 9, "ok 0 pairs\nend\n");
        EmbeddedChannel viaCodec = link();
        viaCodec.writeAndFlush(answer);
        ByteBuf expected = io.netty.buffer.Unpooled.buffer();
        written(viaCodec).forEach(buffer -> {
            expected.writeBytes(buffer);
            buffer.release();
        });
        EmbeddedChannel channel = link();
        AnswerWriter writer = new AnswerWriter();
        writer.add(channel, answer);
        writer.handOver();
        channel.flush();
        List<ByteBuf> buffers = written(channel);
        assertThat(io.netty.buffer.ByteBufUtil.equals(buffers.get(0), expected)).isTrue();
        buffers.forEach(ByteBuf::release);
        expected.release();
        channel.finishAndReleaseAll();
        viaCodec.finishAndReleaseAll();
    }

    @Test
    void aLongAnswerIsNotCopiedItsOwnBufferFollowsTheFramesBeforeItAndItsFramesStart() {
        EmbeddedChannel channel = link();
        AnswerWriter writer = new AnswerWriter();
        Frame.Answer small = new Frame.Answer(1, 1, "{\"status\":\"ok\",\"pairs\":[]}\n");
        Frame.Answer longAnswer = new Frame.Answer(2, 4, "y".repeat(AnswerWriter.COPIED_ANSWER_BYTES) + "\n");
        Frame.Answer after = new Frame.Answer(1, 2, "ok 0 pairs\nend\n");
        writer.add(channel, small);
        writer.add(channel, longAnswer);
        longAnswer.answer().release(); // the caller's reference goes once it is framed, as PrimaryNode does
        writer.add(channel, after);
        writer.handOver();
        channel.flush();
        List<ByteBuf> buffers = written(channel);
        assertThat(buffers).hasSize(3);
        assertThat(buffers.get(0).readableBytes()).as("the small answer and the long one's frame start")
                .isLessThan(100);
        assertThat(buffers.get(1).readableBytes()).isEqualTo(AnswerWriter.COPIED_ANSWER_BYTES + 1);
        assertThat(buffers.get(1).unwrap()).as("the answer's own bytes, not a copy").isSameAs(longAnswer.answer());
        assertThat(decoded(buffers)).containsExactly(small,
                new Frame.Answer(2, 4, "y".repeat(AnswerWriter.COPIED_ANSWER_BYTES) + "\n"), after);
        channel.finishAndReleaseAll();
    }

    @Test
    void aLargeBurstIsHandedOverInBoundedPieces() {
        EmbeddedChannel channel = link();
        AnswerWriter writer = new AnswerWriter();
        List<Frame.Answer> answers = new ArrayList<>();
        for (int seq = 1; seq <= 40; seq++) {
            answers.add(new Frame.Answer(3, seq, "x".repeat(4000) + "\n"));
        }
        answers.forEach(answer -> writer.add(channel, answer));
        assertThat(writer.pendingBytes()).isLessThan(AnswerWriter.HAND_OVER_BYTES);
        writer.handOver();
        channel.flush();
        List<ByteBuf> buffers = written(channel);
        assertThat(buffers.size()).isGreaterThan(1);
        assertThat(decoded(buffers)).isEqualTo(answers);
        channel.finishAndReleaseAll();
    }

    @Test
    void answersFramedForALinkThatWasReplacedOrClosedAreDropped() {
        EmbeddedChannel old = link();
        EmbeddedChannel replacement = link();
        AnswerWriter writer = new AnswerWriter();
        writer.add(old, new Frame.Answer(1, 1, "a\n"));
        writer.add(replacement, new Frame.Answer(1, 2, "b\n"));
        writer.handOver();
        old.flush();
        replacement.flush();
        assertThat(written(old)).isEmpty();
        assertThat(decoded(written(replacement))).containsExactly(new Frame.Answer(1, 2, "b\n"));

        writer.add(replacement, new Frame.Answer(1, 3, "c\n"));
        replacement.close();
        writer.handOver();
        assertThat(written(replacement)).isEmpty();
        old.finishAndReleaseAll();
        replacement.finishAndReleaseAll();
    }
}
