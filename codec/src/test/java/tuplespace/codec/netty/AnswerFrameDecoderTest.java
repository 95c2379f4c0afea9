package tuplespace.codec.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AnswerFrameDecoderTest {

    private static void write(EmbeddedChannel channel, String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    @Test
    void jsonAndTextAnswersOnOneConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new AnswerFrameDecoder());
        write(channel, "{\"id\":1,\"status\":\"ok\",\"pairs\":[]}\nok 2 pairs\n  user,1 alice\n  user,2 b\nend\n"
                + "malformed: expected x, found y\nend\n{\"status\":\"ok\",\"pairs\":[]}\n");
        assertThat((String) channel.readInbound()).isEqualTo("{\"id\":1,\"status\":\"ok\",\"pairs\":[]}\n");
        assertThat((String) channel.readInbound()).isEqualTo("ok 2 pairs\n  user,1 alice\n  user,2 b\nend\n");
        assertThat((String) channel.readInbound()).isEqualTo("malformed: expected x, found y\nend\n");
        assertThat((String) channel.readInbound()).isEqualTo("{\"status\":\"ok\",\"pairs\":[]}\n");
        assertThat((Object) channel.readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aFirstLineWithoutAStatusWordIsHandedOnAloneNotHeldForAnEndThatNeverComes() {
        EmbeddedChannel channel = new EmbeddedChannel(new AnswerFrameDecoder());
        // what a proxy's admin port says to a request line: no answer, and nothing follows it
        write(channel, "error: expected SHUTDOWN, STATUS, PROMOTE or SWITCHOVER, found 'GET .* .*'\n");
        assertThat((String) channel.readInbound())
                .isEqualTo("error: expected SHUTDOWN, STATUS, PROMOTE or SWITCHOVER, found 'GET .* .*'\n");
        write(channel, "okay\nunavailable: no primary\nend\n");
        assertThat((String) channel.readInbound()).isEqualTo("okay\n");
        assertThat((String) channel.readInbound()).isEqualTo("unavailable: no primary\nend\n");
        assertThat((Object) channel.readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void answersSplitAcrossReadsAreReassembled() {
        EmbeddedChannel channel = new EmbeddedChannel(new AnswerFrameDecoder());
        String answer = "ok 1 pair\n  é,٣ x\nwarning: w\nnote: n\nend\n";
        byte[] bytes = (answer + "{\"status\":\"ok\"}\n").getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) { // one byte at a time, splitting a multi-byte character too
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat((String) channel.readInbound()).isEqualTo(answer);
        assertThat((String) channel.readInbound()).isEqualTo("{\"status\":\"ok\"}\n");
        channel.finishAndReleaseAll();
    }

    @Test
    void aPairLineOrALineStartingWithEndIsNotTheEnd() {
        EmbeddedChannel channel = new EmbeddedChannel(new AnswerFrameDecoder());
        write(channel, "ok 1 pair\n  end x\nendless\n");
        assertThat((Object) channel.readInbound()).isNull();
        write(channel, "end\r\n");
        assertThat((String) channel.readInbound()).isEqualTo("ok 1 pair\n  end x\nendless\nend\n");
        channel.finishAndReleaseAll();
    }

    @Test
    void crlfBecomesLf() {
        EmbeddedChannel channel = new EmbeddedChannel(new AnswerFrameDecoder());
        write(channel, "{\"status\":\"ok\"}\r\nok 0 pairs\r\nend\r\n");
        assertThat((String) channel.readInbound()).isEqualTo("{\"status\":\"ok\"}\n");
        assertThat((String) channel.readInbound()).isEqualTo("ok 0 pairs\nend\n");
        channel.finishAndReleaseAll();
    }

    @Test
    void anAnswerLongerThanTheLimitFails() {
        EmbeddedChannel channel = new EmbeddedChannel(new AnswerFrameDecoder(16));
        assertThatThrownBy(() -> write(channel, "ok 3 pairs\n  a b\n  c d\n")).isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("at most 16 bytes");
        channel.finishAndReleaseAll();
    }

    /** One that arrives whole in one read is refused as well: the limit is the answer's length, not the read's. */
    @Test
    void aWholeAnswerLongerThanTheLimitFailsToo() {
        EmbeddedChannel channel = new EmbeddedChannel(new AnswerFrameDecoder(16));
        assertThatThrownBy(() -> write(channel, "ok 1 pair\n  a bcdefgh\nend\n"))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("expected an answer of at most 16 bytes, found one of 26 bytes");
        channel.finishAndReleaseAll();
    }
}
