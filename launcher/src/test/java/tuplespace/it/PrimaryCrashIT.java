package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.testing.RunsAlone;

/**
 * A failed primary (docs/design.md "Failover"): the primary is killed with SIGKILL three times under pipelined load
 * from 8 clients. Each time the backup must take over with a higher epoch, the proxy must resend what was unanswered,
 * and every update must be applied exactly once with the answer the client would have seen without the crash. The new
 * backup each time is the standby JVM the promoted backup had started ahead of need.
 */
@RunsAlone
class PrimaryCrashIT {

    private static final int KILLS = 3;

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void repeatedPrimaryCrashesUnderLoadLoseNothingAndApplyNothingTwice() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        List<Duration> windows = new ArrayList<>();

        try (Workload load = new Workload(cluster, 8, 16, 42).start()) {
            load.awaitProgress(300, Duration.ofSeconds(60));
            for (int kill = 1; kill <= KILLS; kill++) {
                // Precondition: a live backup exists to take over, and it has started its standby (once it has warmed
                // its serving path: docs/design.md "Failover" step 6).
                ServiceStatus before = cluster.awaitBackupLive();
                long backupPid = before.backupPid().orElseThrow();
                eventually(Duration.ofSeconds(30), () -> assertThat(ProcessHandle.of(backupPid)
                        .map(backup -> backup.children().anyMatch(ProcessHandle::isAlive)).orElse(false))
                        .as("backup %d has a standby", backupPid).isTrue());
                // Fault: SIGKILL the acting primary while requests are in flight on all 8 connections.
                long victim = before.primaryPid();
                long killedAt = System.nanoTime();
                java.time.Instant killedAtInstant = java.time.Instant.now();
                System.out.printf("PrimaryCrashIT: %s kill -9 %d (epoch %d)%n", ServiceCluster.clock(), victim, before.epoch());
                ServiceCluster.kill9(victim);

                // The backup becomes primary with a higher epoch and brings up a new live backup.
                ServiceStatus after = cluster.awaitNewPrimaryWithLiveBackup(victim);
                assertThat(after.primaryPid()).as("the new primary is the old backup, not the killed process").isNotEqualTo(victim);
                assertThat(after.epoch()).as("epoch after kill %d", kill).isGreaterThan(before.epoch());
                // the proxy's STATUS tells the failover: the killed primary's link ended with its crash, the backup
                // came promoted (docs/internals.md "STATUS", primaries)
                JsonNode primaries = after.proxy().path("primaries");
                JsonNode killed = primaries.get(primaries.size() - 2);
                JsonNode promoted = primaries.get(primaries.size() - 1);
                assertThat(killed.path("pid").asLong()).isEqualTo(victim);
                assertThat(killed.path("why").asText()).as("why the killed primary's link ended: %s", primaries)
                        .matches("its connection closed \\(a crash closes it at once\\)|its connection failed:"
                                + " Connection reset.* \\(a crash with requests unread resets it\\)");
                assertThat(java.time.Instant.parse(killed.path("lost").asText())).isAfterOrEqualTo(
                        killedAtInstant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
                assertThat(promoted.path("pid").asLong()).isEqualTo(after.primaryPid());
                assertThat(promoted.path("how").asText()).isEqualTo("promoted");
                // SIGKILL ends a process asynchronously: tearing down a large heap on a busy machine, and its reaping by
                // whichever process adopted it, can outlast the failover itself (seen once: still there after it)
                eventually(Duration.ofSeconds(10), () ->
                        assertThat(ServiceCluster.isAlive(victim)).as("killed primary %d is gone", victim).isFalse());
                // docs/design.md "Failover" step 6: the new backup is the standby the promoted backup started before
                // the kill, not a JVM started after it
                java.time.Instant newBackupStarted = ProcessHandle.of(after.backupPid().orElseThrow())
                        .flatMap(process -> process.info().startInstant()).orElseThrow();
                assertThat(newBackupStarted).as("the new backup's process start").isBefore(killedAtInstant);

                // Load must go on through the new primary before the next kill.
                load.awaitProgress(300, Duration.ofSeconds(60));
                Duration window = load.answerGapAfter(killedAt);
                windows.add(window);
                System.out.printf("PrimaryCrashIT: kill %d of pid %d: epoch %d -> %d, failover window %d ms%n",
                        kill, victim, before.epoch(), after.epoch(), window.toMillis());
            }
            load.stop();
            load.assertNoErrors();
            load.verifyFinalState();

            // Once load stops both copies must be equal: same index, same digest, same size.
            long expectedSize = load.expectedSize();
            ServiceStatus settled = eventually(Duration.ofSeconds(20), cluster::status, status -> {
                assertThat(status.backupInSync()).as("backup live at the primary's index with its digest: %s", status).isTrue();
                assertThat(status.size()).as("pairs in the space").isEqualTo(expectedSize);
            });
            System.out.printf("PrimaryCrashIT: %d answers, final %s%n", load.answered(), settled);
        }
        assertThat(windows).as("failover windows (last answer before kill -> first after)")
                .allSatisfy(window -> assertThat(window).isLessThan(Duration.ofSeconds(5)));
    }
}
