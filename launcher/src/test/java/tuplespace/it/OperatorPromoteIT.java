package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tuplespace.it.Requests.TextPair;
import tuplespace.testing.ManagedProcess;

/**
 * The proxy and the primary lost together, and the proxy started again: the new proxy knows no replica, so it promotes
 * nobody, and the backup — which holds every acknowledged write — follows it and waits for an operator's PROMOTE as
 * long as it takes (README, "Guarantees and their limits"). It used to exit 30 s after its own start, as a child whose
 * primary never reached it does, and the space was gone. Nor may a server started meanwhile with an older state take
 * its place.
 */
@Timeout(180)
class OperatorPromoteIT {

    /**
     * A child backup that no primary ever reached exits after this long: --backup-orphan-timeout, 30 s by default. The
     * test waits it out (and 2 s more), so it is short, yet ten times the backup's age at the kill on a quiet machine
     * (about 2 s), with room for a slow start beside another test class.
     */
    private static final Duration ORPHAN_WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    void aBackupWhosePrimaryDiedWithTheProxyWaitsForPromoteAndThenServesEveryAcknowledgedWrite() throws Exception {
        ServiceCluster service = clusters.start(ServiceOptions.defaults()
                .withServerArgs("--backup-orphan-timeout", ServiceOptions.duration(ORPHAN_WAIT)));
        ServiceStatus inSync = service.awaitInSync();
        Instant inSyncAt = Instant.now(); // the backup listens by then: its wait, if it had one, has begun
        long backup = inSync.backupPid().orElseThrow();
        Instant backupStarted = ProcessHandle.of(backup).flatMap(handle -> handle.info().startInstant()).orElseThrow();
        AcknowledgedWrites writes = new AcknowledgedWrites(service).start(4, 7);
        writes.awaitAcknowledged(100, Duration.ofSeconds(20));

        // The primary must be gone before the backup's wait ends, or its old exit could not have come: this test would
        // prove nothing (the wait starts once it listens, after its JVM's start: later than backupStarted). On a
        // quiet machine the kill comes about 2 s after the backup's start.
        assertThat(Duration.between(backupStarted, Instant.now())).as("the backup's age at the kill")
                .isLessThan(ORPHAN_WAIT.minusSeconds(2));
        loseProxyAndPrimary(service, inSync, writes);

        Duration untilOrphansExit = Duration.between(Instant.now(), inSyncAt.plus(ORPHAN_WAIT).plusSeconds(2));
        if (!untilOrphansExit.isNegative()) {
            Thread.sleep(untilOrphansExit.toMillis());
        }
        assertThat(ServiceCluster.isAlive(backup)).as("the backup, " + ORPHAN_WAIT.plusSeconds(2).toSeconds()
                + " s after it was in sync, its primary gone").isTrue();

        promoteAndFindEveryWrite(service, inSync, writes);
    }

    /**
     * The same, but the operator first runs the primary's command line again. Without a data directory that is a fresh
     * server (epoch 1, index 0, an empty space), which the new proxy accepted, knowing no epoch: its snapshot used to
     * replace the backup's copy, every acknowledged write. The backup refuses it, the fresh server stops and says to
     * promote the backup, and PROMOTE then serves every acknowledged write. With a fresh data directory (the server
     * then registered before its backup was live) and a client's PUT waiting at the proxy, it answered that PUT on its
     * empty space before the backup refused it. Such a server now finds a backup listening at BACKUP_SAP and lets it
     * judge its state before it registers, and the backup refuses another primary's epoch 1.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no data directory", "a fresh data directory and a client waiting"})
    void aFreshServerStartedBesideThatBackupStopsInsteadOfOverwritingItsCopy(String variant) throws Exception {
        boolean withDataDir = variant.startsWith("a fresh");
        ServiceCluster service = clusters.start(ServiceOptions.defaults());
        ServiceStatus inSync = service.awaitInSync();
        long backup = inSync.backupPid().orElseThrow();
        AcknowledgedWrites writes = new AcknowledgedWrites(service).start(4, 11);
        writes.awaitAcknowledged(100, Duration.ofSeconds(20));
        loseProxyAndPrimary(service, inSync, writes);

        try (LineClient waiting = service.client()) {
            CompletableFuture<JsonNode> held = waiting.send(Requests.put(1, List.of(new TextPair("held", "1"))));
            service.startPrimary(withDataDir
                    ? List.of("--data-dir", service.directory().resolve("fresh-data").toString()) : List.of());
            ManagedProcess fresh = service.firstPrimary();
            assertThat(fresh.awaitExit(ServiceCluster.READY_TIMEOUT)).as("exit status of the fresh server").hasValue(1);
            assertThat(fresh.stderrText()).contains("stale_epoch")
                    .contains("may not replace its backup's copy: backup pid " + backup + " at ")
                    .contains("from another primary of that epoch number").contains("stops without saving");
            // still held, or answered unavailable after the proxy's --primary-timeout: never ok on the empty space
            if (held.isDone()) {
                assertThat(held.join().path("status").asText()).as("the PUT that waited at the proxy")
                        .isEqualTo("unavailable");
            }
            assertThat(ServiceCluster.isAlive(backup)).as("the backup holding the acknowledged writes").isTrue();

            promoteAndFindEveryWrite(service, inSync, writes);
        }
    }

    /** Kills the proxy and the primary together, then starts the proxy again: the backup follows it, promoted by none. */
    private static void loseProxyAndPrimary(ServiceCluster service, ServiceStatus inSync, AcknowledgedWrites writes)
            throws Exception {
        ServiceCluster.kill9All(service.proxy().pid(), inSync.primaryPid());
        writes.close();
        service.startProxy();
        eventually(ServiceCluster.READY_TIMEOUT, service::status, status -> {
            assertThat(status.hasPrimary()).as("a primary registered with the new proxy").isFalse();
            assertThat(status.followers()).as("backups following at the new proxy").isEqualTo(1);
        });
        assertThat(service.status().replicaFollows()).as("the new proxy knows no replica: it promotes nobody")
                .isFalse();
    }

    private static void promoteAndFindEveryWrite(ServiceCluster service, ServiceStatus inSync, AcknowledgedWrites writes)
            throws Exception {
        long backup = inSync.backupPid().orElseThrow();
        assertThat(service.promote()).startsWith("ok: promoted backup");
        ServiceStatus promoted = eventually(ServiceCluster.READY_TIMEOUT, service::status,
                status -> assertThat(status.hasPrimary() && status.primaryPid() == backup).isTrue());
        assertThat(promoted.epoch()).as("above the lost primary's").isGreaterThan(inSync.epoch());
        Map<String, AcknowledgedWrites.Missing> missing;
        try (LineClient reader = service.client()) {
            missing = writes.missingFrom(Requests.answerPairs(reader.call(Requests.get(1, "w.*", ".*"))));
        }
        assertThat(missing).as("acknowledged writes missing after the operator's PROMOTE, of " + writes.acknowledged())
                .isEmpty();
    }
}
