package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tuplespace.proxy.ProxyRelayTest.PRIMARY_SHUTDOWN_SAP;
import static tuplespace.proxy.WitnessFixture.BACKUP;
import static tuplespace.proxy.WitnessFixture.PRIMARY;
import static tuplespace.proxy.WitnessFixture.awaitFollowers;
import static tuplespace.proxy.WitnessFixture.nothingWithin;
import static tuplespace.proxy.WitnessFixture.receiveWithin;
import static tuplespace.proxy.WitnessFixture.register;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.codec.frame.Frame;

/**
 * The proxy as witness (docs/design.md "Failover"): it promotes a following backup only once it lost the primary
 * itself, and only the backup that primary named its replica, or one that keeps the node directory of a primary lost on
 * one copy; a primary that served on one copy is never replaced by a backup that may lack what it answered. After a
 * promotion only that backup may register the new epoch. STATUS lists the primaries and how each one's link ended.
 */
@Timeout(30)
class ProxyWitnessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final WitnessFixture witness = new WitnessFixture();
    private ProxyServer proxy;

    @Test
    void aBackupNamedReplicaIsPromotedOnceThePrimaryLinkCloses() throws IOException {
        proxy = witness.start();
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
        proxy = witness.start();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(primary, 3, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !witness.operatorAlerts().isEmpty());
        assertThat(witness.operatorAlerts()).singleElement().asString().startsWith("primary_lost: ")
                .contains("its replica, backup server 2222, does not follow here: holding client requests until that"
                        + " backup follows again (it is promoted then) or a primary registers");
    }

    /** STATUS lists the primaries registered: how each came, and when and why its link ended. A failover shows. */
    @Test
    void statusListsEachPrimaryWithHowItCameAndWhenAndWhyItsLinkEnded() throws IOException {
        proxy = witness.start();
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
        proxy = witness.start();
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
        proxy = witness.start(5);
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            // the backup follows first: a FOLLOW sent after the REGISTER by a test thread slowed down (a cold JVM on a
            // busy machine) came after the primary's loss, and the proxy then waits for a late follower's grace
            backup.send(new Frame.Follow(1, BACKUP));
            long silentSince = System.nanoTime(); // the primary says nothing after its REGISTER
            assertThat(register(primary, 1, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            // the primary answers no PING from now on; the backup does (receive() answers them)
            assertThat(backup.receive()).isEqualTo(new Frame.Promote(2, false));
            assertThat(Duration.ofNanos(System.nanoTime() - silentSince)).isGreaterThanOrEqualTo(Duration.ofMillis(400))
                    .isLessThan(Duration.ofSeconds(3));
            assertThat(primary.closedByProxyWhileSilent()).isTrue();
        }
    }

    @Test
    void aPromoteLostWithItsLinkIsSentAgainWhenThePromotedBackupFollowsAgain() throws IOException {
        proxy = witness.start();
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
        proxy = witness.start();
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
        proxy = witness.startWaiting(30, grace);
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

    @Test
    void onlyTheReplicaTheLostPrimaryNamedIsPromotedAndItMayFollowAfterTheLoss() throws IOException {
        Duration grace = Duration.ofSeconds(1);
        proxy = witness.startWaiting(30, grace);
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
    void aGrantToABackupThatDiedWithoutRegisteringLetsARestartedPrimaryTakeTheEpoch() throws IOException {
        proxy = witness.start();
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

    /**
     * Primary and backup killed together while the proxy stays up: the loss is said at INFO (the backup followed and
     * was promoted), and once the promoted backup, whose link closed, has not registered within the wait, that nobody
     * serves is said at ERROR, as every loss that nobody takes over is.
     */
    @Test
    void aPromotedBackupThatNeverRegistersIsAnError() throws IOException {
        proxy = witness.startWaiting(30, Duration.ofSeconds(1));
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(witness.lostWhileFollowed(backup, 1)).isEqualTo(new Frame.Promote(2, false));
            assertThat(witness.operatorAlerts()).as("the loss, taken over").isEmpty();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !witness.operatorAlerts().isEmpty());
        assertThat(witness.operatorAlerts()).singleElement().asString()
                .startsWith("backup (server 2222) promoted to epoch 2 closed its link and did not register within 1s:"
                        + " no primary serves");
    }

    @Test
    void aGrantStandsWhileThePromotedBackupStillFollows() throws IOException {
        proxy = witness.start();
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(witness.lostWhileFollowed(backup, 1)).isEqualTo(new Frame.Promote(2, false));
            try (FakePrimary other = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(other, 2, 0x4444, 0)).isEqualTo(new Frame.StaleEpoch(2));
            }
            // nor above it: a server restarted on an older data directory takes the epoch above its own highest
            try (FakePrimary other = FakePrimary.connect(proxy.primaryAddress())) {
                assertThat(register(other, 7, 0x4444, 0)).isEqualTo(new Frame.StaleEpoch(2));
            }
        }
    }
}
