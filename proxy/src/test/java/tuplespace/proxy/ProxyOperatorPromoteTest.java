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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.codec.frame.Frame;

/**
 * The operator's PROMOTE (docs/design.md "Failover"): where the proxy promotes nobody by itself (the lost primary
 * served on one copy, named no replica, or the proxy has just started), the backups it leaves to the operator are named
 * at ERROR, and PROMOTE takes the one whose copy goes furthest, or none, saying why, when that cannot be told.
 */
@Timeout(30)
class ProxyOperatorPromoteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final WitnessFixture witness = new WitnessFixture();
    private ProxyServer proxy;

    /**
     * A proxy started anew knows no primary yet: one that outlived its previous process registers within seconds, and
     * a PROMOTE meanwhile would fence it (an operator who read "no primary" in STATUS did just that). PROMOTE is
     * refused until then, and taken after.
     */
    @Test
    void anOperatorsPromoteRightAfterTheProxyStartedWaitsForARunningPrimaryToComeBack() throws IOException {
        // the backup reads nothing until its PROMOTE: 15 s of silence allowed; 2 s to follow and ask STATUS in
        proxy = witness.startWaiting(150, Duration.ofSeconds(2));
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            backup.send(new Frame.Follow(3, BACKUP));
            awaitFollowers(admin, 1);
            assertThat(admin.send("PROMOTE").readLine()).startsWith("error: this proxy started ")
                    .contains("no primary has registered yet: a primary that outlived the previous proxy process"
                            + " registers within 2 s of this proxy's start, and a promotion now would fence it");
            // 2 s after it followed (so after the proxy's first 2 s): said at ERROR that only the operator promotes it
            await().atMost(Duration.ofSeconds(10)).until(() -> !witness.operatorAlerts().isEmpty());
            assertThat(witness.operatorAlerts()).singleElement().asString().isEqualTo("no primary is registered, and"
                    + " backup (server 2222), which follows epoch 3, is promoted by nobody but the operator: start the"
                    + " server that served last, or promote this backup (./tuplespace promote PROXY_SHUTDOWN_SAP);"
                    + " what a primary answered on one copy since it took that copy is then lost");
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
        proxy = witness.startWaiting(150, Duration.ofSeconds(1)); // the backup answers no PING: 15 s of silence allowed
        try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
            try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
                primary.send(new Frame.Register(2, 4000 + PRIMARY, PRIMARY, PRIMARY_SHUTDOWN_SAP, 0, 0, 0x5EED,
                        List.of("a.00000000000000a4")));
                assertThat(primary.receive()).isInstanceOf(Frame.Registered.class);
                backup.send(new Frame.Follow(2, BACKUP));
                assertThat(nothingWithin(primary)).isTrue(); // the FOLLOW is read before the link closes
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> witness.operatorAlerts().size() == 2);
            assertThat(witness.operatorAlerts().get(0)).as("the loss itself: nobody may take over")
                    .startsWith("primary_lost: ").contains("which served on one copy")
                    .contains("(its connection closed (a crash closes it at once))");
            assertThat(witness.operatorAlerts().get(1))
                    .startsWith("no primary is registered, and backup (server 2222), which follows epoch 2, is promoted"
                            + " by nobody but the operator: start the server that served last (its node directory"
                            + " node-a (instance=00000000000000a4 in its node.meta) holds what it answered on one copy,"
                            + " which that backup lacks), or promote this backup");
            assertThat(nothingWithin(backup)).as("no promotion").isTrue();
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
        proxy = witness.startWaiting(30, Duration.ofSeconds(1));
        try (FakePrimary alone = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(alone.register(new Frame.Register(2, 4000 + PRIMARY, PRIMARY, PRIMARY_SHUTDOWN_SAP, 40, 0,
                    history, List.of(lost)))).isInstanceOf(Frame.Registered.class);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryRegistered());
        try (FakePrimary keeper = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            keeper.send(new Frame.Follow(2, BACKUP, PRIMARY, 40, history, lost, false));
            await().atMost(Duration.ofSeconds(10)).until(() -> witness.operatorAlerts().size() == 2);
            assertThat(witness.operatorAlerts().get(1)).isEqualTo("no primary is registered, and backup (server 2222),"
                    + " which follows epoch 2 of primary server 1111 up to index 40, keeps the node directory node-a"
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

    /**
     * After a failover and then a total loss, both machines' last command lines are backups' ones: both follow one
     * primary of the newest epoch, and nobody serves. PROMOTE takes the one whose copy goes furthest along that history
     * (a tie would be two equal copies); said at ERROR. Backups of two primaries of that epoch number are two
     * histories: PROMOTE names them and takes neither, and the ERROR says so.
     */
    @Test
    void ofBackupsThatFollowOnePrimaryAnOperatorsPromoteTakesTheFurthest() throws IOException {
        proxy = witness.startWaiting(150, Duration.ofSeconds(1)); // the backups answer no PING: 15 s of silence allowed
        try (FakePrimary behind = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary furthest = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            behind.send(new Frame.Follow(2, 0x2222, PRIMARY, 1304));
            furthest.send(new Frame.Follow(2, 0x2221, PRIMARY, 1705));
            await().atMost(Duration.ofSeconds(10)).until(() -> !witness.operatorAlerts().isEmpty());
            assertThat(witness.operatorAlerts()).singleElement().asString().contains("backup (server 2221), which"
                    + " follows epoch 2 of primary server 1111 up to index 1705, is promoted by nobody but the"
                    + " operator");
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
        proxy = witness.startWaiting(150, Duration.ofSeconds(1));
        try (FakePrimary one = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary other = FakePrimary.connect(proxy.primaryAddress());
             LineClient admin = new LineClient(proxy.shutdownAddress())) {
            one.send(new Frame.Follow(2, 0x2221, PRIMARY, 1304));
            other.send(new Frame.Follow(2, 0x2222, 0x1112, 1705));
            await().atMost(Duration.ofSeconds(10)).until(() -> !witness.operatorAlerts().isEmpty());
            assertThat(witness.operatorAlerts()).singleElement().asString().contains("2 backups follow epoch 2 (")
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
        proxy = witness.startWaiting(150, Duration.ofSeconds(1));
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

    @Test
    void anOperatorMayPromoteTheOneFollowingBackupWhenNoPrimaryNamedIt() throws IOException {
        proxy = witness.start();
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
}
