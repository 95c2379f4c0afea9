package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tuplespace.proxy.ProxyRelayTest.PRIMARY_SHUTDOWN_SAP;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.frame.Frame;

/**
 * Limits and hostile peers: client cap, overlong lines, garbage bytes and half-open connections on every port.
 * An integration test (failsafe): it waits for real network timeouts, a few seconds in all.
 */
@Timeout(30)
class ProxyRobustnessIT {
    private ProxyServer proxy;

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void theClientBeyondTheCapIsRefusedAndClosedWhileOthersKeepWorking() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withMaxClients(2));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient first = new LineClient(proxy.clientAddress());
             LineClient second = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            roundTrip(primary, first, "one");
            roundTrip(primary, second, "two");

            try (LineClient third = new LineClient(proxy.clientAddress())) {
                // the refusal line of docs/protocol.md "JSON mode":
                // {"status":"refused","error":"service refused: this proxy already serves 64 clients"}
                String refused = third.readLine();
                assertThat(refused).contains("\"status\":\"refused\"").contains("already serves 2 clients");
                assertThat(third.closedByPeer()).isTrue();
            }
            roundTrip(primary, first, "still one");
            roundTrip(primary, second, "still two");
        }
    }

    @Test
    void aSlotFreedByALeavingClientIsAvailableAgain() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withMaxClients(1));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            try (LineClient first = new LineClient(proxy.clientAddress())) {
                roundTrip(primary, first, "one");
            }
            assertThat(primary.receive()).isInstanceOf(Frame.Closed.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (LineClient next = new LineClient(proxy.clientAddress())) {
                    next.send("hello");
                    Frame.Request request = primary.receiveRequest();
                    primary.answer(request, "ok\n");
                    return "ok".equals(next.readLine());
                }
            });
        }
    }

    @Test
    void anOverlongLineIsAnsweredMalformedInItsTurnAndTheConnectionCloses() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withMaxLineBytes(64));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.send("GET first .*");
            Frame.Request first = primary.receiveRequest();
            client.send("{\"id\":9,\"op\":\"GET\",\"key\":\"" + "x".repeat(100) + "\",\"value\":\".*\"}");
            primary.answer(first, "ok first\n");
            assertThat(client.readLine()).isEqualTo("ok first");
            String malformed = client.readLine();
            assertThat(malformed).contains("\"status\":\"malformed\"").contains("at most 64 bytes");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    /**
     * The proxy answers an overlong line as soon as it is over the limit, while the client may still be writing the
     * rest: closed then with bytes unread, the connection was reset and the client lost the answer.
     */
    @Test
    void aClientStillWritingTheRestOfAnOverlongLineGetsItsAnswerAndThenTheEnd() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withMaxLineBytes(64));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             Socket client = new Socket(proxy.clientAddress().getAddress(), proxy.clientAddress().getPort())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            out.write("{\"op\":\"GET\",\"key\":\"".getBytes(StandardCharsets.US_ASCII));
            byte[] rest = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 32; i++) { // 2 MiB: most of it comes after the proxy has answered
                out.write(rest);
            }
            out.write("\",\"value\":\".*\"}\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            BufferedReader in = new BufferedReader(
                    new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).contains("\"status\":\"malformed\"").contains("at most 64 bytes");
            assertThat(in.readLine()).isNull();
        }
    }

    @Test
    void garbageAndHalfOpenConnectionsOnEveryPortLeaveTheProxyServing() throws Exception {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withMaxLineBytes(1024)
                .withNetworkTimeout(Duration.ofMillis(700)));
        Random random = new Random(42);
        byte[] garbage = new byte[4096];
        random.nextBytes(garbage);

        // half-open: connect and say nothing, on all three ports
        Socket silentClient = connect(proxy.clientAddress());
        Socket silentPrimary = connect(proxy.primaryAddress());
        Socket silentShutdown = connect(proxy.shutdownAddress());

        // garbage on the primary port: not a frame, the proxy closes that connection
        try (FakePrimary impostor = FakePrimary.connect(proxy.primaryAddress())) {
            impostor.sendRaw(garbage);
            assertThat(impostor.closedByProxyWhileSilent()).isTrue();
        }
        // garbage on the shutdown port: an error line naming the commands, or a close for an overlong line
        try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            shutdownPort.send("REBOOT now");
            assertThat(shutdownPort.readLine()).startsWith("error:").contains("SHUTDOWN").contains("STATUS")
                    .contains("REBOOT now");
            shutdownPort.sendRaw(garbage);
            assertThat(shutdownPort.readLine()).startsWith("error:");
        }
        try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            shutdownPort.sendRaw("x".repeat(5000).getBytes(StandardCharsets.UTF_8));
            assertThat(shutdownPort.readLine()).startsWith("error:").contains("too long");
            assertThat(shutdownPort.closedByPeer()).isTrue();
        }
        // garbage on the client port: relayed as lines or refused as overlong, never a crash
        try (LineClient vandal = new LineClient(proxy.clientAddress())) {
            vandal.sendRaw(garbage);
        }
        // a real primary and client still work; the silent primary connection never blocked registration
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            assertThat(primary.register(1, PRIMARY_SHUTDOWN_SAP)).isInstanceOf(Frame.Registered.class);
            client.send("GET k .*");
            Frame.Request request = null;
            do {
                // the vandal's lines may arrive too, and its CLOSED (sent, or repeated after REGISTERED)
                Frame frame = primary.receive();
                if (frame instanceof Frame.Request relayed) {
                    request = relayed;
                } else if (!(frame instanceof Frame.Closed)) {
                    throw new AssertionError("expected a REQUEST or CLOSED frame, found " + frame);
                }
            } while (request == null || !request.lineText().equals("GET k .*"));
            primary.answer(request, "ok k\n");
            assertThat(client.readLine()).isEqualTo("ok k");
        }
        try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            shutdownPort.send("status");
            assertThat(shutdownPort.readLine()).startsWith("{\"proxy\":");
        }
        // the silent primary-port peer that never registered is dropped after the network timeout
        silentPrimary.setSoTimeout(5_000);
        java.io.InputStream silentPrimaryIn = silentPrimary.getInputStream();
        while (silentPrimaryIn.read() >= 0) {
            continue; // PINGs until the proxy gives up on it; a read timeout here fails the test
        }
        silentClient.close();
        silentShutdown.close();
    }

    /**
     * A client set up for TLS that reaches a plain-text proxy is told so in plain text, which such a client shows as
     * the peer's answer, and its handshake reaches no primary as a request line.
     */
    @Test
    void aTlsHandshakeOnThePlainClientPortIsRefusedInPlainTextAndReachesNoPrimary() throws Exception {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient tlsClient = new LineClient(proxy.clientAddress());
             LineClient plain = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            tlsClient.sendRaw(clientHello());
            assertThat(tlsClient.readLine()).isEqualTo(
                    "{\"status\":\"refused\",\"error\":\"service refused: this port takes plain text, not TLS\"}");
            assertThat(tlsClient.closedByPeer()).isTrue();

            plain.send("GET a .*");
            Frame frame = primary.receive();
            while (frame instanceof Frame.Closed) {
                frame = primary.receive(); // the refused client's end, if it is relayed
            }
            assertThat(frame).as("the first request the primary gets").isInstanceOfSatisfying(Frame.Request.class,
                    request -> assertThat(request.lineText()).isEqualTo("GET a .*"));
        }
    }

    /** The first record a TLS client sends: its ClientHello. */
    private static byte[] clientHello() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        ByteBuffer record = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), record);
        record.flip();
        byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        return bytes;
    }

    private static void roundTrip(FakePrimary primary, LineClient client, String line) throws IOException {
        client.send(line);
        Frame.Request request = primary.receiveRequest();
        assertThat(request.lineText()).isEqualTo(line);
        primary.answer(request, "ok " + line + "\n");
        assertThat(client.readLine()).isEqualTo("ok " + line);
    }

    private static Socket connect(java.net.InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        socket.getOutputStream().write("partial".getBytes(StandardCharsets.UTF_8), 0, 0);
        return socket;
    }
}
