package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A failed backup (README "Guarantees and their limits"): the backup is killed with SIGKILL under load. The primary
 * must keep serving without a single error, tell the operator ({@code backup_failed}, then {@code backup_restored}
 * through {@code --notify}), start a new backup and bring it up to date while serving.
 */
class BackupCrashIT {

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void backupKilledUnderLoadIsRestoredWhileServiceGoesOn() throws Exception {
        NotifyRecorder notify = NotifyRecorder.in(clusters.runDirectory().resolve("notify"));
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults().withNotify(notify.script()));

        try (Workload load = new Workload(cluster, 4, 8, 7).start()) {
            load.awaitProgress(300, Duration.ofSeconds(60));
            ServiceStatus before = cluster.awaitBackupLive();
            long oldBackup = before.backupPid().orElseThrow(() -> new AssertionError("no backup pid in " + before));
            System.out.printf("BackupCrashIT: %s kill -9 backup %d%n", ServiceCluster.clock(), oldBackup);

            // Fault: SIGKILL the backup while updates are being replicated to it.
            ServiceCluster.kill9(oldBackup);

            // The primary notices (its replication connection closes), restarts a backup and resyncs it under load.
            ServiceStatus restored = eventually(Duration.ofSeconds(45), cluster::status, status -> {
                assertThat(status.backupState()).isEqualTo("live");
                assertThat(status.backupPid().orElse(-1)).as("a new backup process").isNotIn(-1L, oldBackup);
            });
            assertThat(restored.primaryPid()).as("the primary did not change").isEqualTo(before.primaryPid());
            assertThat(restored.epoch()).as("no failover happened").isEqualTo(before.epoch());
            load.awaitProgress(300, Duration.ofSeconds(60));
            load.stop();
            load.assertNoErrors();
            load.verifyFinalState();
        }

        eventually(Duration.ofSeconds(20), () ->
                assertThat(cluster.status().backupInSync()).as("backup equal to primary once idle: %s", cluster.status()).isTrue());
        eventually(Duration.ofSeconds(10), () ->
                assertThat(notify.eventNames()).as("--notify events").containsSubsequence("backup_failed", "backup_restored"));
        assertThat(notify.events()).filteredOn(event -> event.event().equals("backup_failed"))
                .allSatisfy(event -> assertThat(event.role()).as("role of the notifier").isEqualTo("primary"));
    }
}
