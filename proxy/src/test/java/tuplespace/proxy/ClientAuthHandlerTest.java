package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientAuthHandlerTest {

    private static final ClientToken TOKEN = ClientToken.of("a client token of some length");

    /** Stands for the line decoder and front end: whether the client was admitted, and what it read. */
    private static final class FrontEnd extends ChannelInboundHandlerAdapter {
        boolean admitted;
        final StringBuilder read = new StringBuilder();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            admitted = true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            read.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }
    }

    private final FrontEnd frontEnd = new FrontEnd();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ClientAuthHandler(TOKEN), frontEnd);

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    private String written() {
        StringBuilder text = new StringBuilder();
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            text.append(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return text.toString();
    }

    @Test
    void aTextAuthWithTheTokenAdmitsTheClientAndPassesWhatFollows() {
        assertThat(frontEnd.admitted).as("no client slot before AUTH").isFalse();
        send("AUTH a client token of some length\r\nGET k .*\n");
        assertThat(written()).isEqualTo("ok authenticated\nend\n");
        assertThat(frontEnd.admitted).isTrue();
        assertThat(frontEnd.read.toString()).isEqualTo("GET k .*\n");
        assertThat(channel.pipeline().get(ClientAuthHandler.class)).isNull();
    }

    @Test
    void aJsonAuthWithTheTokenIsAnsweredInJsonWithItsId() {
        send("{\"id\":7,\"op\":\"AUTH\",\"token\":\"a client token of some length\"}\n");
        assertThat(written()).isEqualTo("{\"id\":7,\"status\":\"ok\"}\n");
        assertThat(frontEnd.admitted).isTrue();
    }

    @Test
    void aJsonAuthsNumericIdIsEchoedAsWritten() {
        send("{\"id\":1.50,\"op\":\"AUTH\",\"token\":\"a client token of some length\"}\n");
        assertThat(written()).isEqualTo("{\"id\":1.50,\"status\":\"ok\"}\n");
    }

    @Test
    void aWrongTokenIsRefusedInTheLinesModeAndClosed() {
        send("{\"id\":1,\"op\":\"AUTH\",\"token\":\"guess\"}\n");
        assertThat(written()).isEqualTo("{\"id\":1,\"status\":\"refused\",\"error\":\"service refused: the token is wrong\"}\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(frontEnd.admitted).isFalse();
    }

    @Test
    void aRequestWithoutAuthIsRefused() {
        send("GET k .*\n");
        assertThat(written()).isEqualTo("refused: service refused: expected AUTH <token> as the first line, found a GET"
                + " request\nend\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(frontEnd.read.toString()).isEmpty();
    }

    /** The op a refusal names is cut short and its control characters spelled out: it may reach a terminal. */
    @Test
    void aRequestWithoutAuthIsNamedSafely() {
        send("{\"id\":2,\"op\":\"get\\u001b[2Jand a long tail\",\"key\":\"k\"}\n");
        assertThat(written()).isEqualTo("{\"id\":2,\"status\":\"refused\",\"error\":\"service refused: expected"
                + " {\\\"op\\\":\\\"AUTH\\\",\\\"token\\\":\\\"...\\\"} as the first line, found a"
                + " GET\\\\x1b[2JAND A LONG TA... request\"}\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aSilentClientIsClosedAfterTheBound() {
        channel.advanceTimeBy(ClientAuthHandler.LIMIT.toMillis() / 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(ClientAuthHandler.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(written()).isEqualTo("{\"status\":\"refused\",\"error\":\"service refused: expected AUTH <token> as"
                + " the first line within 5000 ms, found nothing\"}\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(frontEnd.admitted).isFalse();
    }

    /** A client that began its line and stalled is told what was found: not "nothing". */
    @Test
    void aClientStalledMidLineIsToldItsLineHadNoEnd() {
        send("AUTH abcdef");
        channel.advanceTimeBy(ClientAuthHandler.LIMIT.toMillis() + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(written()).isEqualTo("{\"status\":\"refused\",\"error\":\"service refused: expected AUTH <token> as"
                + " the first line within 5000 ms, found 11 bytes without a newline after them\"}\n");
        assertThat(channel.isOpen()).isFalse();
    }

    /** Bytes that are not UTF-8 are named, as on any request line, not shown as replacement characters. */
    @Test
    void aFirstLineThatIsNotUtf8NamesTheByte() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, (byte) 0xFE, '\n'}));
        assertThat(written()).isEqualTo("{\"status\":\"refused\",\"error\":\"service refused: expected a request line"
                + " in UTF-8, found the byte 0xFF at byte 1 of the line, which is not UTF-8 there\"}\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(frontEnd.admitted).isFalse();
    }
}
