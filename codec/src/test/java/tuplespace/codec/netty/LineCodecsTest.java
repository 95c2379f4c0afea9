package tuplespace.codec.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LineCodecsTest {

    @Test
    void requestLinesArriveWithoutTerminatorAndAnswersLeaveAsUtf8() {
        EmbeddedChannel channel = new EmbeddedChannel();
        LineCodecs.addRequestLineCodec(channel.pipeline());
        channel.writeInbound(Unpooled.copiedBuffer("GET é .*\r\n{\"op\":\"GET\"}\nPU", StandardCharsets.UTF_8));
        assertThat((String) channel.readInbound()).isEqualTo("GET é .*");
        assertThat((String) channel.readInbound()).isEqualTo("{\"op\":\"GET\"}");
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeOutbound("ok 0 pairs\nend\n");
        ByteBuf out = channel.readOutbound();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ok 0 pairs\nend\n");
        out.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void aLineOverTheLimitFailsFastAndTheNextLineIsStillRead() {
        EmbeddedChannel channel = new EmbeddedChannel();
        LineCodecs.addRequestLineCodec(channel.pipeline(), 8);
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer("GET aaaaaaaaaa", StandardCharsets.UTF_8)))
                .isInstanceOf(TooLongFrameException.class);
        channel.writeInbound(Unpooled.copiedBuffer("aaa\nGET a b\n", StandardCharsets.UTF_8));
        assertThat((String) channel.readInbound()).isEqualTo("GET a b");
        channel.finishAndReleaseAll();
    }

    @Test
    void theDefaultLimitIsOneMebibyte() {
        assertThat(LineCodecs.DEFAULT_MAX_LINE_BYTES).isEqualTo(1 << 20);
        EmbeddedChannel channel = new EmbeddedChannel();
        LineCodecs.addRequestLineCodec(channel.pipeline());
        String big = "x".repeat((1 << 20) - 1);
        channel.writeInbound(Unpooled.copiedBuffer(big + "\n", StandardCharsets.UTF_8));
        assertThat((String) channel.readInbound()).hasSize((1 << 20) - 1);
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer(big + "yy\n", StandardCharsets.UTF_8)))
                .isInstanceOf(TooLongFrameException.class);
        channel.finishAndReleaseAll();
    }

    @Test
    void clientSideGroupsAnswers() {
        EmbeddedChannel channel = new EmbeddedChannel();
        LineCodecs.addAnswerCodec(channel.pipeline());
        channel.writeInbound(Unpooled.copiedBuffer("ok 0 pairs\nend\n", StandardCharsets.UTF_8));
        assertThat((String) channel.readInbound()).isEqualTo("ok 0 pairs\nend\n");
        channel.finishAndReleaseAll();
    }
}
