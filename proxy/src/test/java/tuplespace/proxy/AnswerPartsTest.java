package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameType;
import tuplespace.codec.frame.OversizeFrame;

/** A long answer's parts and the ANSWER that ends them leave the link's pipeline as one ANSWER, others pass by. */
@Timeout(10)
class AnswerPartsTest {

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static List<Object> read(EmbeddedChannel channel) {
        List<Object> messages = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            messages.add(message);
        }
        return messages;
    }

    @Test
    void partsAndTheirAnswerBecomeOneAnswerWhileOtherFramesGoBetween() {
        EmbeddedChannel link = new EmbeddedChannel(new AnswerParts(1 << 20, () -> true));
        ByteBuf first = text("{\"status\":\"ok\",\"pairs\":[[[\"k\",\"1\"],");
        link.writeInbound(new Frame.AnswerPart(7, 3, first));
        link.writeInbound(new Frame.Answer(8, 1, "{\"status\":\"ok\",\"pairs\":[]}\n"), new Frame.Ping(5));
        link.writeInbound(new Frame.AnswerPart(7, 3, text("[\"v\"]]")));
        assertThat(read(link)).containsExactly(new Frame.Answer(8, 1, "{\"status\":\"ok\",\"pairs\":[]}\n"),
                new Frame.Ping(5));

        link.writeInbound(new Frame.Answer(7, 3, "]}\n"));
        List<Object> joined = read(link);
        assertThat(joined).containsExactly(
                new Frame.Answer(7, 3, "{\"status\":\"ok\",\"pairs\":[[[\"k\",\"1\"],[\"v\"]]]}\n"));
        ((Frame.Answer) joined.get(0)).answer().release();
        assertThat(first.refCnt()).as("released with the joined answer").isZero();

        link.writeInbound(new Frame.Answer(7, 4, "ok\n"));
        assertThat(read(link)).as("the connection's next answer is whole").containsExactly(new Frame.Answer(7, 4, "ok\n"));
        assertThat(link.finish()).isFalse();
    }

    @Test
    void aJoinedAnswerOverTheLimitIsReportedAsOversizeAndItsPartsAreNotKept() {
        EmbeddedChannel link = new EmbeddedChannel(new AnswerParts(100, () -> true));
        ByteBuf first = text("x".repeat(60));
        ByteBuf second = text("y".repeat(60));
        link.writeInbound(new Frame.AnswerPart(7, 3, first));
        link.writeInbound(new Frame.AnswerPart(7, 3, second));
        assertThat(first.refCnt()).as("dropped once over the limit").isZero();
        assertThat(second.refCnt()).isZero();
        link.writeInbound(new Frame.Answer(7, 3, "z\n"));
        assertThat(read(link)).containsExactly(new OversizeFrame(FrameType.ANSWER.code(), 7, 3, 21 + 122));
        assertThat(link.finish()).isFalse();
    }

    @Test
    void partsOfAnotherSeqOfTheSameConnectionBreakTheProtocol() {
        EmbeddedChannel link = new EmbeddedChannel(new AnswerParts(1 << 20, () -> true));
        link.writeInbound(new Frame.AnswerPart(7, 3, text("abc")));
        ByteBuf stray = text("def");
        assertThatThrownBy(() -> link.writeInbound(new Frame.AnswerPart(7, 4, stray)))
                .isInstanceOf(DecoderException.class).hasMessageContaining("expected seq 3");
        assertThat(stray.refCnt()).isZero();
        link.finishAndReleaseAll();
    }

    @Test
    void partsOfAnAnswerTheLinkNeverFinishedAreReleasedWhenItCloses() {
        EmbeddedChannel link = new EmbeddedChannel(new AnswerParts(1 << 20, () -> true));
        ByteBuf part = text("abc");
        link.writeInbound(new Frame.AnswerPart(7, 3, part));
        link.close();
        assertThat(part.refCnt()).isZero();
        assertThat(read(link)).isEmpty();
    }

    @Test
    void aPartTooLongToReadMakesItsAnswerOversize() {
        EmbeddedChannel link = new EmbeddedChannel(new AnswerParts(100, () -> true));
        ByteBuf first = text("x".repeat(40));
        link.writeInbound(new Frame.AnswerPart(7, 3, first));
        link.writeInbound(new OversizeFrame(FrameType.ANSWER_PART.code(), 7, 3, 21 + 300));
        assertThat(first.refCnt()).isZero();
        link.writeInbound(new Frame.Answer(7, 3, "z\n"));
        assertThat(read(link)).containsExactly(new OversizeFrame(FrameType.ANSWER.code(), 7, 3, 21 + 342));
        assertThat(link.finish()).isFalse();
    }

    @Test
    void partsFromALinkThatIsNotTheRegisteredPrimarysAreDroppedAtOnce() {
        EmbeddedChannel link = new EmbeddedChannel(new AnswerParts(1 << 20, () -> false));
        ByteBuf part = text("abc");
        link.writeInbound(new Frame.AnswerPart(7, 3, part));
        assertThat(part.refCnt()).isZero();
        link.writeInbound(new Frame.Answer(7, 3, "d\n"));
        List<Object> passed = read(link);
        assertThat(passed).as("left to the handler, which drops it").containsExactly(new Frame.Answer(7, 3, "d\n"));
        ((Frame.Answer) passed.get(0)).answer().release();
        assertThat(link.finish()).isFalse();
    }
}
