package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.codec.frame.FrameType;

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

    /** The writer's next parts, sent when a test runs them (an embedded channel would run them inside its flush). */
    private final java.util.ArrayDeque<Runnable> continuations = new java.util.ArrayDeque<>();

    private AnswerWriter partsWriter() {
        return new AnswerWriter(continuations::add);
    }

    /** Runs the writer's next parts until nothing more leaves: what the link carries, in order. */
    private List<ByteBuf> drained(EmbeddedChannel channel, AnswerWriter writer) {
        List<ByteBuf> buffers = new ArrayList<>();
        writer.handOver();
        channel.flush();
        for (;;) {
            List<ByteBuf> more = written(channel);
            buffers.addAll(more);
            if (continuations.isEmpty() && more.isEmpty()) {
                return buffers;
            }
            for (Runnable next = continuations.poll(); next != null; next = continuations.poll()) {
                next.run();
            }
        }
    }

    /** The answers the proxy relays from these frames: each connection's parts joined to the ANSWER that ends them. */
    private static List<Frame.Answer> joined(List<Frame> frames) {
        java.util.Map<Long, StringBuilder> parts = new java.util.HashMap<>();
        List<Frame.Answer> answers = new ArrayList<>();
        for (Frame frame : frames) {
            if (frame instanceof Frame.AnswerPart part) {
                parts.computeIfAbsent(part.conn(), conn -> new StringBuilder())
                        .append(part.part().toString(java.nio.charset.StandardCharsets.UTF_8));
            } else if (frame instanceof Frame.Answer answer) {
                StringBuilder before = parts.remove(answer.conn());
                answers.add(new Frame.Answer(answer.conn(), answer.seq(),
                        (before == null ? "" : before.toString()) + answer.answerText()));
            }
        }
        assertThat(parts).as("every answer in parts ended").isEmpty();
        return answers;
    }

    private static String longText(char fill, int bytes) {
        return String.valueOf(fill).repeat(bytes - 1) + "\n";
    }

    @Test
    void aLongAnswerGoesInPartsOneAtATimeAndOtherConnectionsAnswersGoBetweenThem() {
        EmbeddedChannel channel = link();
        AnswerWriter writer = partsWriter();
        Frame.Answer scan = new Frame.Answer(1, 1, longText('x', 3 * AnswerWriter.PART_BYTES + 10));
        writer.add(channel, scan);
        scan.answer().release(); // the caller's reference goes once it is framed, as PrimaryNode does
        writer.handOver();
        channel.flush();
        List<Frame> first = decoded(written(channel));
        assertThat(first).hasSize(1).first().isInstanceOf(Frame.AnswerPart.class);
        assertThat(((Frame.AnswerPart) first.get(0)).part().readableBytes()).isEqualTo(AnswerWriter.PART_BYTES);

        Frame.Answer small = new Frame.Answer(2, 5, "{\"status\":\"ok\",\"pairs\":[]}\n");
        Frame.Answer sameConnection = new Frame.Answer(1, 2, "{\"status\":\"ok\",\"pairs\":[]}\n");
        writer.add(channel, small);
        writer.add(channel, sameConnection);
        List<Frame> rest = decoded(drained(channel, writer));
        assertThat(rest.get(0)).as("the other connection's answer goes before the next part").isEqualTo(small);
        assertThat(rest.subList(1, rest.size())).extracting(Frame::type).containsExactly(FrameType.ANSWER_PART,
                FrameType.ANSWER_PART, FrameType.ANSWER, FrameType.ANSWER);
        List<Frame> all = new ArrayList<>(first);
        all.addAll(rest);
        assertThat(joined(all)).containsExactly(small,
                new Frame.Answer(1, 1, longText('x', 3 * AnswerWriter.PART_BYTES + 10)), sameConnection);
        assertThat(writer.answersInParts()).isZero();
        all.forEach(frame -> (frame instanceof Frame.AnswerPart part ? part.part() : ((Frame.Answer) frame).answer())
                .release());
        assertThat(scan.answer().refCnt()).as("every slice released once read").isZero();
        channel.finishAndReleaseAll();
    }

    /** What waits to go out is counted, so that serving can wait while it is much; parts going out count it down. */
    @Test
    void theBytesOfLongAnswersWaitingToGoOutAreCountedDownAsTheirPartsGoOut() {
        EmbeddedChannel channel = link();
        AnswerWriter writer = partsWriter();
        AtomicInteger partsOut = new AtomicInteger();
        writer.onPartOut(partsOut::incrementAndGet);
        int longBytes = 3 * AnswerWriter.PART_BYTES + 10;
        Frame.Answer scan = new Frame.Answer(1, 1, longText('x', longBytes));
        Frame.Answer behind = new Frame.Answer(1, 2, "{\"status\":\"ok\",\"pairs\":[]}\n");
        writer.add(channel, scan);
        writer.add(channel, behind);
        scan.answer().release();
        behind.answer().release();
        assertThat(writer.waitingBytes()).as("the answer behind it: not the one going out in parts")
                .isEqualTo(behind.answer().capacity());
        Frame.Answer second = new Frame.Answer(2, 1, longText('z', longBytes));
        writer.add(channel, second);
        second.answer().release();
        assertThat(writer.waitingBytes()).as("a second long answer waits whole")
                .isEqualTo(behind.answer().capacity() + longBytes);
        List<ByteBuf> out = drained(channel, writer);
        assertThat(writer.waitingBytes()).isZero();
        assertThat(partsOut).as("three parts and the last piece of each").hasValue(8);
        out.forEach(ByteBuf::release);

        writer.add(channel, new Frame.Answer(3, 1, longText('y', longBytes)));
        writer.discard();
        assertThat(writer.waitingBytes()).as("dropped with the link").isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void longAnswersTakeTurnsAPartEach() {
        EmbeddedChannel channel = link();
        AnswerWriter writer = partsWriter();
        writer.add(channel, new Frame.Answer(1, 1, longText('a', 2 * AnswerWriter.PART_BYTES + 1)));
        writer.add(channel, new Frame.Answer(2, 1, longText('b', 2 * AnswerWriter.PART_BYTES + 1)));
        List<Frame> frames = decoded(drained(channel, writer));
        assertThat(frames).extracting(frame -> frame instanceof Frame.AnswerPart part ? part.conn()
                : ((Frame.Answer) frame).conn()).containsExactly(1L, 2L, 1L, 2L, 1L, 2L);
        assertThat(joined(frames)).containsExactly(new Frame.Answer(1, 1, longText('a', 2 * AnswerWriter.PART_BYTES + 1)),
                new Frame.Answer(2, 1, longText('b', 2 * AnswerWriter.PART_BYTES + 1)));
        channel.finishAndReleaseAll();
    }

    @Test
    void handingOverAllWritesWhatIsLeftOfAnAnswerInPartsAtOnceBeforeAFrameThatMustFollowIt() {
        EmbeddedChannel channel = link();
        AnswerWriter writer = partsWriter();
        Frame.Answer scan = new Frame.Answer(1, 1, longText('x', 4 * AnswerWriter.PART_BYTES));
        writer.add(channel, scan);
        writer.handOverAll();
        channel.writeAndFlush(new Frame.SteppedDown(9));
        List<Frame> frames = decoded(written(channel));
        assertThat(frames).extracting(Frame::type).containsExactly(FrameType.ANSWER_PART, FrameType.ANSWER,
                FrameType.STEPPED_DOWN);
        assertThat(joined(frames)).containsExactly(scan);
        continuations.forEach(Runnable::run);
        assertThat(written(channel)).as("nothing is sent twice").isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void anAnswerInPartsForALinkThatClosedIsReleased() {
        EmbeddedChannel channel = link();
        AnswerWriter writer = partsWriter();
        Frame.Answer scan = new Frame.Answer(1, 1, longText('x', 3 * AnswerWriter.PART_BYTES));
        writer.add(channel, scan);
        writer.add(channel, new Frame.Answer(1, 2, "ok\n"));
        scan.answer().release();
        writer.handOver();
        channel.flush();
        written(channel).forEach(ByteBuf::release);
        channel.close();
        continuations.forEach(Runnable::run);
        writer.handOver();
        assertThat(writer.answersInParts()).isZero();
        assertThat(scan.answer().refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void theCompletionOfAPartWhoseRestWentAtOnceDoesNotSendAnotherAnswersNextPart() {
        EmbeddedChannel channel = link();
        AnswerWriter writer = partsWriter();
        writer.add(channel, new Frame.Answer(1, 1, longText('a', 3 * AnswerWriter.PART_BYTES)));
        writer.handOver();
        channel.flush();
        Runnable firstPartOut = continuations.poll();
        writer.handOverAll(); // before a REPLICA: the rest of it goes at once
        channel.flush();
        writer.add(channel, new Frame.Answer(2, 1, longText('b', 3 * AnswerWriter.PART_BYTES)));
        writer.handOver();
        channel.flush();
        List<Frame> frames = decoded(written(channel));
        assertThat(frames).as("a's first part, the rest of a as one ANSWER, b's first part").extracting(Frame::type)
                .containsExactly(FrameType.ANSWER_PART, FrameType.ANSWER, FrameType.ANSWER_PART);

        firstPartOut.run();
        assertThat(written(channel)).as("one part on its way at a time").isEmpty();
        List<Frame> rest = decoded(drained(channel, writer));
        assertThat(rest).extracting(Frame::type).containsExactly(FrameType.ANSWER_PART, FrameType.ANSWER);
        frames.addAll(rest);
        assertThat(joined(frames)).containsExactly(new Frame.Answer(1, 1, longText('a', 3 * AnswerWriter.PART_BYTES)),
                new Frame.Answer(2, 1, longText('b', 3 * AnswerWriter.PART_BYTES)));
        channel.finishAndReleaseAll();
    }

    /** Heap buffers that run out of memory (as direct memory does) while {@link #exhausted} is set. */
    private static final class ExhaustibleAllocator extends AbstractByteBufAllocator {
        boolean exhausted;

        ExhaustibleAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, initialCapacity, maxCapacity) {
                @Override
                protected byte[] allocateArray(int length) {
                    if (exhausted) {
                        throw new OutOfMemoryError("Cannot reserve " + length + " bytes of direct buffer memory");
                    }
                    return new byte[length];
                }
            };
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static EmbeddedChannel link(ExhaustibleAllocator allocator) {
        EmbeddedChannel channel = link();
        channel.config().setOption(ChannelOption.ALLOCATOR, allocator);
        return channel;
    }

    @Test
    void memoryThatRunsOutWhileAnAnswerIsFramedClosesTheLinkWithNoHalfFrameOnIt() {
        ExhaustibleAllocator allocator = new ExhaustibleAllocator();
        EmbeddedChannel channel = link(allocator);
        AnswerWriter writer = new AnswerWriter();
        writer.add(channel, new Frame.Answer(1, 1, "ok 0 pairs\nend\n"));
        writer.handOver();
        channel.flush(); // on its way: it arrives whole
        writer.add(channel, new Frame.Answer(1, 2, "ok 0 pairs\nend\n"));
        allocator.exhausted = true;
        // about 56 KB: the burst's buffer must grow, and memory has run out
        Frame.Answer large = new Frame.Answer(2, 1, "ok 2000 pairs\n" + "  k,1 value000000000000001\n".repeat(2000)
                + "end\n");
        writer.add(channel, large);
        allocator.exhausted = false;
        writer.add(channel, new Frame.Answer(3, 1, "ok 0 pairs\nend\n"));
        writer.handOver();
        // before, a zero length (the placeholder) went out with half a frame: the proxy read an "empty frame" and
        // failed over; now the link closes, and the proxy resends what is unanswered to the primary that registers again
        assertThat(channel.isOpen()).isFalse();
        assertThat(decoded(written(channel))).containsExactly(new Frame.Answer(1, 1, "ok 0 pairs\nend\n"));
        assertThat(writer.pendingBytes()).isZero();
        large.answer().release();
        channel.finishAndReleaseAll();
    }

    @Test
    void memoryThatRunsOutBeforeAPartClosesTheLinkAndLetsTheAnswerGo() {
        ExhaustibleAllocator allocator = new ExhaustibleAllocator();
        EmbeddedChannel channel = link(allocator);
        AnswerWriter writer = new AnswerWriter(Runnable::run);
        Frame.Answer inParts = new Frame.Answer(1, 1, "x".repeat(AnswerWriter.PART_BYTES + 10) + "\n");
        Frame.Answer another = new Frame.Answer(2, 1, "y".repeat(AnswerWriter.PART_BYTES - 10) + "\n");
        allocator.exhausted = true;
        writer.add(channel, inParts); // its first part's header cannot be allocated
        writer.add(channel, another); // nor a buffer for the next answer on the closed link
        assertThat(channel.isOpen()).isFalse();
        assertThat(writer.answersInParts()).isZero();
        assertThat(inParts.answer().refCnt()).as("the writer's references released").isEqualTo(1);
        assertThat(another.answer().refCnt()).isEqualTo(1);
        inParts.answer().release();
        another.answer().release();
        channel.finishAndReleaseAll();
    }
}
