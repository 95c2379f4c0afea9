package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.time.Duration;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.testing.RunsAlone;

/**
 * The whole service lost at once ({@code kill -9} of proxy, primary and backup together, as a power cut or an OOM
 * kill of everything does) under 8 writers, then started again with the same command lines and {@code --data-dir}:
 * every acknowledged write is back with its acknowledged value, and both copies are equal.
 */
@RunsAlone
@Timeout(300)
class TotalLossIT {

    private static final int WRITERS = 8;
    /** How long a primary without {@code --fsync always} waits for its first backup before it registers anyway. */
    private static final int FIRST_BACKUP_WAIT_SECONDS = 10;

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    void killNineOfProxyPrimaryAndBackupTogetherLosesNoAcknowledgedWrite() throws Exception {
        ServiceCluster service = started("always");
        AcknowledgedWrites writes = new AcknowledgedWrites(service).start(WRITERS, 1);
        writes.awaitAcknowledged(600, Duration.ofSeconds(90));

        killEverything(service);
        writes.close();

        assertRestartedWithEveryAcknowledgedWrite(service, writes);
    }

    @Test
    void totalLossAfterAFailoverRestartsFromThePromotedBackupsDirectory() throws Exception {
        ServiceCluster service = started("always");
        AcknowledgedWrites writes = new AcknowledgedWrites(service).start(WRITERS, 2);
        writes.awaitAcknowledged(300, Duration.ofSeconds(90));
        long firstPrimary = service.status().primaryPid();
        ServiceCluster.kill9(firstPrimary);
        ServiceStatus promoted = eventually(ServiceCluster.READY_TIMEOUT, service::status,
                status -> assertThat(status.hasPrimary() && status.primaryPid() != firstPrimary).isTrue());
        // Writes the original primary's directory (node-a) does not have: its node's new backup JVM is still starting.
        writes.awaitAcknowledged(200, Duration.ofSeconds(90));

        ServiceStatus atTheKill = service.status();
        long[] children = ProcessHandle.of(promoted.primaryPid()).stream().flatMap(ProcessHandle::descendants)
                .mapToLong(ProcessHandle::pid).toArray(); // the new backup, however far it got
        ServiceCluster.kill9All(LongStream.concat(LongStream.of(service.proxy().pid(), promoted.primaryPid()),
                LongStream.of(children)).toArray());
        writes.close();
        assertThat(atTheKill.backupState()).as("the promoted primary's new backup had not caught up: node-a is behind")
                .isNotEqualTo("live");

        ServiceStatus restarted = assertRestartedWithEveryAcknowledgedWrite(service, writes);
        assertThat(restarted.primary().path("storage").path("dataDir").asText())
                .as("the restarted primary serves from the promoted backup's directory, the newest").endsWith("node-b");
        assertThat(restarted.epoch()).as("above the epoch of the takeover").isGreaterThan(promoted.epoch());
        // A restart above epoch 1 is still a start: its first backup going live is not the service protected again
        // after a loss (backup_restored runs --notify: it would page the operator on every restart).
        service.firstPrimary().awaitStderr("is live at index", ServiceCluster.READY_TIMEOUT);
        assertThat(service.firstPrimary().stderrText().lines().filter(line -> line.contains("is live at index")))
                .as("the restarted primary's first backup going live").isNotEmpty()
                .noneMatch(line -> line.contains("backup_restored"));
    }

    /**
     * After a switchover each node keeps its directory and its log goes on (the old primary, now the backup, was
     * resumed, not sent a snapshot): a total loss then restarts with every write acknowledged before and after it.
     */
    @Test
    void totalLossAfterASwitchoverLosesNoAcknowledgedWrite() throws Exception {
        ServiceCluster service = started("always");
        AcknowledgedWrites writes = new AcknowledgedWrites(service).start(WRITERS, 4);
        writes.awaitAcknowledged(300, Duration.ofSeconds(90));
        ServiceStatus before = service.status();
        assertThat(service.switchover()).startsWith("ok: switched over");
        ServiceStatus after = eventually(ServiceCluster.READY_TIMEOUT, service::status, status -> {
            assertThat(status.hasPrimary() && status.epoch() > before.epoch()).isTrue();
            assertThat(status.backupState()).isEqualTo("live");
        });
        assertThat(after.backupPid()).as("the old primary is the backup").hasValue(before.primaryPid());
        writes.awaitAcknowledged(300, Duration.ofSeconds(90));

        killEverything(service);
        writes.close();

        assertRestartedWithEveryAcknowledgedWrite(service, writes);
    }

    @Test
    void serversKilledWhileTheProxyStaysUpComeBackWithAHigherEpochAndServeConnectedClients() throws Exception {
        ServiceCluster service = started("always");
        LineClient stayingConnected = wroteBefore(service);
        ServiceStatus before = service.status();
        ServiceCluster.kill9All(before.primaryPid(), before.backupPid().orElseThrow());

        service.startPrimary();
        ServiceStatus after = service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);

        assertThat(after.epoch()).as("registered above the epoch the proxy saw").isGreaterThan(before.epoch());
        assertThat(Requests.answerPairs(stayingConnected.call(Requests.get(2, "k,1", ".*"))))
                .as("a client that stayed connected is served again").containsEntry("k,1", "before");
    }

    /**
     * The proxy and the primary killed, the backup living on, and the same command lines run again: the new primary
     * reaches that backup on BACKUP_SAP, and the child it starts exits at once (the backup holds its node directory).
     * The backup that lived on stays the backup; before, the primary started child after child, twice a second, and
     * closed the link to the one backup that worked each time.
     */
    @Test
    void aBackupThatOutlivedItsPrimaryStaysTheBackupOfTheRestartedPrimary() throws Exception {
        ServiceCluster service = started("always");
        // kept open: its close would be one more entry, which the backup may log before the primary does; the newest
        // directory would then be the backup's, which it holds (that start is refused, saying so)
        wroteBefore(service);
        ServiceStatus before = service.awaitInSync();
        long survivor = before.backupPid().orElseThrow();
        ServiceCluster.kill9All(service.proxy().pid(), before.primaryPid());

        service.startProxy().startPrimary();
        ServiceStatus after = service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
        Thread.sleep(2_000); // a failed child would have been followed by restarts within this

        ServiceStatus later = service.status();
        assertThat(later.backupPid()).as("the backup that lived on, in sync: %s then %s", after, later)
                .hasValue(survivor);
        assertThat(later.backupState()).isEqualTo("live");
        assertThat(service.firstPrimary().stderrText()).doesNotContain("backup_failed");
    }

    /**
     * With {@code --fsync always} every answer also waits for the primary's own disk, so a primary restarted after a
     * total loss registers as soon as it has recovered, before its backup is live (docs/design.md; a backup's start and
     * copy take seconds for millions of pairs). The restarted primary's backup never gets past its JVM's start here
     * (suspended for a debugger that never comes): a primary that waited for it would register only
     * {@value #FIRST_BACKUP_WAIT_SECONDS} s after starting it.
     */
    @Test
    void aPrimaryRestartedAfterATotalLossServesBeforeItsBackupIsLive() throws Exception {
        ServiceCluster service = started("always");
        wroteBefore(service);
        killEverything(service);

        service.startProxy();
        eventually(ServiceCluster.READY_TIMEOUT, service::status, status -> { }); // the proxy answers: only the primary is timed
        service.startPrimary(java.util.List.of("--backup-java-opts",
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0"));
        long primary = service.firstPrimary().pid();
        ProcessHandle heldBackup = eventually(ServiceCluster.DURABLE_READY_TIMEOUT,
                () -> ProcessHandle.of(primary).stream().flatMap(ProcessHandle::children).findFirst(),
                child -> assertThat(child).as("the restarted primary started its backup").isPresent()).orElseThrow();

        ServiceStatus serving = eventually(Duration.ofSeconds(FIRST_BACKUP_WAIT_SECONDS / 2), service::status,
                status -> assertThat(status.hasPrimary() && status.primaryPid() == primary)
                        .as("registered within %d s of starting its backup: %s", FIRST_BACKUP_WAIT_SECONDS / 2, status)
                        .isTrue());
        try (LineClient reader = service.client()) {
            assertThat(Requests.answerPairs(reader.call(Requests.get(2, "k,1", ".*"))))
                    .as("the recovered pair is served").containsEntry("k,1", "before");
        }
        assertThat(heldBackup.isAlive()).as("the backup is still held at its JVM's start").isTrue();
        assertThat(service.status().backupState()).as("served without a live backup (registered as %s)", serving)
                .isNotEqualTo("live");
    }

    @Test
    void everysecLosesNoAcknowledgedWriteOnKillNineOfEverything() throws Exception {
        ServiceCluster service = started("everysec");
        AcknowledgedWrites writes = new AcknowledgedWrites(service).start(WRITERS, 3);
        writes.awaitAcknowledged(600, Duration.ofSeconds(90));

        long killed = System.nanoTime();
        killEverything(service);
        writes.close();

        service.startProxy().startPrimary();
        ServiceStatus restarted = service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
        Map<String, AcknowledgedWrites.Missing> missing = writes.missingFrom(space(service));
        System.out.println("everysec, kill -9 of everything: " + missing.size() + " of " + writes.acknowledged()
                + " acknowledged writes missing after the restart (restarted at index " + restarted.index() + ")");
        // kill -9 leaves every written entry in the OS's hands: only a power cut could lose the unforced last second.
        missing.values().forEach(lost -> assertThat(killed - lost.written().acknowledgedAtNanos())
                .as("a write lost with everysec was acknowledged in the last second or so: " + lost)
                .isLessThan(Duration.ofMillis(1_500).toNanos()));
        assertThat(missing).isEmpty();
    }

    private ServiceCluster started(String fsync) {
        ServiceCluster service = clusters.create(ServiceOptions.defaults().withServerArgs(
                "--data-dir", clusters.runDirectory().resolve("data").toString(), "--fsync", fsync));
        service.startProxy().startPrimary();
        service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
        return service;
    }

    /** A client, left open, that wrote {@code k,1} = {@code before}, answered ok. */
    private static LineClient wroteBefore(ServiceCluster service) {
        LineClient client = service.client();
        assertThat(client.call(Requests.put(1, java.util.List.of(new Requests.TextPair("k,1", "before"))))
                .path("status").asText()).isEqualTo("ok");
        return client;
    }

    /** kill -9 of proxy, primary and backup in one call. */
    private static void killEverything(ServiceCluster service) {
        ServiceStatus status = service.status();
        ServiceCluster.kill9All(service.proxy().pid(), status.primaryPid(), status.backupPid().orElseThrow());
    }

    /** Starts the same command lines again; every acknowledged write is there and the two copies are equal. */
    private static ServiceStatus assertRestartedWithEveryAcknowledgedWrite(ServiceCluster service, AcknowledgedWrites writes) {
        service.startProxy().startPrimary();
        ServiceStatus restarted = service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
        Map<String, AcknowledgedWrites.Missing> missing = writes.missingFrom(space(service));
        assertThat(missing).as("acknowledged writes missing after the restart, of " + writes.acknowledged()).isEmpty();
        assertThat(restarted.digest()).as("primary digest = backup digest").isEqualTo(restarted.backupDigest());
        return restarted;
    }

    private static Map<String, String> space(ServiceCluster service) {
        try (LineClient reader = service.client()) {
            return Requests.answerPairs(reader.call(Requests.get(1, "w.*", ".*")));
        }
    }
}
