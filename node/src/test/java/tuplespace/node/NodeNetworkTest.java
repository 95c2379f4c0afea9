package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.netty.SocketTransport;

/** A node's network: here, the one-shot probe of whether something listens at an address. */
@Timeout(30)
class NodeNetworkTest {

    private final SocketTransport transport = SocketTransport.forFewLinks();
    private final EventLoopGroup group = transport.newLoopGroup(1, "network-test");
    private final EventLoop loop = group.next();
    private final NodeNetwork network = new NodeNetwork(transport, loop, LinkSecurity.none(),
            (peer, role, connecting, reason) -> { });

    @AfterEach
    void stopLoop() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** A listener is found, and sees its connection closed unused; a port nobody listens on is not. */
    @Test
    void theProbeTellsWhetherSomethingListensAndClosesWhatItOpened() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            assertThat(probe(address)).isTrue();
            try (Socket accepted = listener.accept()) {
                accepted.setSoTimeout(5_000);
                assertThat(accepted.getInputStream().read()).as("closed without a byte").isEqualTo(-1);
            }
        }
        assertThat(probe(NodeTestSupport.loopback(NodeTestSupport.freePort()))).isFalse();
    }

    private boolean probe(InetSocketAddress address) throws Exception {
        CompletableFuture<Boolean> listening = new CompletableFuture<>();
        loop.execute(() -> network.probe(address, found -> {
            assertThat(loop.inEventLoop()).as("reported on the loop").isTrue();
            listening.complete(found);
        }));
        return listening.get(10, TimeUnit.SECONDS);
    }
}
