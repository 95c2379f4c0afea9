package tuplespace.codec.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsGateTest {

    /** What TLS says of a peer it does not trust, or that does not trust this side, is a refusal. */
    @Test
    void anUntrustedCertificateOrAnAlertIsARefusal() {
        assertThat(TlsGate.isRefusal(new SSLHandshakeException("PKIX path building failed"))).isTrue();
        assertThat(TlsGate.isRefusal(new SSLHandshakeException("Received fatal alert: bad_certificate"))).isTrue();
        assertThat(TlsGate.isRefusal(new SSLHandshakeException("Empty client certificate chain"))).isTrue();
    }

    /** A connection that ended before the handshake could, or never opened, is an outage, not a refusal. */
    @Test
    void aConnectionThatEndedFirstIsNoRefusal() {
        assertThat(TlsGate.isRefusal(new ClosedChannelException())).isFalse();
        assertThat(TlsGate.isRefusal(new SSLException("SslHandler removed before handshake completed"))).isFalse();
        assertThat(TlsGate.isRefusal(new java.io.IOException("Connection reset by peer"))).isFalse();
    }

    private static final String REFUSAL = "refused: plain text only\n";
    /** A TLS 1.2 ClientHello record's header and the start of its body, in two reads. */
    private static final byte[] HELLO_FIRST = {22};
    private static final byte[] HELLO_REST = {3, 1, 0, 5, 1, 0, 0, 1, 3};

    private final List<String> refusals = new ArrayList<>();

    private EmbeddedChannel plainPort() {
        return new EmbeddedChannel(TlsGate.plainPort(REFUSAL, (peer, why) -> refusals.add(why)));
    }

    /** A TLS handshake on a plain-text port is refused with the port's answer, even when its bytes come one by one. */
    @Test
    void aPlainPortRefusesATlsHandshake() {
        EmbeddedChannel channel = plainPort();
        channel.writeInbound(Unpooled.wrappedBuffer(HELLO_FIRST));
        assertThat(channel.isOpen()).isTrue();
        // the rest, and more read before the close: dropped too
        channel.writeInbound(Unpooled.wrappedBuffer(HELLO_REST), Unpooled.wrappedBuffer(HELLO_REST));

        assertThat((Object) channel.readInbound()).as("nothing passed on").isNull();
        ByteBuf answer = channel.readOutbound();
        assertThat(answer.toString(StandardCharsets.UTF_8)).isEqualTo(REFUSAL);
        answer.release();
        assertThat(channel.isOpen()).isFalse();
        assertThat(refusals).containsExactly("a TLS handshake on a plain-text port");
    }

    /** Everything else passes untouched: requests, and garbage whose first byte only is a handshake record's. */
    @Test
    void aPlainPortPassesEverythingElse() {
        for (String input : List.of("GET a .*\n", "{\"op\":\"GET\"}\n", "\u0016\n", "x")) {
            EmbeddedChannel channel = plainPort();
            channel.writeInbound(Unpooled.copiedBuffer(input, StandardCharsets.UTF_8));
            assertThat(received(channel)).as("what %s passed on", input.strip()).isEqualTo(input);
            assertThat(channel.pipeline().first()).as("the gate left").isNull();
            channel.finishAndReleaseAll();
        }
        assertThat(refusals).isEmpty();
    }

    /** Input that ends before the gate could tell goes on as it came, for the next decoder to answer. */
    @Test
    void aPlainPortPassesABeginningItCouldNotTellWhenTheInputEnds() {
        EmbeddedChannel channel = plainPort();
        channel.writeInbound(Unpooled.wrappedBuffer(HELLO_FIRST));
        assertThat((Object) channel.readInbound()).as("held until the next byte").isNull();
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(received(channel)).isEqualTo("\u0016");
        assertThat(refusals).isEmpty();
    }

    private static String received(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (ByteBuf part = channel.readInbound(); part != null; part = channel.readInbound()) {
            text.append(part.toString(StandardCharsets.UTF_8));
            part.release();
        }
        return text.toString();
    }
}
