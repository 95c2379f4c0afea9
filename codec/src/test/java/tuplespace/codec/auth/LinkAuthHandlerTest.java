package tuplespace.codec.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LinkAuthHandlerTest {

    private static final ClusterSecret SECRET = ClusterSecret.of("the cluster secret, 32 bytes long");
    private final List<String> refusals = new ArrayList<>();
    private final LinkAuthHandler.RefusalListener listener = (peer, role, connecting, reason) -> refusals.add(reason);

    /** What the handlers behind the auth handler see: whether the link became active, and the bytes read. */
    private static final class Behind extends ChannelInboundHandlerAdapter {
        boolean active;
        final StringBuilder read = new StringBuilder();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            read.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }
    }

    private static String take(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            if (out instanceof ByteBuf bytes) {
                text.append(bytes.toString(StandardCharsets.UTF_8));
                bytes.release();
            } else {
                text.append(out);
            }
        }
        return text.toString();
    }

    private static void send(EmbeddedChannel to, String text) {
        to.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Moves bytes both ways until neither side has more to say. */
    private static void shuttle(EmbeddedChannel a, EmbeddedChannel b) {
        for (int round = 0; round < 10; round++) {
            String ab = take(a);
            String ba = take(b);
            if (ab.isEmpty() && ba.isEmpty()) {
                return;
            }
            if (!ab.isEmpty() && b.isOpen()) {
                send(b, ab);
            }
            if (!ba.isEmpty() && a.isOpen()) {
                send(a, ba);
            }
        }
    }

    @Test
    void writesWaitForTheHandshakeAndBytesAfterItReachTheHandlersBehind() {
        Behind connectorBehind = new Behind();
        Behind acceptorBehind = new Behind();
        EmbeddedChannel connector = new EmbeddedChannel(
                LinkAuthHandler.connecting(SECRET, LinkRole.PRIMARY, listener), connectorBehind);
        EmbeddedChannel acceptor = new EmbeddedChannel(
                LinkAuthHandler.accepting(SECRET, LinkRole.PRIMARY, listener), acceptorBehind);
        // the connector's owner writes its first frame at once: it must not leave before the acceptor proved itself
        connector.writeAndFlush(Unpooled.copiedBuffer("REGISTER\n", StandardCharsets.UTF_8));
        String hello = take(connector);
        assertThat(hello).startsWith("TSAUTH1 HELLO primary ").doesNotContain("REGISTER");
        assertThat(connectorBehind.active).isFalse();

        send(acceptor, hello);
        shuttle(connector, acceptor);

        assertThat(refusals).isEmpty();
        assertThat(connectorBehind.active).isTrue();
        assertThat(acceptorBehind.active).isTrue();
        assertThat(acceptorBehind.read.toString()).isEqualTo("REGISTER\n");
        assertThat(connector.pipeline().get(LinkAuthHandler.class)).isNull();
        assertThat(acceptor.pipeline().get(LinkAuthHandler.class)).isNull();
    }

    /**
     * A primary started without the cluster secret, whose proxy has one: the proxy's refusal line used to reach the
     * frame decoder, which read its first bytes as a frame's length and logged "frame too long". The guard of a link
     * without a secret reads it as the refusal it is, and names the option on both sides.
     */
    @Test
    void aSideWithoutTheSecretReadsTheRefusalOfAPeerWithItAsSuch() {
        Behind plainBehind = new Behind();
        EmbeddedChannel plain = new EmbeddedChannel(PlainLinkGuard.connecting(LinkRole.PRIMARY, listener), plainBehind);
        EmbeddedChannel withSecret = new EmbeddedChannel(LinkAuthHandler.accepting(SECRET, LinkRole.PRIMARY, listener));
        plain.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 9, 1})); // a REGISTER frame's first bytes
        String refusal = take(plain);
        send(withSecret, refusal);
        String answer = take(withSecret);
        assertThat(answer).startsWith("refused: this port requires the cluster secret handshake");
        // in two reads, as TCP may deliver it
        send(plain, answer.substring(0, 4));
        assertThat(plain.isOpen()).isTrue();
        send(plain, answer.substring(4));

        assertThat(plain.isOpen()).isFalse();
        assertThat(plainBehind.read.toString()).as("what the frame decoder would have read").isEmpty();
        assertThat(LinkAuthHandler.refusal(plain)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("the peer refused the link (this port requires the cluster secret handshake")
                .endsWith("it is started with --cluster-secret-file and this process without; give both the same one"));
        assertThat(refusals).hasSize(2).last().isEqualTo(LinkAuthHandler.refusal(plain).orElseThrow());
    }

    /** A refusal for another reason (a TLS port, a bare line) is relayed as the peer said it, blaming no secret. */
    @Test
    void aSideWithoutTheSecretRelaysAnotherRefusalAsThePeerSaidIt() {
        EmbeddedChannel toTls = new EmbeddedChannel(PlainLinkGuard.connecting(LinkRole.PRIMARY, listener));
        send(toTls, "refused: this port requires TLS (--tls-cert, --tls-key, --tls-ca)\r\n");
        assertThat(LinkAuthHandler.refusal(toTls))
                .hasValue("the peer refused the link (this port requires TLS (--tls-cert, --tls-key, --tls-ca))");
        EmbeddedChannel bare = new EmbeddedChannel(PlainLinkGuard.connecting(LinkRole.PRIMARY, listener));
        send(bare, "refused: \n");
        assertThat(bare.isOpen()).isFalse();
        assertThat(LinkAuthHandler.refusal(bare)).hasValue("the peer refused the link ()");
    }

    @Test
    void aSideWithoutTheSecretRefusesTheHandshakeOfAPeerWithItNamingTheOption() {
        Behind plainBehind = new Behind();
        EmbeddedChannel withSecret = new EmbeddedChannel(LinkAuthHandler.connecting(SECRET, LinkRole.REPLICATION,
                listener));
        EmbeddedChannel plain = new EmbeddedChannel(PlainLinkGuard.accepting(LinkRole.REPLICATION, listener),
                plainBehind);
        shuttle(withSecret, plain);

        assertThat(plain.isOpen()).isFalse();
        assertThat(withSecret.isOpen()).isFalse();
        assertThat(plainBehind.read.toString()).isEmpty();
        assertThat(refusals).containsExactly(
                "the peer began the cluster secret handshake, and this process is started without"
                        + " --cluster-secret-file; give both the same one, or neither",
                LinkAuthHandler.refusal(withSecret).orElseThrow());
        assertThat(refusals.get(1)).contains("this side is started without --cluster-secret-file");
    }

    @Test
    void aLinkWithoutTheSecretOnEitherSidePassesEveryByteAndDropsItsGuard() {
        Behind behind = new Behind();
        EmbeddedChannel accepting = new EmbeddedChannel(PlainLinkGuard.accepting(LinkRole.ADMIN, listener), behind);
        send(accepting, "TSAUTH");
        assertThat(behind.read.toString()).as("too few bytes yet to tell").isEmpty();
        send(accepting, "1 STATUS\n");
        assertThat(behind.read.toString()).isEqualTo("TSAUTH1 STATUS\n");
        assertThat(accepting.pipeline().get(PlainLinkGuard.class)).isNull();

        Behind connectingBehind = new Behind();
        EmbeddedChannel connecting = new EmbeddedChannel(PlainLinkGuard.connecting(LinkRole.PRIMARY, listener),
                connectingBehind);
        send(connecting, "registered");
        assertThat(connectingBehind.read.toString()).isEqualTo("registered");
        assertThat(connecting.isOpen()).isTrue();
        assertThat(refusals).isEmpty();
    }

    @Test
    void aPeerWithoutTheHandshakeIsRefusedAndTheHandlersBehindSeeNothing() {
        Behind behind = new Behind();
        EmbeddedChannel acceptor = new EmbeddedChannel(
                LinkAuthHandler.accepting(SECRET, LinkRole.ADMIN, listener), behind);
        send(acceptor, "SHUTDOWN\n");
        assertThat(take(acceptor)).startsWith("refused: this port requires the cluster secret handshake");
        assertThat(acceptor.isOpen()).isFalse();
        assertThat(behind.active).isFalse();
        assertThat(behind.read.toString()).isEmpty();
        assertThat(refusals).hasSize(1);
    }

    @Test
    void binaryGarbageIsRefusedAtItsFirstBytes() {
        Behind behind = new Behind();
        EmbeddedChannel acceptor = new EmbeddedChannel(
                LinkAuthHandler.accepting(SECRET, LinkRole.PRIMARY, listener), behind);
        // a frame's length prefix: no line end ever comes, and it cannot start a handshake line
        acceptor.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 9, 1}));
        assertThat(take(acceptor)).isEqualTo("refused: this port requires the cluster secret handshake"
                + " (--cluster-secret-file): expected 'TSAUTH1 HELLO primary NONCE', found '\\x00\\x00\\x00\\x09\\x01'\n");
        assertThat(acceptor.isOpen()).isFalse();
        assertThat(behind.read.toString()).isEmpty();
    }

    @Test
    void aPlausibleLineThatNeverEndsIsRefusedOnceItIsTooLong() {
        EmbeddedChannel acceptor = new EmbeddedChannel(LinkAuthHandler.accepting(SECRET, LinkRole.PRIMARY, listener));
        send(acceptor, "TSAUTH1 HELLO primary " + "a".repeat(LinkAuthHandler.MAX_LINE_BYTES));
        assertThat(take(acceptor)).startsWith("refused: this port requires the cluster secret handshake")
                .contains("found 'TSAUTH1 HELLO primary aaaa");
        assertThat(acceptor.isOpen()).isFalse();
    }

    @Test
    void aHalfFinishedHandshakeIsClosedAfterTheBound() {
        Behind behind = new Behind();
        EmbeddedChannel acceptor = new EmbeddedChannel(
                LinkAuthHandler.accepting(SECRET, LinkRole.HEARTBEAT, listener, Duration.ofSeconds(5)), behind);
        send(acceptor, "TSAUTH1 HELLO heartbeat " + "0f".repeat(16) + "\n");
        assertThat(take(acceptor)).startsWith("TSAUTH1 CHALLENGE ");
        acceptor.advanceTimeBy(4, TimeUnit.SECONDS);
        acceptor.runScheduledPendingTasks();
        assertThat(acceptor.isOpen()).isTrue();
        acceptor.advanceTimeBy(2, TimeUnit.SECONDS);
        acceptor.runScheduledPendingTasks();
        assertThat(take(acceptor)).isEqualTo("refused: no handshake within 5000 ms\n");
        assertThat(acceptor.isOpen()).isFalse();
        assertThat(refusals).containsExactly("the handshake was not finished within 5000 ms");
        assertThat(behind.active).isFalse();
    }

    @Test
    void aConnectorNeverWritesToAListenerThatCannotProveTheSecret() {
        Behind behind = new Behind();
        EmbeddedChannel connector = new EmbeddedChannel(
                LinkAuthHandler.connecting(SECRET, LinkRole.REPLICATION, listener), behind);
        connector.writeAndFlush(Unpooled.copiedBuffer("SNAPSHOT", StandardCharsets.UTF_8));
        take(connector);
        // a fake backup that bound BACKUP_SAP answers with a made-up challenge
        send(connector, "TSAUTH1 CHALLENGE " + "11".repeat(16) + " " + "22".repeat(32) + "\n");
        assertThat(take(connector)).startsWith("refused: the listening side's proof does not match")
                .doesNotContain("SNAPSHOT");
        assertThat(connector.isOpen()).isFalse();
        assertThat(behind.active).isFalse();
    }

    /**
     * A listener that closes without a word may lack the secret: refused, with that hint. One that resets the
     * connection was killed mid-handshake (the proxy asking a dying primary for STATUS): a lost link, no refusal. Nor
     * is a link this side closes itself mid-handshake (a backup that starts over drops the link it was opening): that
     * had raised a false auth_refused event.
     */
    @Test
    void aListenerThatClosesIsARefusalButOneThatResetsIsALostLink() {
        EmbeddedChannel closedOn = new EmbeddedChannel(LinkAuthHandler.connecting(SECRET, LinkRole.ADMIN, listener));
        take(closedOn);
        closedOn.pipeline().fireChannelInactive(); // the peer's end, nothing this side asked for
        assertThat(refusals).singleElement().asString().contains("the peer closed the connection during the handshake");

        refusals.clear();
        EmbeddedChannel closedHere = new EmbeddedChannel(LinkAuthHandler.connecting(SECRET, LinkRole.ADMIN, listener));
        take(closedHere);
        closedHere.close();
        assertThat(refusals).isEmpty();

        refusals.clear();
        EmbeddedChannel resetOn = new EmbeddedChannel(LinkAuthHandler.connecting(SECRET, LinkRole.ADMIN, listener));
        take(resetOn);
        resetOn.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
        resetOn.close();
        assertThat(refusals).isEmpty();
    }
}
