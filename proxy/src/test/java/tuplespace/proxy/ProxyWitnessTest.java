package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tuplespace.proxy.ProxyRelayTest.PRIMARY_SHUTDOWN_SAP;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import tuplespace.codec.frame.Frame;

/**
 * The proxy as witness and fence (docs/design.md "Failover"): it promotes a following backup only once it lost the
 * primary itself and only the backup that primary named its replica; after a promotion only that backup may register
 * the new epoch, and the old primary is refused. In a switchover ("Switchover") the registered primary is told to step
 * down; once it says STEPPED_DOWN its replica is promoted at once (PROMOTE with the switchover flag: it must not fence
 * the old primary) and the old primary is told the new epoch, which makes it the backup; the operator's answer comes
 * when the new primary registers. Without a replica that follows, or when the primary refuses, nothing changes and the
 * answer says why.
 */
@Timeout(30)
class ProxyWitnessTest {

    private static final long PRIMARY = 0x1111;
    private static final long BACKUP = 0x2222;
    private static final ObjectMapper JSON = new ObjectMapper();
    private ProxyServer proxy;

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    /** A proxy that counts a link lost after 3 s of silence: longer than any wait here in which a peer reads nothing. */
    private final Logger registryLog = (Logger) LoggerFactory.getLogger(PrimaryRegistry.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    ProxyWitnessTest() {
        lines.start();
        registryLog.addAppender(lines);
    }

    @AfterEach
    void detachLog() {
        registryLog.detachAppender(lines);
    }

    private void startProxy() throws IOException {
        startProxy(30);
    }

    private void startProxy(int pingMisses) throws IOException {
        proxy = ProxyServer.start(config(pingMisses));
    }

    /**
     * A proxy whose registry's waits (seconds in a proxy: the late follower's grace, PROMOTE refused after the start,
     * the returning followers' window) are {@code each}, for the tests that wait one out. Whole seconds: PROMOTE's
     * refusal names the wait in seconds.
     */
    private void startProxyWaiting(int pingMisses, Duration each) throws IOException {
        proxy = ProxyRelayTest.startWithWaits(config(pingMisses), each);
    }

    private static ProxyConfig config(int pingMisses) {
        return ProxyRelayTest.testConfig().withPing(Duration.ofMillis(100), pingMisses);
    }

    private static Frame register(FakePrimary link, long epoch, long server, long replica) throws IOException {
        link.send(new Frame.Register(epoch, 4000 + server, server, PRIMARY_SHUTDOWN_SAP, 0, replica));
        return link.receive();
    }

    @Test
    void aBackupNamedReplicaIsPromotedOnceThePrimaryLinkCloses() throws IOException {
        startProxy();
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(primary, 3, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
                backup.send(new Frame.Follow(3, BACKUP));
                assertThat(nothingWithin(backup)).as("no promotion while the primary is there").isTrue();
            }
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(4, false));
            // only the promoted backup (still there) may register epoch 4; the old primary's epoch 3 is stale
            try (FakePrimary old = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(old, 3, PRIMARY, BACKUP)).isEqualTo(new Frame.StaleEpoch(4));
            }
            try (FakePrimary other = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(other, 4, 0x3333, 0)).isEqualTo(new Frame.StaleEpoch(4));
            }
        }
        try (FakePrimary promoted = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(promoted, 4, BACKUP, 0)).isInstanceOf(Frame.Registered.class);
        }
    }

    /**
     * A primary lost while the backup it named does not follow here: nobody takes over until that backup follows
     * again, said at ERROR (a tester's double failure, backup then primary, was logged at INFO only).
     */
    @Test
    void aPrimaryLostWhileItsReplicaDoesNotFollowIsAnError() throws IOException {
        startProxy();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(primary, 3, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !operatorAlerts().isEmpty());
        assertThat(operatorAlerts()).singleElement().asString().startsWith("primary_lost: ")
                .contains("its replica, backup server 2222, does not follow here: holding client requests until that"
                        + " backup follows again (it is promoted then) or a primary registers");
    }

    /** STATUS lists the primaries registered: how each came, and when and why its link ended. A failover shows. */
    @Test
    void statusListsEachPrimaryWithHowItCameAndWhenAndWhyItsLinkEnded() throws IOException {
        startProxy();
        Instant start = Instant.now();
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(primary, 3, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
                JsonNode one = JSON.readTree(admin.send("STATUS").readLine()).path("proxy").path("primaries");
                assertThat(one).hasSize(1);
                assertThat(one.get(0).path("lost").isNull()).as("the registered primary's link has not ended").isTrue();
                assertThat(one.get(0).path("why").isNull()).isTrue();
                backup.send(new Frame.Follow(3, BACKUP));
            }
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(4, false));
            try (FakePrimary promoted = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(promoted, 4, BACKUP, 0)).isInstanceOf(Frame.Registered.class);
                JsonNode primaries = JSON.readTree(admin.send("STATUS").readLine()).path("proxy").path("primaries");

                assertThat(primaries).hasSize(2);
                JsonNode lost = primaries.get(0);
                assertThat(lost.path("epoch").asLong()).isEqualTo(3);
                assertThat(lost.path("pid").asLong()).isEqualTo(4000 + PRIMARY);
                assertThat(lost.path("how").asText()).isEqualTo("registered");
                assertThat(lost.path("why").asText()).isEqualTo("its connection closed (a crash closes it at once)");
                JsonNode serving = primaries.get(1);
                assertThat(serving.path("epoch").asLong()).isEqualTo(4);
                assertThat(serving.path("pid").asLong()).isEqualTo(4000 + BACKUP);
                assertThat(serving.path("how").asText()).isEqualTo("promoted");
                assertThat(serving.path("lost").isNull()).isTrue();
                Instant registered = Instant.parse(lost.path("registered").asText());
                Instant lostAt = Instant.parse(lost.path("lost").asText());
                Instant promotedAt = Instant.parse(serving.path("registered").asText());
                assertThat(registered).isAfterOrEqualTo(start.truncatedTo(ChronoUnit.MILLIS));
                assertThat(lostAt).isAfterOrEqualTo(registered);
                assertThat(promotedAt).isAfterOrEqualTo(lostAt).isBeforeOrEqualTo(Instant.now());
            }
        }
    }

    /**
     * A primary whose link keeps failing registers again each time: one entry in STATUS's {@code primaries}, which
     * counts the times, so that eight such registrations do not push the failovers before them out of the list.
     */
    @Test
    void aPrimaryRegisteringAgainAndAgainIsOneEntryThatCountsTheTimes() throws IOException {
        startProxy();
        try (LineClient admin = new LineClient(proxy.shutdownAddress())) {
            for (int registration = 0; registration <= RegisteredPrimaries.KEPT + 1; registration++) {
                try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                    assertThat(register(primary, 1, PRIMARY, 0)).isInstanceOf(Frame.Registered.class);
                }
            }
            JsonNode primaries = JSON.readTree(admin.send("STATUS").readLine()).path("proxy").path("primaries");

            assertThat(primaries).hasSize(2);
            assertThat(primaries.get(0).path("how").asText()).isEqualTo("registered");
            assertThat(primaries.get(0).path("times").asInt()).isEqualTo(1);
            assertThat(primaries.get(0).path("why").asText()).isNotEmpty();
            assertThat(primaries.get(1).path("how").asText()).isEqualTo("registered again");
            assertThat(primaries.get(1).path("times").asInt()).isEqualTo(RegisteredPrimaries.KEPT + 1);
            assertThat(primaries.get(1).path("pid").asLong()).isEqualTo(4000 + PRIMARY);
        }
    }

    @Test
    void aSilentPrimaryIsLostAfterThePingBoundAndItsReplicaPromoted() throws IOException {
        startProxy(5);
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            long silentSince = System.nanoTime(); // the primary says nothing after its REGISTER
            assertThat(register(primary, 1, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            backup.send(new Frame.Follow(1, BACKUP));
            // the primary answers no PING from now on; the backup does (receive() answers them)
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(2, false));
            assertThat(Duration.ofNanos(System.nanoTime() - silentSince)).isGreaterThanOrEqualTo(Duration.ofMillis(400))
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(primary.closedByProxyWhileSilent()).isTrue();
        }
    }

    @Test
    void aPromoteLostWithItsLinkIsSentAgainWhenThePromotedBackupFollowsAgain() throws IOException {
        startProxy();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(primary, 2, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
                backup.send(new Frame.Follow(2, BACKUP));
                nothingWithin(backup);
                primary.close();
                assertThat(backup.receive()).isEqualTo(new Frame.Promote(3, false));
            }
        }
        try (FakePrimary backupAgain = FakePrimary.connect(proxy.primaryAddress())) {
            backupAgain.send(new Frame.Follow(2, BACKUP));
            assertThat(backupAgain.receive()).isEqualTo(new Frame.Promote(3, false));
        }
    }

    @Test
    void aPrimaryOnOneCopyIsNeverReplacedItsBackupWaits() throws IOException {
        startProxy();
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(primary, 1, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
                backup.send(new Frame.Follow(1, BACKUP));
                // the primary lost its backup: answers from now on may be missing there
                primary.send(new Frame.Replica(0));
                assertThat(nothingWithin(primary)).isTrue(); // the REPLICA is read before the link closes
            }
            assertThat(nothingWithin(backup)).as("no promotion of a backup that may lack acknowledged writes").isTrue();
            try (LineClient admin = new LineClient(proxy.shutdownAddress())) {
                JsonNode primaries = JSON.readTree(admin.send("STATUS").readLine()).path("proxy").path("primaries");
                assertThat(primaries.get(0).path("why").asText()).as("why STATUS gives for the loss")
                        .isEqualTo("its connection closed (a crash closes it at once); it served on one copy");
            }
            // the old primary comes back with its epoch and serves again
            try (FakePrimary back = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(back, 1, PRIMARY, 0)).isInstanceOf(Frame.Registered.class);
            }
        }
    }

    /**
     * A primary lost while it served on one copy from a data directory: a backup started on that very node directory
     * (the backup command line of the machine where it ran), which forces its log before each answer, follows its
     * epoch with that directory's copy, which holds every update it answered: promoted as its replica would be, after
     * a late follower's grace. Not a follower of another directory, of that directory with another history or another
     * primary, one that names none or does not force, one that followed while the primary held that directory (a copy
     * of it), nor the right one while another backup follows.
     */
    @Test
    void aBackupStartedOnTheNodeDirectoryOfAPrimaryLostOnOneCopyIsPromoted() throws IOException {
        Duration grace = Duration.ofMillis(500);
        Duration pastTheGrace = grace.plusMillis(300); // three pings: the proxy decides on a follower's PONG
        long history = 0x5EED_0000_0000_0001L;
        String lost = "b.00000000000000b1";
        startProxyWaiting(30, grace);
        try (LineClient admin = new LineClient(proxy.shutdownAddress())) {
            FakePrimary copy = FakePrimary.connect(proxy.primaryAddress());
            try (FakePrimary alone = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(alone.register(new Frame.Register(2, 4000 + PRIMARY, PRIMARY, PRIMARY_SHUTDOWN_SAP, 40, 0,
                        history, List.of(lost)))).isInstanceOf(Frame.Registered.class);
                copy.send(new Frame.Follow(2, 0x3330, PRIMARY, 40, history, lost, true));
                assertThat(nothingWithin(alone)).isTrue(); // the FOLLOW is read before the link closes
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryRegistered());
            assertThat(nothingWithin(copy, pastTheGrace)).as("a copy that followed before the loss").isTrue();
            copy.close();
            for (Frame.Follow other : List.of(new Frame.Follow(2, 0x3331, PRIMARY, 40, history, "a.00000000000000a1",
                            true), new Frame.Follow(2, 0x3332, PRIMARY, 40, history + 1, lost, true),
                    new Frame.Follow(2, 0x3333, 0x9999, 40, history, lost, true),
                    new Frame.Follow(2, 0x3334, PRIMARY, 40, history, lost, false),
                    new Frame.Follow(2, 0x3335, PRIMARY, 40))) {
                awaitFollowers(admin, 0);
                try (FakePrimary link = FakePrimary.connect(proxy.primaryAddress())) {
                    link.send(other);
                    assertThat(nothingWithin(link, pastTheGrace)).as("not promoted: %s", other).isTrue();
                }
            }
            awaitFollowers(admin, 0);
            FakePrimary another = FakePrimary.connect(proxy.primaryAddress());
            another.send(new Frame.Follow(2, 0x3336, PRIMARY, 45));
            awaitFollowers(admin, 1);
            try (FakePrimary keeper = FakePrimary.connect(proxy.primaryAddress())) {
                long followedAt = System.nanoTime();
                keeper.send(new Frame.Follow(2, BACKUP, PRIMARY, 40, history, lost, true));
                assertThat(nothingWithin(keeper, pastTheGrace)).as("while another backup follows").isTrue();
                another.close();
                assertThat(receiveWithin(keeper, Duration.ofSeconds(10))).isEqualTo(new Frame.Promote(3, false));
                assertThat(Duration.ofNanos(System.nanoTime() - followedAt)).isGreaterThanOrEqualTo(grace);
                try (FakePrimary promoted = FakePrimary.connect(proxy.primaryAddress())) {
                    assertThat(promoted.register(new Frame.Register(3, 4000 + BACKUP, BACKUP, PRIMARY_SHUTDOWN_SAP, 40,
                            0, history, List.of(lost)))).isInstanceOf(Frame.Registered.class);
                }
            }
        }
    }

    /**
     * A backup on the lost one-copy primary's node directory that does not force its log before each answer is left to
     * the operator (a power cut may have taken answered updates from that log); what the proxy says at ERROR and
     * PROMOTE's answer say it keeps that directory, and not that it lacks what the directory holds.
     */
    @Test
    void aBackupOnTheLostPrimarysDirectoryThatDoesNotForceIsLeftToTheOperatorAndSaidToKeepIt() throws IOException {
        long history = 0x5EED_0000_0000_0001L;
        String lost = "a.00000000000000a4";
        startProxyWaiting(30, Duration.ofSeconds(1));
        try (FakePrimary alone = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(alone.register(new Frame.Register(2, 4000 + PRIMARY, PRIMARY, PRIMARY_SHUTDOWN_SAP, 40, 0,
                    history, List.of(lost)))).isInstanceOf(Frame.Registered.class);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryRegistered());
        try (FakePrimary keeper = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            keeper.send(new Frame.Follow(2, BACKUP, PRIMARY, 40, history, lost, false));
            await().atMost(Duration.ofSeconds(10)).until(() -> operatorAlerts().size() == 2);
            assertThat(operatorAlerts().get(1)).isEqualTo("no primary is registered, and backup (server 2222), which"
                    + " follows epoch 2 of primary server 1111 up to index 40, keeps the node directory node-a"
                    + " (instance=00000000000000a4 in its node.meta), where the lost primary served on one copy, but is"
                    + " promoted by nobody but the operator: it does not force its log before each answer; promote it"
                    + " (./tuplespace promote PROXY_SHUTDOWN_SAP) unless a power cut or a crash of that machine's"
                    + " system may have taken answered updates from that log, or start the server that served last");
            assertThat(admin.send("PROMOTE").readLine()).isEqualTo("ok: promoted backup (server 2222) to epoch 3; it"
                    + " keeps the node directory the old primary served on: it holds what that primary answered, unless"
                    + " a power cut took the end of a log not forced before each answer");
            assertThat(receiveWithin(keeper, Duration.ofSeconds(10))).isEqualTo(new Frame.Promote(3, false));
        }
    }

    private static void awaitFollowers(LineClient admin, int followers) {
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.send("STATUS").readLine()
                .contains("\"followers\":" + followers + ","));
    }

    @Test
    void onlyTheReplicaTheLostPrimaryNamedIsPromotedAndItMayFollowAfterTheLoss() throws IOException {
        Duration grace = Duration.ofSeconds(1);
        startProxyWaiting(30, grace);
        FakePrimary stranger = FakePrimary.connect(proxy.primaryAddress());
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(primary, 5, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
                stranger.send(new Frame.Follow(5, 0x9999));
            }
            assertThat(nothingWithin(stranger)).as("a follower the primary did not name").isTrue();
            stranger.close();
            try (LineClient admin = new LineClient(proxy.shutdownAddress())) {
                assertThat(admin.send("STATUS").readLine()).as("STATUS while no primary is registered")
                        .contains("\"replica\":\"2222\"").contains("\"primary\":null");
            }
            // the named backup's own follow link was down at the loss: it is promoted when it follows again, once
            // the old primary has had its chance to register again (after a partition of the proxy heals)
            long lostAt = System.nanoTime();
            backup.send(new Frame.Follow(5, BACKUP));
            backup.readTimeout(Duration.ofSeconds(10));
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(6, false));
            assertThat(Duration.ofNanos(System.nanoTime() - lostAt)).isGreaterThanOrEqualTo(grace);
            try (LineClient admin = new LineClient(proxy.shutdownAddress())) {
                assertThat(admin.send("STATUS").readLine()).as("STATUS once that backup was promoted")
                        .contains("\"replica\":null");
            }
        }
    }

    @Test
    void aFollowerOfAnOlderEpochIsToldItIsStale() throws IOException {
        startProxy();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary old = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(primary, 7, PRIMARY, 0)).isInstanceOf(Frame.Registered.class);
            old.send(new Frame.Follow(6, BACKUP));
            assertThat(old.receive()).isEqualTo(new Frame.StaleEpoch(7));
            assertThat(old.closedByProxy()).isTrue();
        }
    }

    /**
     * A restarted proxy knows no epoch, but a backup that follows one holds what its primary served: a server of an older
     * epoch (started fresh, or on an older data directory) is refused, and the backup waits on for PROMOTE.
     */
    @Test
    void aPrimaryOfAnEpochBelowAFollowersIsStaleEvenToAProxyThatSawNoPrimary() throws IOException {
        startProxy();
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            backup.send(new Frame.Follow(3, BACKUP));
            assertThat(nothingWithin(backup)).as("a follower with no primary lost here is not promoted").isTrue();
            try (FakePrimary fresh = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(fresh, 2, 0x3333, 0)).isEqualTo(new Frame.StaleEpoch(3));
                assertThat(fresh.closedByProxy()).isTrue();
            }
            try (FakePrimary itsPrimary = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(itsPrimary, 3, PRIMARY, BACKUP)).as("the primary it follows, back")
                        .isInstanceOf(Frame.Registered.class);
            }
        }
    }

    /**
     * The older server registered first, before the backup came back to the restarted proxy: once the backup names its
     * higher epoch, that primary is fenced as any of an older epoch is, and the primary of the backup's epoch may still
     * register.
     */
    @Test
    void aRegisteredPrimaryBelowTheEpochABackupFollowsIsFencedWhenTheBackupComes() throws IOException {
        startProxy();
        try (FakePrimary fresh = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(fresh, 1, 0x3333, 0)).isInstanceOf(Frame.Registered.class);
            try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
                backup.send(new Frame.Follow(4, BACKUP));
                assertThat(fresh.receive()).isEqualTo(new Frame.StaleEpoch(4));
                assertThat(fresh.closedByProxy()).isTrue();
                assertThat(nothingWithin(backup)).as("not promoted: no primary named it").isTrue();
                try (FakePrimary again = FakePrimary.connect(proxy.primaryAddress())) {
                    assertThat(register(again, 1, 0x3333, 0)).isEqualTo(new Frame.StaleEpoch(4));
                }
                try (FakePrimary itsPrimary = FakePrimary.connect(proxy.primaryAddress())) {
                    assertThat(register(itsPrimary, 4, PRIMARY, BACKUP)).as("the primary it follows, back")
                            .isInstanceOf(Frame.Registered.class);
                }
            }
        }
    }

    /**
     * A proxy started again knows no epoch: a server restarted on an older data directory (epoch 2, no replica) that
     * registers before the backup holding the newest copy follows again would serve. Its REGISTER waits for the
     * backups that follow within half a second of the proxy's start, and is refused when one holds a newer copy.
     */
    @Test
    void aRestartedServerThatRegistersRightAfterTheProxyStartsWaitsForTheBackupsThatFollowThen() throws IOException {
        startProxy();
        try (FakePrimary restarted = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            restarted.send(new Frame.Register(2, 4000 + 0x3333, 0x3333, PRIMARY_SHUTDOWN_SAP, 40, 0));
            backup.send(new Frame.Follow(3, BACKUP, PRIMARY)); // its pauses while it waits for a proxy: 0.1 s at most
            assertThat(restarted.receive()).isEqualTo(new Frame.StaleEpoch(3));
            assertThat(restarted.closedByProxy()).isTrue();
            assertThat(nothingWithin(backup)).as("not promoted: no primary named it").isTrue();
        }
        try (FakePrimary withReplica = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(withReplica, 5, PRIMARY, BACKUP)).as("a primary naming its replica")
                    .isInstanceOf(Frame.Registered.class);
        }
    }

    /**
     * A second server started by mistake beside the running one (its own ports, the same proxy) is refused, but the
     * backup it synced follows its epoch 1 too, about when it registers. Long after the proxy's start, that is no
     * backup coming back to it: it fences nothing, and the running primary registers again as ever.
     */
    @Test
    void theBackupOfASecondServerStartedByMistakeDoesNotFenceTheRunningPrimary() throws IOException {
        Duration returningWithin = Duration.ofSeconds(1);
        startProxyWaiting(30, returningWithin);
        try (FakePrimary running = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(running, 1, PRIMARY, 0)).isInstanceOf(Frame.Registered.class);
            long until = System.nanoTime() + returningWithin.plusMillis(200).toNanos();
            while (System.nanoTime() - until < 0) {
                assertThat(nothingWithin(running)).isTrue(); // answering PINGs meanwhile
            }
            try (FakePrimary mistakenBackup = FakePrimary.connect(proxy.primaryAddress());
                 FakePrimary mistaken = FakePrimary.connect(proxy.primaryAddress())) {
                mistakenBackup.send(new Frame.Follow(1, 0x4444, 0x3333));
                assertThat(nothingWithin(running)).as("the running primary is not fenced").isTrue();
                assertThat(register(mistaken, 1, 0x3333, 0x4444)).isEqualTo(new Frame.StaleEpoch(1));
                try (FakePrimary again = FakePrimary.connect(proxy.primaryAddress())) {
                    assertThat(register(again, 1, PRIMARY, 0)).as("the running primary on a new link")
                            .isInstanceOf(Frame.Registered.class);
                }
            }
        }
    }

    /**
     * An epoch number names one primary only while the proxy remembers it: a backup that follows epoch 1 of one primary
     * holds a history apart from another server's epoch 1 (a fresh server, started again without its data directory).
     * That server is refused before it serves; registered before the backup came, it is fenced when the backup does.
     */
    @Test
    void theSameEpochNumberFromAnotherPrimaryThanTheOneABackupFollowsIsStale() throws IOException {
        startProxy();
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            backup.send(new Frame.Follow(1, BACKUP, PRIMARY));
            assertThat(nothingWithin(backup)).isTrue();
            try (FakePrimary fresh = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(fresh, 1, 0x3333, 0)).isEqualTo(new Frame.StaleEpoch(1));
            }
            try (FakePrimary itsPrimary = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(itsPrimary, 1, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            }
        }
        stopProxy();
        startProxy();
        try (FakePrimary fresh = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary freshBackup = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(fresh, 1, 0x3333, 0x4444)).as("before the backup comes back")
                    .isInstanceOf(Frame.Registered.class);
            freshBackup.send(new Frame.Follow(1, 0x4444, 0x3333));
            assertThat(nothingWithin(freshBackup)).isTrue();
            try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
                backup.send(new Frame.Follow(1, BACKUP, PRIMARY));
                assertThat(fresh.receive()).isEqualTo(new Frame.StaleEpoch(1));
                assertThat(fresh.closedByProxy()).isTrue();
                // the fenced primary's replica follows its history: let go, never promoted for the fenced primary
                Frame toFreshBackup;
                do {
                    toFreshBackup = freshBackup.receiveAny(); // PINGs before it; no PONG: the proxy closes the link
                } while (toFreshBackup instanceof Frame.Ping);
                assertThat(toFreshBackup).isEqualTo(new Frame.StaleEpoch(1));
                assertThat(freshBackup.closedByProxy()).isTrue();
                assertThat(nothingWithin(backup)).as("nobody promoted: no primary named this backup").isTrue();
                try (FakePrimary again = FakePrimary.connect(proxy.primaryAddress())) {
                    assertThat(register(again, 1, 0x3333, 0)).isEqualTo(new Frame.StaleEpoch(1));
                }
                try (FakePrimary itsPrimary = FakePrimary.connect(proxy.primaryAddress())) {
                    assertThat(register(itsPrimary, 1, PRIMARY, BACKUP)).as("the primary it follows, back")
                            .isInstanceOf(Frame.Registered.class);
                }
            }
        }
    }

    /**
     * A backup that came back to a proxy started anew follows the epoch of the primary it had: a server of the same
     * epoch number but another history is refused, until that backup has judged the server's state and taken it. The
     * server then registers naming it as its replica, which can reach the proxy before the backup's FOLLOW of it does
     * (a full verify saw that race): the backup's older FOLLOW does not fence it.
     */
    @Test
    void aServerWhoseStateTheReturningBackupTookIsNotFencedByThatBackupsOlderFollow() throws IOException {
        startProxyWaiting(30, Duration.ofSeconds(30)); // the backup counts as returning throughout, however slow
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            backup.send(new Frame.Follow(1, BACKUP, PRIMARY));
            assertThat(nothingWithin(backup)).isTrue();
            try (FakePrimary other = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(other, 1, 0x5555, 0)).as("another history, with no replica")
                        .isEqualTo(new Frame.StaleEpoch(1));
            }
            try (FakePrimary judged = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(judged, 1, 0x3333, BACKUP)).as("the server whose state that backup took")
                        .isInstanceOf(Frame.Registered.class);
                assertThat(nothingWithin(judged)).as("not fenced afterwards").isTrue();
                try (FakePrimary again = FakePrimary.connect(proxy.primaryAddress())) {
                    again.send(new Frame.Follow(1, BACKUP, PRIMARY)); // sent before it took that state, read after
                    assertThat(nothingWithin(judged)).as("not fenced by its replica's late FOLLOW either").isTrue();
                }
            }
        }
    }

    /**
     * The replica a primary names still fences it with a FOLLOW of a higher epoch: a backup cannot have taken the
     * state of a primary of a lower epoch than its copy's, so that copy is newer.
     */
    @Test
    void aReplicaThatFollowsAHigherEpochStillFencesThePrimaryThatNamedIt() throws IOException {
        startProxy();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(primary, 1, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
                backup.send(new Frame.Follow(2, BACKUP, 0x7777));
                assertThat(primary.receive()).isEqualTo(new Frame.StaleEpoch(2));
                assertThat(primary.closedByProxy()).isTrue();
            }
        }
    }

    /**
     * A proxy started anew knows no primary yet: one that outlived its previous process registers within seconds, and
     * a PROMOTE meanwhile would fence it (an operator who read "no primary" in STATUS did just that). PROMOTE is
     * refused until then, and taken after.
     */
    @Test
    void anOperatorsPromoteRightAfterTheProxyStartedWaitsForARunningPrimaryToComeBack() throws IOException {
        // the backup reads nothing until its PROMOTE: 15 s of silence allowed; 2 s to follow and ask STATUS in
        startProxyWaiting(150, Duration.ofSeconds(2));
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            backup.send(new Frame.Follow(3, BACKUP));
            awaitFollowers(admin, 1);
            assertThat(admin.send("PROMOTE").readLine()).startsWith("error: this proxy started ")
                    .contains("no primary has registered yet: a primary that outlived the previous proxy process"
                            + " registers within 2 s of this proxy's start, and a promotion now would fence it");
            // 2 s after it followed (so after the proxy's first 2 s): said at ERROR that only the operator promotes it
            await().atMost(Duration.ofSeconds(10)).until(() -> !operatorAlerts().isEmpty());
            assertThat(operatorAlerts()).singleElement().asString().isEqualTo("no primary is registered, and backup"
                    + " (server 2222), which follows epoch 3, is promoted by nobody but the operator: start the server"
                    + " that served last, or promote this backup (./tuplespace promote PROXY_SHUTDOWN_SAP); what a"
                    + " primary answered on one copy since it took that copy is then lost");
            assertThat(admin.send("PROMOTE").readLine()).startsWith("ok: promoted backup (server 2222)");
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(4, false));
            try (FakePrimary promoted = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(promoted, 4, BACKUP, 0)).isInstanceOf(Frame.Registered.class);
                JsonNode primaries = JSON.readTree(admin.send("STATUS").readLine()).path("proxy").path("primaries");
                assertThat(primaries.get(primaries.size() - 1).path("how").asText()).as("told from a failover")
                        .isEqualTo("promoted by the operator");
            }
        }
    }

    /**
     * The lost primary served on one copy: the loss is said at ERROR (nobody may take over), and its follower is
     * promoted by nobody but the operator, as said at ERROR too, which names the lost primary's data directory, the one
     * that holds what it answered alone.
     */
    @Test
    void aBackupThatOnlyAnOperatorMayPromoteAfterALossIsNamedAtError() throws IOException {
        startProxyWaiting(150, Duration.ofSeconds(1)); // the backup answers no PING: 15 s of silence allowed
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                primary.send(new Frame.Register(2, 4000 + PRIMARY, PRIMARY, PRIMARY_SHUTDOWN_SAP, 0, 0, 0x5EED,
                        List.of("a.00000000000000a4")));
                assertThat(primary.receive()).isInstanceOf(Frame.Registered.class);
                backup.send(new Frame.Follow(2, BACKUP));
                assertThat(nothingWithin(primary)).isTrue(); // the FOLLOW is read before the link closes
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> operatorAlerts().size() == 2);
            assertThat(operatorAlerts().get(0)).as("the loss itself: nobody may take over")
                    .startsWith("primary_lost: ").contains("which served on one copy")
                    .contains("(its connection closed (a crash closes it at once))");
            assertThat(operatorAlerts().get(1))
                    .startsWith("no primary is registered, and backup (server 2222), which follows epoch 2, is promoted"
                            + " by nobody but the operator: start the server that served last (its node directory"
                            + " node-a (instance=00000000000000a4 in its node.meta) holds what it answered on one copy,"
                            + " which that backup lacks), or promote this backup");
            assertThat(nothingWithin(backup)).as("no promotion").isTrue();
        }
    }

    /**
     * After a failover and then a total loss, both machines' last command lines are backups' ones: both follow one
     * primary of the newest epoch, and nobody serves. PROMOTE takes the one whose copy goes furthest along that history
     * (a tie would be two equal copies); said at ERROR. Backups of two primaries of that epoch number are two
     * histories: PROMOTE names them and takes neither, and the ERROR says so.
     */
    @Test
    void ofBackupsThatFollowOnePrimaryAnOperatorsPromoteTakesTheFurthest() throws IOException {
        startProxyWaiting(150, Duration.ofSeconds(1)); // the backups answer no PING: 15 s of silence allowed
        try (FakePrimary behind = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary furthest = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            behind.send(new Frame.Follow(2, 0x2222, PRIMARY, 1304));
            furthest.send(new Frame.Follow(2, 0x2221, PRIMARY, 1705));
            await().atMost(Duration.ofSeconds(10)).until(() -> !operatorAlerts().isEmpty());
            assertThat(operatorAlerts()).singleElement().asString().contains("backup (server 2221), which follows epoch"
                    + " 2 of primary server 1111 up to index 1705, is promoted by nobody but the operator");
            assertThat(admin.send("PROMOTE").readLine()).startsWith("ok: promoted backup (server 2221) to epoch 3");
            assertThat(furthest.receive()).isEqualTo(new Frame.Promote(3, false));
            try { // the other one, of the epoch before now, is let go unpromoted
                while (true) {
                    assertThat(behind.receive()).isNotInstanceOf(Frame.Promote.class);
                }
            } catch (java.io.EOFException | java.net.SocketException letGo) {
                // closed by the proxy with no PROMOTE before it: as expected
            }
        }
    }

    /** See {@link #ofBackupsThatFollowOnePrimaryAnOperatorsPromoteTakesTheFurthest}: two primaries of one epoch. */
    @Test
    void ofBackupsThatFollowTwoPrimariesOfOneEpochAnOperatorsPromoteTakesNone() throws IOException {
        startProxyWaiting(150, Duration.ofSeconds(1));
        try (FakePrimary one = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary other = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            one.send(new Frame.Follow(2, 0x2221, PRIMARY, 1304));
            other.send(new Frame.Follow(2, 0x2222, 0x1112, 1705));
            await().atMost(Duration.ofSeconds(10)).until(() -> !operatorAlerts().isEmpty());
            assertThat(operatorAlerts()).singleElement().asString().contains("2 backups follow epoch 2 (")
                    .contains("of different primaries, or not naming theirs: two histories: the operator decides");
            assertThat(admin.send("PROMOTE").readLine()).startsWith("error: 2 backups follow the newest epoch (")
                    .contains("server 2221 follows epoch 2 of primary server 1111 up to index 1304")
                    .contains("of different primaries").contains("stop the backup whose copy to give up");
        }
    }

    /**
     * A backup that followed while its primary was registered was fed by it since: the last index its FOLLOW said is
     * not how far its copy goes. Of it and another follower, PROMOTE takes neither, and says why.
     */
    @Test
    void aBackupThatFollowedWhileItsPrimaryFedItIsNotComparedByItsIndex() throws IOException {
        startProxyWaiting(150, Duration.ofSeconds(1));
        try (FakePrimary live = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary recovered = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(primary, 2, PRIMARY, 0)).isInstanceOf(Frame.Registered.class);
                live.send(new Frame.Follow(2, 0x2221, PRIMARY, 100)); // then fed up to far beyond 100
                assertThat(nothingWithin(primary)).isTrue(); // the FOLLOW is read before the link closes
            }
            recovered.send(new Frame.Follow(2, 0x2222, PRIMARY, 1705));
            awaitFollowers(admin, 2);
            assertThat(admin.send("PROMOTE").readLine()).startsWith("error: 2 backups follow the newest epoch (")
                    .contains("one followed while a primary fed it: how far its copy goes now is not known here");
        }
    }

    /** What the registry logged at ERROR: where nobody serves until the operator (or a server's start) acts. */
    private List<String> operatorAlerts() {
        synchronized (lines) { // appended to on the proxy's loops, under the appender's lock
            return lines.list.stream().filter(line -> line.getLevel() == Level.ERROR)
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void anOperatorMayPromoteTheOneFollowingBackupWhenNoPrimaryNamedIt() throws IOException {
        startProxy();
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(primary, 4, PRIMARY, 0)).isInstanceOf(Frame.Registered.class);
                backup.send(new Frame.Follow(4, BACKUP));
                nothingWithin(backup);
                assertThat(admin.send("PROMOTE").readLine()).as("refused while a primary is registered")
                        .startsWith("error: a primary is registered");
            }
            assertThat(nothingWithin(backup)).as("the primary served on one copy: no promotion by itself").isTrue();
            assertThat(admin.send("promote").readLine()).startsWith("ok: promoted backup (server 2222) to epoch 5");
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(5, false));
            assertThat(admin.send("PROMOTE").readLine()).as("nobody follows any more")
                    .startsWith("error: expected a backup following the newest epoch, found none");
        }
        try (FakePrimary old = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(old, 4, PRIMARY, 0)).as("the old primary is fenced").isEqualTo(new Frame.StaleEpoch(5));
        }
    }

    @Test
    void aGrantToABackupThatDiedWithoutRegisteringLetsARestartedPrimaryTakeTheEpoch() throws IOException {
        startProxy();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(primary, 1, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
                backup.send(new Frame.Follow(1, BACKUP));
                nothingWithin(backup);
                primary.close(); // killed together with its backup
                assertThat(backup.receive()).isEqualTo(new Frame.Promote(2, false));
            }
        }
        // the restarted server registers above the epoch it recorded (1): the grant of 2 went to a dead backup
        try (FakePrimary restarted = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (FakePrimary attempt = FakePrimary.connect(proxy.primaryAddress())) {
                    return register(attempt, 2, 0x4444, 0);
                }
            }, frame -> frame instanceof Frame.Registered)).isInstanceOf(Frame.Registered.class);
        }
    }

    @Test
    void aGrantStandsWhileThePromotedBackupStillFollows() throws IOException {
        startProxy();
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(primary, 1, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
                backup.send(new Frame.Follow(1, BACKUP));
                nothingWithin(backup);
            }
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(2, false));
            try (FakePrimary other = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(other, 2, 0x4444, 0)).isEqualTo(new Frame.StaleEpoch(2));
            }
            // nor above it: a server restarted on an older data directory takes the epoch above its own highest
            try (FakePrimary other = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(other, 7, 0x4444, 0)).isEqualTo(new Frame.StaleEpoch(2));
            }
        }
    }

    @Test
    void aSteppedDownPrimaryHandsOverToItsReplicaAndTheOperatorHearsWhenTheNewPrimaryServes() throws IOException {
        startProxy();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            assertThat(register(primary, 3, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            backup.send(new Frame.Follow(3, BACKUP));
            backup.send(new Frame.Ping(1)); // heard: the follower counts as there
            assertThat(backup.receive()).isEqualTo(new Frame.Pong(1));

            admin.send("SWITCHOVER");
            assertThat(primary.receive()).isEqualTo(new Frame.StepDown(3));
            primary.send(new Frame.SteppedDown(17));
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(4, true));
            assertThat(primary.receive()).as("the old primary hears the new epoch: it becomes the backup")
                    .isEqualTo(new Frame.StaleEpoch(4));
            try (FakePrimary promoted = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(promoted, 4, BACKUP, 0)).isInstanceOf(Frame.Registered.class);
                assertThat(admin.readLine()).startsWith("ok: switched over in ")
                        .contains("server 2222", "primary of epoch 4", "old primary (pid " + (4000 + PRIMARY) + ")");
            }
        }
    }

    @Test
    void withoutAReplicaThereIsNothingToSwitchOverTo() throws IOException {
        startProxy();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            assertThat(admin.send("SWITCHOVER").readLine()).isEqualTo("error: no primary is registered: nothing to switch"
                    + " over from");
            assertThat(register(primary, 1, PRIMARY, 0)).isInstanceOf(Frame.Registered.class);
            assertThat(admin.send("switchover").readLine()).startsWith("error: primary(epoch 1")
                    .endsWith("has no backup in step (it serves on one copy): nothing to switch over to");
            primary.send(new Frame.Replica(BACKUP)); // named, but that backup does not follow at the proxy
            // the REPLICA frame and the admin line arrive on different connections: asked until the proxy has read it
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(admin.send("SWITCHOVER").readLine())
                    .isEqualTo("error: the backup in step (server 2222) does not follow at the proxy now: it could not be"
                            + " promoted"));
        }
    }

    @Test
    void aRefusedStepDownLeavesThePrimaryServingAndSaysWhy() throws IOException {
        startProxy();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            assertThat(register(primary, 2, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            backup.send(new Frame.Follow(2, BACKUP));
            backup.send(new Frame.Ping(1));
            assertThat(backup.receive()).isEqualTo(new Frame.Pong(1));

            admin.send("SWITCHOVER");
            assertThat(primary.receive()).isEqualTo(new Frame.StepDown(2));
            primary.send(new Frame.StepDownRefused("backup server 2222 did not acknowledge index 9 within 5 s"));
            assertThat(admin.readLine()).isEqualTo("error: the primary did not step down: backup server 2222 did not"
                    + " acknowledge index 9 within 5 s");
            // still the primary: a second switchover is asked of it again
            admin.send("SWITCHOVER");
            assertThat(primary.receive()).isEqualTo(new Frame.StepDown(2));
        }
    }

    /**
     * The first frame other than a PING (answered) that {@code link} receives within {@code limit}; an AssertionError
     * once it is over (the proxy's PINGs keep a plain read from ever timing out).
     */
    private static Frame receiveWithin(FakePrimary link, Duration limit) throws IOException {
        return nextFrameWithin(link, limit).orElseThrow(() -> new AssertionError("expected a frame within " + limit
                + ", found only PINGs"));
    }

    /** True if nothing but PINGs (answered, as a live peer does) arrives for half a second. */
    private static boolean nothingWithin(FakePrimary link) throws IOException {
        return nothingWithin(link, Duration.ofMillis(500));
    }

    /** True if nothing but PINGs (answered) comes on {@code link} within {@code limit}; an AssertionError otherwise. */
    private static boolean nothingWithin(FakePrimary link, Duration limit) throws IOException {
        Optional<Frame> frame = nextFrameWithin(link, limit);
        if (frame.isPresent()) {
            throw new AssertionError("expected nothing, found " + frame.get());
        }
        return true;
    }

    /** The first frame other than a PING (answered) that {@code link} receives within {@code limit}; empty if none. */
    private static Optional<Frame> nextFrameWithin(FakePrimary link, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                link.readTimeout(Duration.ofNanos(Math.max(left, 1_000_000)));
                Frame frame;
                try {
                    frame = link.receiveAny();
                } catch (SocketTimeoutException quiet) {
                    return Optional.empty();
                }
                if (frame instanceof Frame.Ping ping) {
                    link.send(new Frame.Pong(ping.nanos()));
                } else {
                    return Optional.of(frame);
                }
            }
            return Optional.empty();
        } finally {
            link.readTimeout(Duration.ofSeconds(5));
        }
    }
}
