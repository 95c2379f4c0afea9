package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tuplespace.proxy.ProxyRelayTest.PRIMARY_SHUTDOWN_SAP;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.frame.Frame;

/** The proxy's side of a failover (docs/design.md "Failover"): hold, resend in order, refuse stale epochs, time out. */
@Timeout(20)
class ProxyLosesPrimaryTest {
    private ProxyServer proxy;

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void unansweredRequestsAreHeldAndResentInOrderToTheNextPrimary() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (LineClient client = new LineClient(proxy.clientAddress())) {
            FakePrimary first = FakePrimary.connect(proxy.primaryAddress());
            first.register(1, PRIMARY_SHUTDOWN_SAP);
            client.send("PUT k a").send("PUT k b");
            Frame.Request one = first.receiveRequest();
            first.receiveRequest();
            first.answer(one, "ok one\n");
            assertThat(client.readLine()).isEqualTo("ok one");

            // the primary dies: seq 2 is unanswered; seq 3 arrives while no primary is registered
            first.close();
            client.send("GET k .*");

            try (FakePrimary second = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(second.register(2, PRIMARY_SHUTDOWN_SAP)).isInstanceOf(Frame.Registered.class);
                Frame.Request two = second.receiveRequest();
                Frame.Request three = second.receiveRequest();
                assertThat(two.seq()).isEqualTo(2);
                assertThat(two.lineText()).isEqualTo("PUT k b");
                assertThat(two.floor()).isEqualTo(1);
                assertThat(three.seq()).isEqualTo(3);
                assertThat(three.lineText()).isEqualTo("GET k .*");
                second.answer(three, "ok three\n");
                second.answer(two, "ok two\n");
                assertThat(client.readLine()).isEqualTo("ok two");
                assertThat(client.readLine()).isEqualTo("ok three");

                // another primary (pid) of an epoch already seen is refused and closed; the registered one goes on
                try (FakePrimary stale = FakePrimary.connect(proxy.primaryAddress())) {
                    assertThat(stale.register(2, 4711, PRIMARY_SHUTDOWN_SAP)).isEqualTo(new Frame.StaleEpoch(2));
                    assertThat(stale.closedByProxy()).isTrue();
                }
                client.send("GET again .*");
                Frame.Request four = second.receiveRequest();
                second.answer(four, "ok four\n");
                assertThat(client.readLine()).isEqualTo("ok four");
            }
        }
    }

    /**
     * A higher epoch is taken once the primary it would replace is lost: while that primary serves on a live link, a
     * server registering above it was started beside it (its data directory may never have seen the updates since), and
     * is refused. The next one, after the loss, gets the unanswered requests.
     */
    @Test
    void aHigherEpochIsTakenOnceTheServingPrimaryIsLostAndGetsItsUnansweredRequests() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (LineClient client = new LineClient(proxy.clientAddress());
             FakePrimary older = FakePrimary.connect(proxy.primaryAddress())) {
            older.register(4, PRIMARY_SHUTDOWN_SAP);
            client.send("GET a .*");
            older.receiveRequest();
            try (FakePrimary beside = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(beside.register(5, PRIMARY_SHUTDOWN_SAP)).isEqualTo(new Frame.StaleEpoch(4));
            }
            older.close();
            try (FakePrimary newer = FakePrimary.connect(proxy.primaryAddress())) {
                // the proxy sees the link close first (it runs on the proxy's loop, and comes before the REGISTER)
                assertThat(newer.register(5, PRIMARY_SHUTDOWN_SAP)).isInstanceOf(Frame.Registered.class);
                Frame.Request again = newer.receiveRequest();
                assertThat(again.lineText()).isEqualTo("GET a .*");
                newer.answer(again, "ok\n");
                assertThat(client.readLine()).isEqualTo("ok");
            }
        }
    }

    /**
     * A primary killed between REGISTERED and recording its epoch in its directory (milliseconds) asks for that epoch
     * again when it restarts on that directory: the directory holds nothing of it. Taken at that epoch, from that
     * directory only: a server of another directory, or of another history, is refused as before.
     */
    @Test
    void aOneCopyPrimaryLostBeforeItsDirectoryRecordedItsEpochRegistersThatEpochAgainFromThatDirectory()
            throws IOException {
        long history = 0x5EED_0000_0000_0002L;
        String directory = "a.00000000000000a2";
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (FakePrimary lost = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(lost.register(new Frame.Register(4, 2001, 2001, PRIMARY_SHUTDOWN_SAP, 40, 0, history,
                    List.of(directory)))).isInstanceOf(Frame.Registered.class);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryRegistered());
        assertRefused(4, List.of(
                new Frame.Register(4, 2002, 2002, PRIMARY_SHUTDOWN_SAP, 40, 0, history, List.of("b.00000000000000b2")),
                new Frame.Register(4, 2003, 2003, PRIMARY_SHUTDOWN_SAP, 40, 0, history + 1, List.of(directory)),
                new Frame.Register(4, 2004, 2004, PRIMARY_SHUTDOWN_SAP, 40, 0)));
        try (FakePrimary restarted = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(restarted.register(new Frame.Register(4, 2005, 2005, PRIMARY_SHUTDOWN_SAP, 40, 0, history,
                    List.of(directory)))).isInstanceOf(Frame.Registered.class);
        }
    }

    /**
     * A server whose backup on another machine has not judged its state yet asks to serve without that judgement
     * (REGISTER's {@code unjudged}): a proxy that waits for no directory, or for another one, refuses it (it waits for
     * the judgement then); one that lost a primary serving on one copy from a directory that server compared takes it,
     * since no copy elsewhere is newer, unless a backup follows there, which can judge it (and may hold what a power
     * cut took from that directory). A server that served alone after the other machine died, restarted, serves so.
     */
    @Test
    void aServerBeforeItsBackupsJudgementIsTakenOnlyWhereTheProxyWaitsForItsDirectory() throws IOException {
        long history = 0x5EED_0000_0000_0003L;
        String directory = "a.00000000000000a3";
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        assertRefused(0, List.of(new Frame.Register(1, 3001, 3001, PRIMARY_SHUTDOWN_SAP, 40, 0, history,
                List.of(directory), true))); // a proxy that waits for nothing: a fresh one, say
        try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            assertThat(shutdownPort.send("STATUS").readLine()).as("STATUS names the server that waits")
                    .contains("\"awaitingJudgement\":\"" + PRIMARY_SHUTDOWN_SAP + "\"");
        }
        try (FakePrimary alone = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(alone.register(new Frame.Register(2, 3002, 3002, PRIMARY_SHUTDOWN_SAP, 40, 0, history,
                    List.of(directory)))).isInstanceOf(Frame.Registered.class);
        } // lost while it served on one copy
        await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryRegistered());
        assertRefused(2, List.of(new Frame.Register(3, 3003, 3003, PRIMARY_SHUTDOWN_SAP, 40, 0, history,
                List.of("b.00000000000000b3"), true)));
        try (FakePrimary follower = FakePrimary.connect(proxy.primaryAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            follower.send(new Frame.Follow(2, 0xF011, 3002)); // a backup that can judge: it is asked to
            await().atMost(Duration.ofSeconds(10)).until(() -> shutdownPort.send("STATUS").readLine(),
                    line -> line.contains("\"followers\":1"));
            assertRefused(2, List.of(new Frame.Register(3, 3004, 3004, PRIMARY_SHUTDOWN_SAP, 41, 0, history,
                    List.of(directory), true))); // asked again once that backup is gone: below
            follower.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> shutdownPort.send("STATUS").readLine(),
                    line -> line.contains("\"followers\":0"));
        }
        try (FakePrimary restarted = FakePrimary.connect(proxy.primaryAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            assertThat(restarted.register(new Frame.Register(3, 3004, 3004, PRIMARY_SHUTDOWN_SAP, 41, 0, history,
                    List.of(directory), true))).isInstanceOf(Frame.Registered.class);
            assertThat(shutdownPort.send("STATUS").readLine()).contains("\"awaitingJudgement\":null");
        }
    }

    /** Each of {@code registers}, on a link of its own, is told {@code STALE_EPOCH(epoch)}. */
    private void assertRefused(long epoch, List<Frame.Register> registers) throws IOException {
        for (Frame.Register other : registers) {
            try (FakePrimary refused = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(refused.register(other)).as("%s", other).isEqualTo(new Frame.StaleEpoch(epoch));
            }
        }
    }

    /**
     * A primary lost while it served on one copy from a data directory holds alone every update it answered. A server
     * on another machine that ran a backup of it since took its epoch with the copy and asks for the one above, with
     * an older state: it was taken. Now no other server takes that primary's place, whatever its epoch, until one
     * that compared its directory registers: that primary restarted on it, or a restart whose survey of one DIR saw it.
     */
    @Test
    void aPrimaryLostOnOneCopyIsReplacedOnlyByAServerThatComparedItsDataDirectory() throws IOException {
        long history = 0x5EED_0000_0000_0001L;
        String lost = "b.00000000000000b1";
        String sibling = "a.00000000000000a1";
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (FakePrimary alone = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(alone.register(new Frame.Register(2, 1002, 1002, PRIMARY_SHUTDOWN_SAP, 40, 0, history,
                    List.of(lost)))).isInstanceOf(Frame.Registered.class);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryRegistered());
        try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            assertThat(shutdownPort.send("STATUS").readLine()).as("STATUS names the directory waited for")
                    .contains("\"waitsFor\":\"" + lost + "\"");
        }
        assertRefused(2, List.of(
                new Frame.Register(3, 1003, 1003, PRIMARY_SHUTDOWN_SAP, 30, 0, history, List.of(sibling)),
                // a new machine's directory given the lost one's node id: another instance
                new Frame.Register(3, 1007, 1007, PRIMARY_SHUTDOWN_SAP, 30, 0, history, List.of("b.0000000000000c3")),
                new Frame.Register(9, 1004, 1004, PRIMARY_SHUTDOWN_SAP, 30, 0, history + 1, List.of(lost)),
                new Frame.Register(9, 1005, 1005, PRIMARY_SHUTDOWN_SAP, 30, 0)));
        try (FakePrimary restarted = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(restarted.register(new Frame.Register(3, 1006, 1006, PRIMARY_SHUTDOWN_SAP, 40, 0, history,
                    List.of(sibling, lost)))).isInstanceOf(Frame.Registered.class);
            try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
                assertThat(shutdownPort.send("STATUS").readLine()).contains("\"waitsFor\":null");
            }
        } // lost in turn, on one copy from its own directory: the one waited for now
        try (LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            String waiting = "\"waitsFor\":\"" + sibling + "\"";
            assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> shutdownPort.send("STATUS").readLine(),
                    line -> line.contains(waiting))).contains(waiting);
        }
    }

    @Test
    void requestsHeldLongerThanThePrimaryTimeoutAreAnsweredUnavailable() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withPrimaryTimeout(Duration.ofMillis(300)));
        try (LineClient client = new LineClient(proxy.clientAddress())) {
            client.send("{\"id\":5,\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}");
            String answer = client.readLine();
            assertThat(answer).contains("\"id\":5").contains("\"status\":\"unavailable\"")
                    .contains("no primary registered within 300 ms").contains("was not applied");
            // the connection stays open and a primary that comes later serves it
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                primary.register(1, PRIMARY_SHUTDOWN_SAP);
                client.send("{\"id\":6,\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}");
                Frame.Request request = primary.receiveRequest();
                assertThat(request.seq()).isEqualTo(2); // seq 1 was answered by the proxy and never sent
                assertThat(request.floor()).isEqualTo(1);
                primary.answer(request, "{\"id\":6,\"status\":\"ok\",\"pairs\":[]}\n");
                assertThat(client.readLine()).isEqualTo("{\"id\":6,\"status\":\"ok\",\"pairs\":[]}");
            }
        }
    }

    @Test
    void onceARequestOfAConnectionExpiredItsOtherRequestsAreAnsweredUnavailableAtOnceUntilAPrimaryRegisters()
            throws Exception {
        // a client pipelining thousands of requests through an outage heard them answered a window at a time, each
        // window after another full timeout: 10,000 requests took minutes to be told what the first one was told
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withPrimaryTimeout(Duration.ofMillis(500)));
        try (LineClient client = new LineClient(proxy.clientAddress());
             LineClient other = new LineClient(proxy.clientAddress())) {
            client.send(get(1));
            Thread.sleep(200);
            client.send(get(2)); // held 200 ms later: its own timeout would end 200 ms after the first's
            assertThat(client.readLine()).contains("\"id\":1").contains("\"status\":\"unavailable\"")
                    .contains("no primary registered within 500 ms;");
            assertThat(client.readLine()).contains("\"id\":2").contains("\"status\":\"unavailable\"")
                    .contains("no primary registered within 500 ms of an earlier request of this connection")
                    .contains("was not applied");
            client.send(get(3));
            assertThat(client.readLine()).contains("\"id\":3").contains("\"status\":\"unavailable\"")
                    .contains("of an earlier request of this connection");
            // another connection, none of whose requests expired, is held as before
            other.send(get(1));
            assertThat(other.readLine()).contains("no primary registered within 500 ms;");

            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                primary.register(1, PRIMARY_SHUTDOWN_SAP);
                await().atMost(Duration.ofSeconds(10)).until(proxy::primaryRegistered);
                client.send(get(4));
                Frame.Request request = primary.receiveRequest();
                assertThat(request.seq()).as("the requests answered by the proxy were never sent").isEqualTo(4);
                primary.answer(request, "{\"id\":4,\"status\":\"ok\",\"pairs\":[]}\n");
                assertThat(client.readLine()).isEqualTo("{\"id\":4,\"status\":\"ok\",\"pairs\":[]}");
            }
            // the primary is lost again: the connection's requests are held again, for a whole timeout
            await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryRegistered());
            client.send(get(5));
            assertThat(client.readLine()).contains("\"id\":5").contains("no primary registered within 500 ms;");
        }
    }

    private static String get(int id) {
        return "{\"id\":" + id + ",\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}";
    }

    @Test
    void aRequestInTheHandsOfARegisteredPrimaryIsNeverAnsweredUnavailableByTheProxy() throws Exception {
        // this stand-in answers no PING while it works, so the silence bound is set above the work's time; a real
        // primary works on long requests beside its loop and keeps answering
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withPrimaryTimeout(Duration.ofMillis(200))
                .withPing(Duration.ofSeconds(1), 10));
        try (LineClient client = new LineClient(proxy.clientAddress());
             FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.send("PUT slow v");
            Frame.Request request = primary.receiveRequest();
            // the primary works on it far longer than the primary timeout (a long GET, a busy loop): the proxy may
            // answer unavailable only for a request held without a primary (docs/protocol.md "Limits and failures")
            Thread.sleep(1_500);
            primary.answer(request, "ok applied\n");
            assertThat(client.readLine()).isEqualTo("ok applied");
        }
    }

    @Test
    void aRequestForwardedToALostPrimaryExpiresWithAnUnknownOutcomeAndALaterOneAsNotApplied() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withPrimaryTimeout(Duration.ofMillis(300)));
        try (LineClient client = new LineClient(proxy.clientAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                primary.register(1, PRIMARY_SHUTDOWN_SAP);
                client.send("{\"id\":1,\"op\":\"PUT\",\"pairs\":[[[\"k\"],[\"v\"]]]}");
                primary.receiveRequest(); // the primary may have applied it before it died
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryRegistered());
            client.send("{\"id\":2,\"op\":\"PUT\",\"pairs\":[[[\"k\"],[\"w\"]]]}");
            assertThat(client.readLine()).contains("\"id\":1").contains("\"status\":\"unavailable\"")
                    .contains("outcome is unknown").contains("may have been applied");
            assertThat(client.readLine()).contains("\"id\":2").contains("\"status\":\"unavailable\"")
                    .contains("was not applied");
        }
    }

    @Test
    void thePrimaryOfTheCurrentEpochMayRegisterAgainAfterLosingItsLinkAndGetsItsUnansweredRequests()
            throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        try (LineClient client = new LineClient(proxy.clientAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                primary.register(3, 555, PRIMARY_SHUTDOWN_SAP);
                client.send("PUT k a");
                primary.receiveRequest();
            } // a transient link loss: the same process comes back
            await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryRegistered());
            client.send("PUT k b");
            try (FakePrimary again = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(again.register(3, 555, PRIMARY_SHUTDOWN_SAP)).isInstanceOf(Frame.Registered.class);
                Frame.Request one = again.receiveRequest();
                Frame.Request two = again.receiveRequest();
                assertThat(one.lineText()).isEqualTo("PUT k a");
                assertThat(two.lineText()).isEqualTo("PUT k b");
                again.answer(one, "ok a\n");
                again.answer(two, "ok b\n");
                assertThat(client.readLine()).isEqualTo("ok a");
                assertThat(client.readLine()).isEqualTo("ok b");

                // the same epoch from another pid is still refused, and the registered link goes on
                try (FakePrimary impostor = FakePrimary.connect(proxy.primaryAddress())) {
                    assertThat(impostor.register(3, 556, PRIMARY_SHUTDOWN_SAP)).isEqualTo(new Frame.StaleEpoch(3));
                    assertThat(impostor.closedByProxy()).isTrue();
                }
                client.send("GET k .*");
                Frame.Request three = again.receiveRequest();
                again.answer(three, "ok c\n");
                assertThat(client.readLine()).isEqualTo("ok c");
            }
        }
    }

    @Test
    void aClosedTheOldPrimaryMayNotHaveReplicatedIsToldAgainToTheNextPrimary() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig());
        long conn;
        try (FakePrimary first = FakePrimary.connect(proxy.primaryAddress())) {
            first.register(1, PRIMARY_SHUTDOWN_SAP);
            try (LineClient client = new LineClient(proxy.clientAddress())) {
                client.send("PUT k v");
                Frame.Request request = first.receiveRequest();
                conn = request.conn();
                first.answer(request, "ok\n");
                assertThat(client.readLine()).isEqualTo("ok");
            }
            assertThat(first.receive()).isEqualTo(new Frame.Closed(conn));
        } // it crashes before replicating that CLOSED
        try (FakePrimary second = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(second.register(2, PRIMARY_SHUTDOWN_SAP)).isInstanceOf(Frame.Registered.class);
            assertThat(second.receive()).isEqualTo(new Frame.Closed(conn));
        }
    }

    @Test
    void byDefaultTheProxyCountsASilentPrimaryLostAfterASecondWithSeveralPingsBefore() {
        ProxyConfig defaults = ProxyConfig.withDefaults(ProxyRelayTest.LOOPBACK, ProxyRelayTest.LOOPBACK,
                ProxyRelayTest.LOOPBACK);
        // the proxy is the witness that promotes a backup: a primary cut off from it must be replaced within about
        // the backup's own hang detection (10 x 100 ms), and one lost PONG must not count
        assertThat(defaults.pingInterval().multipliedBy(defaults.pingMisses())).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.pingMisses()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void anIdleLinkIsPingedAndAPrimaryThatAnswersPongStaysRegistered() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withPing(Duration.ofMillis(100), 3));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            // far more than 3 intervals: each PING answered keeps the link alive
            for (int i = 0; i < 10; i++) {
                Frame frame = primary.receiveAny();
                assertThat(frame).isInstanceOf(Frame.Ping.class);
                primary.send(new Frame.Pong(((Frame.Ping) frame).nanos()));
            }
            assertThat(proxy.primaryRegistered()).isTrue();
        }
    }

    @Test
    void aPrimaryThatAnnouncedLongWorkMayBeSilentThatLongThenIsClosedAsDead() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withPing(Duration.ofMillis(100), 2));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            long announced = System.nanoTime();
            primary.send(new Frame.Busy(1_500)); // a request of megabytes: no PING is answered meanwhile
            assertThat(primary.closedByProxyWhileSilent()).isTrue();
            long silentMillis = (System.nanoTime() - announced) / 1_000_000;
            // closed only once the announced work's time is over (not after 2 × 100 ms), and not long after it
            assertThat(silentMillis).isBetween(1_500L, 4_000L);
        }
    }

    @Test
    void aSilentPrimaryLinkIsClosedAsDead() throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withPing(Duration.ofMillis(100), 2));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            // a hung primary: it answers no PING, and the proxy gives up on it after 2 silent intervals
            assertThat(primary.closedByProxyWhileSilent()).isTrue();
        }
    }
}
