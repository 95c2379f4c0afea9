package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.it.SimulatedService.A;
import static tuplespace.it.SimulatedService.B;
import static tuplespace.it.SimulatedService.PROXY;
import static tuplespace.testing.Eventually.eventually;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failover logic of the real proxy and servers, in memory ({@link SimulatedService}): the partition table of
 * docs/design.md case by case, a crash and a hang, each in a second or so instead of the minutes the same cases take
 * with processes in network namespaces ({@link SeparateHostsIT}, {@link PartitionIT}). Throughout, a {@link Workload}
 * checks every answer (an acknowledged write lost, an update applied twice, a stale read each show as a wrong
 * answer) and the final state.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SimulatedFailoverTest {

    private static final Duration PROGRESS = Duration.ofSeconds(20);
    /** How long a cut that changes nothing is held: several detection bounds. */
    private static final Duration CUT = SimulatedService.DETECTION.multipliedBy(4);
    /** The goal for a takeover with the default bounds (1 s); these tests detect in half that. */
    private static final Duration TAKEOVER_GOAL = Duration.ofSeconds(2);

    @TempDir
    Path directory;
    private SimulatedService service;

    @BeforeEach
    void start() throws Exception {
        service = new SimulatedService(directory).startProxy().startPrimary(A).startBackup(B);
        service.awaitInSync(1);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void aCrashedPrimaryIsReplacedByItsBackupWithNothingLost() throws Exception {
        try (Workload load = workload(1)) {
            service.network.crash(A);
            long crashedAt = System.nanoTime();
            service.awaitPrimary(2);
            load.awaitProgress(200, PROGRESS);
            protectedAgainAndChecked(load, "kill -9 of the primary", load.answerGapAfter(crashedAt));
        }
    }

    /** Case 1: the servers cut apart, both reach the proxy: the primary serves on alone; after the heal, resynced. */
    @Test
    void aPrimaryCutOffFromItsBackupServesOnAloneAndResyncsItAfterTheHeal() throws Exception {
        try (Workload load = workload(2)) {
            servedOnAlone(load, () -> service.network.cut(A, B), () -> service.network.heal(A, B));
            finish(load);
        }
        assertThat(service.server(B).running()).as("the same backup process").isTrue();
    }

    /** Case 2: the primary cut off from the proxy: its backup takes over; the old primary stops after the heal. */
    @Test
    void aPrimaryCutOffFromTheProxyIsReplacedByItsBackupAndStopsWhenItReachesTheProxyAgain() throws Exception {
        try (Workload load = workload(3)) {
            service.network.cut(PROXY, A);
            long cutAt = System.nanoTime();
            service.awaitPrimary(2);
            load.awaitProgress(200, PROGRESS);
            Duration gap = load.answerGapAfter(cutAt);
            assertThat(service.server(A).running()).as("the old primary, cut off, still runs").isTrue();
            service.network.heal(PROXY, A);
            service.awaitStopped(A);
            protectedAgainAndChecked(load, "the primary cut off from the proxy", gap);
        }
    }

    /** Case 3: the backup's host isolated: the primary serves on alone; after the heal the same backup is resynced. */
    @Test
    void anIsolatedBackupChangesNothingForClientsAndIsResyncedAfterTheHeal() throws Exception {
        try (Workload load = workload(4)) {
            servedOnAlone(load, () -> service.network.isolate(B), () -> service.network.healAll());
            finish(load);
        }
        assertThat(service.server(B).running()).as("the same backup process").isTrue();
    }

    /** Case 4: the proxy isolated: nobody is served, nothing is lost, the same primary serves again after the heal. */
    @Test
    void anIsolatedProxyServesNobodyLosesNothingAndResumesWithTheSamePrimary() throws Exception {
        try (Workload load = workload(5)) {
            service.network.isolate(PROXY);
            Thread.sleep(CUT.toMillis());
            long answered = load.answered();
            Thread.sleep(CUT.toMillis());
            assertThat(load.answered()).as("answers while the proxy is isolated").isEqualTo(answered);
            service.network.healAll();
            load.awaitProgress(200, PROGRESS);
            ServiceStatus after = service.awaitBackupLive(1);
            assertThat(after.epoch()).as("no failover").isEqualTo(1);
            finish(load);
        }
        assertThat(service.server(A).running()).as("the same primary").isTrue();
        assertThat(service.server(B).running()).as("the same backup").isTrue();
    }

    /** Case 5: a hung primary is replaced like one cut off; woken up, it is refused and stops. */
    @Test
    void aHungPrimaryIsReplacedByItsBackupAndStopsWhenItWakesUp() throws Exception {
        try (Workload load = workload(6)) {
            service.network.hang(A);
            long hungAt = System.nanoTime();
            try {
                service.awaitPrimary(2);
                load.awaitProgress(200, PROGRESS);
            } finally {
                service.network.resume(A);
            }
            Duration gap = load.answerGapAfter(hungAt);
            service.awaitStopped(A);
            protectedAgainAndChecked(load, "a hung primary", gap);
        }
    }

    /**
     * A planned switchover between hosts, and back: each time the backup serves with the next epoch and the old primary
     * stays on as its backup (the same server, resumed: no process started), and the clients see no error.
     */
    @Test
    void aSwitchoverBetweenHostsAndBackLosesNothingAndKeepsBothServers() throws Exception {
        try (Workload load = workload(7)) {
            switchOver(load, 2);
            switchOver(load, 3);
            finish(load);
        }
        assertThat(service.server(A).running()).as("the first primary, primary again").isTrue();
        assertThat(service.server(B).running()).as("the first backup, backup again").isTrue();
        assertThat(service.awaitInSync(3).epoch()).isEqualTo(3);
    }

    private void switchOver(Workload load, long epoch) {
        long askedAt = System.nanoTime();
        String answer = service.switchover();
        assertThat(answer).startsWith("ok: switched over in ").contains("primary of epoch " + epoch);
        service.awaitBackupLive(epoch);
        load.awaitProgress(200, PROGRESS);
        System.out.printf("SimulatedFailoverTest: switchover to epoch %d: longest pause in answers %d ms%n", epoch,
                load.answerGapAfter(askedAt).toMillis());
    }

    /**
     * After a takeover by B: the clients' longest wait ({@code gap}) within {@link #TAKEOVER_GOAL}; the operator starts a
     * new backup on A, the load goes on, then every answer and the final state are checked.
     */
    private void protectedAgainAndChecked(Workload load, String what, Duration gap) throws InterruptedException {
        System.out.printf("SimulatedFailoverTest: %s: clients served again %d ms after%n", what, gap.toMillis());
        assertThat(gap).as("%s: the clients' longest wait", what).isLessThanOrEqualTo(TAKEOVER_GOAL);
        service.startBackup(A);
        service.awaitBackupLive(2);
        load.awaitProgress(200, PROGRESS);
        finish(load);
    }

    private Workload workload(long seed) throws InterruptedException {
        Workload load = new Workload(service::connect, 4, 8, seed).start();
        load.awaitProgress(300, PROGRESS);
        return load;
    }

    /**
     * Cuts, checks for {@link #CUT} that clients are served on by the same primary (same epoch) without its backup,
     * heals, and waits until the same backup is live again.
     */
    private void servedOnAlone(Workload load, Runnable cut, Runnable heal) {
        cut.run();
        eventually(Duration.ofSeconds(10), () -> assertThat(service.status().backupState())
                .as("the primary serves without its backup").isNotEqualTo("live"));
        load.awaitProgress(200, PROGRESS);
        assertThat(service.status().epoch()).as("no failover").isEqualTo(1);
        heal.run();
        service.awaitBackupLive(1);
        load.awaitProgress(200, PROGRESS);
    }

    private static void finish(Workload load) throws InterruptedException {
        load.stop();
        load.assertNoErrors();
        load.verifyFinalState();
    }
}
