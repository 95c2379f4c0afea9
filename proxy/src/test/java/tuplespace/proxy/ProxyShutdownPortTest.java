package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;

/** SHUTDOWN_SAP (docs/internals.md "Shutdown SAPs"): STATUS wraps the primary's status; SHUTDOWN goes through it. */
@Timeout(20)
class ProxyShutdownPortTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How long a proxy here waits for a promoted backup to register, in the tests that wait it out (5 s in a proxy):
     * long enough that STATUS, asked at once, still finds the promotion under way.
     */
    private static final Duration PROMOTED_REGISTER_WAIT = Duration.ofSeconds(2);
    private ProxyServer proxy;

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void statusWithoutAPrimaryReportsTheProxyAndANullPrimary() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withMaxClients(7));
        try (LineClient client = new LineClient(proxy.clientAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            client.send("GET held .*"); // held: no primary
            JsonNode status = await().atMost(Duration.ofSeconds(5)).until(
                    () -> JSON.readTree(shutdownPort.send("STATUS").readLine()),
                    answer -> answer.get("proxy").get("held").asLong() == 1);
            assertThat(status.get("proxy").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(status.get("proxy").get("clients").asInt()).isEqualTo(1);
            assertThat(status.get("proxy").get("maxClients").asInt()).isEqualTo(7);
            assertThat(status.get("proxy").get("held").asLong()).isEqualTo(1);
            assertThat(status.get("proxy").get("epoch").isNull()).isTrue();
            assertThat(status.get("proxy").get("replica").isNull()).isTrue();
            assertThat(status.get("proxy").get("followers").asInt()).isZero();
            assertThat(status.get("proxy").get("waitsFor").isNull()).isTrue();
            assertThat(status.get("proxy").get("promoting").isBoolean()).isTrue();
            assertThat(status.get("proxy").get("promoting").asBoolean()).isFalse();
            assertThat(status.get("proxy").get("primaryShutdownSap").isNull()).isTrue();
            assertThat(status.get("primary").isNull()).isTrue();
        }
    }

    /** What the error quotes reaches a terminal: control characters are spelled out, not sent back as they came. */
    @Test
    void anUnknownCommandIsQuotedWithItsControlCharactersSpelledOut() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            String answer = shutdownPort.send("STA\u0007TUS\u0000\u001b[31mRED").readLine();

            assertThat(answer).isEqualTo("error: expected SHUTDOWN, STATUS, PROMOTE or SWITCHOVER, found"
                    + " 'STA\\x07TUS\\x00\\x1b[31mRED'");
        }
    }

    @Test
    void statusIncludesThePrimarysOwnStatus() throws IOException {
        // the stand-ins read no PING while the test asks for STATUS: a silence bound far above the test's length
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withPing(Duration.ofSeconds(1), 30));
        try (FakeShutdownSap primarySap = new FakeShutdownSap("{\"role\":\"primary\",\"pid\":77,\"epoch\":3}");
             FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            primary.send(new Frame.Register(3, 1003, 1003, primarySap.sap(), 0, 0xb0b));
            assertThat(primary.receive()).isInstanceOf(Frame.Registered.class);
            try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
                backup.send(new Frame.Follow(3, 0xb0b));
                JsonNode following = await().atMost(Duration.ofSeconds(5)).until(
                        () -> JSON.readTree(shutdownPort.send("STATUS").readLine()),
                        answer -> answer.get("proxy").get("followers").asInt() == 1);
                assertThat(following.get("proxy").get("replica").asText()).as("the backup it would promote").isEqualTo("b0b");
            }
            JsonNode status = JSON.readTree(shutdownPort.send("STATUS").readLine());
            assertThat(status.get("proxy").get("epoch").asLong()).isEqualTo(3);
            assertThat(status.get("proxy").get("primaryShutdownSap").asText()).as("where the primary registered it listens")
                    .isEqualTo(primarySap.sap().toString());
            assertThat(status.get("primary").get("role").asText()).isEqualTo("primary");
            assertThat(status.get("primary").get("pid").asLong()).isEqualTo(77);
        }
    }

    /**
     * STATUS waits for the primary's own status only while the proxy holds that primary: one lost meanwhile (here its
     * link closes while its shutdown SAP, hung, answers nothing) is not waited for up to the network timeout, and
     * STATUS says at once that it was lost.
     */
    @Test
    void statusAskedOfAHungPrimaryThatIsThenLostAnswersAtOnce() throws Exception {
        Duration networkTimeout = Duration.ofSeconds(15);
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withPing(Duration.ofSeconds(1), 30)
                .withNetworkTimeout(networkTimeout));
        try (ServerSocket hungSap = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress());
             FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            hungSap.setSoTimeout(10_000); // JUnit's timeout cannot end an accept
            primary.send(new Frame.Register(3, 1003, 1003, new Sap("127.0.0.1", hungSap.getLocalPort()), 0, 0));
            assertThat(primary.receive()).isInstanceOf(Frame.Registered.class);
            shutdownPort.readTimeout(networkTimeout.plusSeconds(5));
            shutdownPort.send("STATUS");
            try (Socket asked = hungSap.accept()) { // the proxy asks the primary, which never answers
                long lostAt = System.nanoTime();
                primary.close();
                JsonNode status = JSON.readTree(shutdownPort.readLine());
                assertThat(Duration.ofNanos(System.nanoTime() - lostAt)).as("STATUS after the primary's loss")
                        .isLessThan(networkTimeout.dividedBy(3));
                assertThat(status.get("primary").isNull()).isTrue();
                JsonNode lost = status.get("proxy").get("primaries").get(0).get("lost");
                assertThat(lost.isNull()).as("the loss in %s", status).isFalse();
            }
        }
    }

    @Test
    void shutdownIsRelayedToThePrimaryAndTheProxyStopsWithStatusZero() throws Exception {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (FakeShutdownSap primarySap = new FakeShutdownSap("{}");
             FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            assertThat(primary.register(1, primarySap.sap())).isInstanceOf(Frame.Registered.class);
            client.send("{\"id\":1,\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}");
            primary.receiveRequest(); // left unanswered: the proxy answers it as it stops
            closesItsLinkOnShutdown(primarySap, primary);

            try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
                assertThat(shutdownPort.send("shutdown").readLine()).as("the primary's answer, relayed")
                        .isEqualTo(FakeShutdownSap.SHUTDOWN_ANSWER);
            }
            assertThat(primarySap.commands().poll(5, TimeUnit.SECONDS)).isEqualTo("SHUTDOWN");
            assertThat(proxy.terminated().get(10, TimeUnit.SECONDS)).isZero();
            assertThat(client.readLine()).as("a request in the primary's hands").contains("\"status\":\"unavailable\"")
                    .contains("shutting down before the primary that had this request answered it; the outcome is"
                            + " unknown: an update may have been applied");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void aPrimaryThatCannotSaveAnswersTheErrorAndNothingStops() throws Exception {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        String cannotSave = "error: cannot save SAVE_FILE /full/space.json: No space left on device; nothing was stopped";
        try (FakeShutdownSap primarySap = new FakeShutdownSap("{}");
             FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            assertThat(primary.register(1, primarySap.sap())).isInstanceOf(Frame.Registered.class);
            primarySap.answerShutdownWith(cannotSave);

            try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
                assertThat(shutdownPort.send("SHUTDOWN").readLine()).isEqualTo(cannotSave);
            }
            assertThat(primarySap.commands().poll(5, TimeUnit.SECONDS)).isEqualTo("SHUTDOWN");
            client.send("{\"id\":1,\"op\":\"GET\",\"key\":\"a\",\"value\":\".*\"}");
            assertThat(primary.receiveRequest().lineText()).as("requests still go to the primary").contains("\"id\":1");
            assertThat(proxy.terminated()).isNotDone();

            primarySap.answerShutdownWith(FakeShutdownSap.SHUTDOWN_ANSWER);
            closesItsLinkOnShutdown(primarySap, primary);
            try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
                assertThat(shutdownPort.send("SHUTDOWN").readLine()).isEqualTo(FakeShutdownSap.SHUTDOWN_ANSWER);
            }
            assertThat(proxy.terminated().get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    /**
     * The primary is lost and its backup promoted, not registered yet, when SHUTDOWN comes (a service stopped as a
     * whole may lose its primary first): the proxy waits for the promoted backup and relays SHUTDOWN to it, which saves
     * the space. It used to answer "try again in a moment" at once, and the demo, stopped by a signal, left the proxy
     * and the promoted backup running on that answer.
     */
    @Test
    void shutdownRightAfterAPromotionIsRelayedToThePromotedBackupOnceItRegisters() throws Exception {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (FakeShutdownSap promotedSap = new FakeShutdownSap("{}");
             FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            loseThePrimaryAndPromote(backup);
            try (LineClient admin = new LineClient(proxy.shutdownAddress())) {
                assertThat(admin.send("STATUS").readLine()).as("STATUS while the promoted backup has not registered")
                        .contains("\"primaryShutdownSap\":null").contains("\"promoting\":true");
            }

            shutdownPort.send("SHUTDOWN").shortTimeout();
            assertThatThrownBy(shutdownPort::readLine).as("an answer while the promoted backup has not registered")
                    .isInstanceOf(SocketTimeoutException.class);
            try (FakePrimary promoted = FakePrimary.connect(proxy.primaryAddress())) {
                closesItsLinkOnShutdown(promotedSap, promoted);
                assertThat(promoted.register(new Frame.Register(2, 4002, 0x2222, promotedSap.sap(), 0, 0)))
                        .isInstanceOf(Frame.Registered.class);
                shutdownPort.readTimeout(Duration.ofSeconds(5));
                assertThat(shutdownPort.readLine()).as("the promoted backup's answer, relayed")
                        .isEqualTo(FakeShutdownSap.SHUTDOWN_ANSWER);
                assertThat(promotedSap.commands().poll(5, TimeUnit.SECONDS)).isEqualTo("SHUTDOWN");
                assertThat(proxy.terminated().get(10, TimeUnit.SECONDS)).isZero();
            }
        }
    }

    /**
     * The primary saves and exits when told SHUTDOWN: its link closes (docs/internals.md "Shutdown SAPs"). Its output
     * only: the test's thread may still be reading the REGISTERED that the proxy sent just before it relayed SHUTDOWN
     * (closing the socket under that read failed the test once).
     */
    private static void closesItsLinkOnShutdown(FakeShutdownSap primarySap, FakePrimary primary) {
        primarySap.onShutdown(() -> {
            try {
                primary.shutdownOutput();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void shutdownWithoutAPrimaryStopsTheProxyAlone() throws Exception {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (LineClient client = new LineClient(proxy.clientAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            client.send("{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"k\"],[\"v\"]]]}"); // held: no primary
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (LineClient admin = new LineClient(proxy.shutdownAddress())) {
                    return admin.send("STATUS").readLine().contains("\"held\":1");
                }
            });
            assertThat(shutdownPort.send("SHUTDOWN").readLine()).isEqualTo("ok: shutting down (no primary registered)");
            assertThat(client.readLine()).as("a request held without a primary").contains("\"status\":\"unavailable\"")
                    .contains("shutting down; the request was not sent to any primary and was not applied");
        }
        assertThat(proxy.terminated().get(10, TimeUnit.SECONDS)).isZero();
    }

    /**
     * A backup that follows while no primary is registered may hold the only copy (its primary died with an earlier
     * proxy): stopping the proxy alone would leave it unsaved with nobody to promote it. Refused, saying what to do.
     */
    @Test
    void shutdownWithoutAPrimaryButWithAFollowingBackupIsRefusedNamingPromote() throws Exception {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            backup.send(new Frame.Follow(3, 0x2222));
            awaitFollowers(1);
            assertThat(shutdownPort.send("SHUTDOWN").readLine()).startsWith("error: no primary is registered, and a"
                    + " backup follows the proxy").contains("promote it").endsWith("Nothing was stopped");
            assertThat(proxy.terminated().isDone()).as("the proxy stopped").isFalse();
        }
    }

    /** A promoted backup that does not register within the wait leaves everything running, and SHUTDOWN says why. */
    @Test
    void shutdownWhileAPromotedBackupNeverRegistersIsRefusedAfterTheWait() throws Exception {
        proxy = ProxyRelayTest.startWithWaits(silentPeersAllowed(), PROMOTED_REGISTER_WAIT);
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            loseThePrimaryAndPromote(backup);

            long askedAt = System.nanoTime();
            shutdownPort.send("SHUTDOWN").readTimeout(PROMOTED_REGISTER_WAIT.plusSeconds(5));
            assertThat(shutdownPort.readLine()).isEqualTo("error: no primary is registered, and the backup promoted"
                    + " has not registered within 2s: see STATUS, and try again once it serves. Nothing was stopped");
            assertThat(Duration.ofNanos(System.nanoTime() - askedAt)).as("refused after the wait")
                    .isGreaterThanOrEqualTo(PROMOTED_REGISTER_WAIT);
            assertThat(proxy.terminated().isDone()).as("the proxy stopped").isFalse();
        }
    }

    /**
     * Both servers died together: the backup promoted closed its link and never registered. A promoted backup closes
     * its follow link itself before it registers on a link of its own, so for the wait after the close the promotion
     * is still under way; past it nothing is promoting any more: STATUS says so, and SHUTDOWN stops the proxy instead
     * of waiting for nobody, again and again.
     */
    @Test
    void aPromotedBackupGoneBeforeItRegisteredLeavesNoPromotionToWaitFor() throws Exception {
        proxy = ProxyRelayTest.startWithWaits(ProxyRelayTest.testConfig(), PROMOTED_REGISTER_WAIT);
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            loseThePrimaryAndPromote(backup);
            assertThat(status()).contains("\"promoting\":true");
        }
        Thread.sleep(200); // the close reached the proxy
        assertThat(status()).as("as a promoted backup's own close before it registers").contains("\"promoting\":true");
        await().atMost(PROMOTED_REGISTER_WAIT.plusSeconds(5))
                .until(() -> status().contains("\"promoting\":false"));
        try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            shutdownPort.send("SHUTDOWN").readTimeout(Duration.ofSeconds(10));
            assertThat(shutdownPort.readLine()).startsWith("ok: shutting down");
        }
        assertThat(proxy.terminated()).succeedsWithin(Duration.ofSeconds(10));
    }

    /**
     * A proxy that keeps a link silent for 15 s: the promoted backup here reads nothing (it answers no PING), and stays
     * linked, alive and not registering, through the whole wait.
     */
    private static ProxyConfig silentPeersAllowed() {
        return ProxyRelayTest.testConfig().withPing(Duration.ofMillis(100), 150);
    }

    private String status() throws IOException {
        try (LineClient admin = new LineClient(proxy.shutdownAddress())) {
            return admin.send("STATUS").readLine();
        }
    }

    /** The proxy stopped (not by that SHUTDOWN) while a SHUTDOWN waits for the promoted backup: it is answered. */
    @Test
    void aShutdownWaitingForThePromotedBackupIsAnsweredWhenTheProxyStops() throws Exception {
        proxy = ProxyServer.start(silentPeersAllowed());
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            loseThePrimaryAndPromote(backup);
            shutdownPort.send("SHUTDOWN").shortTimeout();
            assertThatThrownBy(shutdownPort::readLine).isInstanceOf(SocketTimeoutException.class);

            proxy.stop();
            shutdownPort.readTimeout(Duration.ofSeconds(5));
            assertThat(shutdownPort.readLine()).isEqualTo("error: the proxy stopped before the backup promoted had"
                    + " registered; that backup was not told SHUTDOWN");
        }
    }

    /** A primary that named {@code backup} its replica registers, and its link closes: the backup is promoted. */
    private void loseThePrimaryAndPromote(FakePrimary backup) throws IOException {
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(primary.register(new Frame.Register(1, 4001, 0x1111, ProxyRelayTest.PRIMARY_SHUTDOWN_SAP, 0,
                    0x2222))).isInstanceOf(Frame.Registered.class);
            backup.send(new Frame.Follow(1, 0x2222));
            awaitFollowers(1);
        }
        assertThat(backup.receive()).isEqualTo(new Frame.Promote(2, false));
    }

    private void awaitFollowers(int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (LineClient admin = new LineClient(proxy.shutdownAddress())) {
                return admin.send("STATUS").readLine().contains("\"followers\":" + count);
            }
        });
    }
}
