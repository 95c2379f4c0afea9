package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.proxy.ProxyRelayTest.PRIMARY_SHUTDOWN_SAP;
import static tuplespace.proxy.WitnessFixture.BACKUP;
import static tuplespace.proxy.WitnessFixture.PRIMARY;
import static tuplespace.proxy.WitnessFixture.nothingWithin;
import static tuplespace.proxy.WitnessFixture.register;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.codec.frame.Frame;

/**
 * The proxy as fence (docs/design.md "Failover"): a primary of an epoch below the highest the proxy saw, or below the
 * one a following backup holds, is refused or, once registered, told the newer epoch and closed; an epoch number names
 * one primary only, and a backup that took a server's state does not fence it. A restarted proxy, which remembers no
 * epoch, learns it from the backups that come back.
 */
@Timeout(30)
class ProxyFencingTest {

    @RegisterExtension
    final WitnessFixture witness = new WitnessFixture();
    private ProxyServer proxy;

    @Test
    void aFollowerOfAnOlderEpochIsToldItIsStale() throws IOException {
        proxy = witness.start();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             FakePrimary old = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(primary, 7, PRIMARY, 0)).isInstanceOf(Frame.Registered.class);
            old.send(new Frame.Follow(6, BACKUP));
            assertThat(old.receive()).isEqualTo(new Frame.StaleEpoch(7));
            assertThat(old.closedByProxy()).isTrue();
        }
    }

    /**
     * A restarted proxy knows no epoch, but a backup that follows one holds what its primary served: a server of an
     * older epoch (started fresh, or on an older data directory) is refused, and the backup waits on for PROMOTE.
     */
    @Test
    void aPrimaryOfAnEpochBelowAFollowersIsStaleEvenToAProxyThatSawNoPrimary() throws IOException {
        proxy = witness.start();
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
        proxy = witness.start();
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
        proxy = witness.start();
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
        proxy = witness.startWaiting(30, returningWithin);
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
        proxy = witness.start();
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
        witness.stop();
        proxy = witness.start();
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
        // the backup counts as returning throughout, however slow
        proxy = witness.startWaiting(30, Duration.ofSeconds(30));
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
        proxy = witness.start();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(primary, 1, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            try (FakePrimary backup = FakePrimary.connect(proxy.primaryAddress())) {
                backup.send(new Frame.Follow(2, BACKUP, 0x7777));
                assertThat(primary.receive()).isEqualTo(new Frame.StaleEpoch(2));
                assertThat(primary.closedByProxy()).isTrue();
            }
        }
    }
}
