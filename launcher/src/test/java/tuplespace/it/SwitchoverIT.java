package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The planned switchover (docs/design.md "Switchover") under pipelined load from 8 clients, whose every answer is
 * checked: the backup becomes the primary with nothing lost, nothing applied twice and no error any client sees, and
 * the old primary stays on as the new backup — the same process, resumed at the index it stepped down at, without a
 * snapshot. A second switchover goes back; then the primary is killed, and the twice-resumed backup takes over with
 * every acknowledged write: it was a complete copy all along.
 */
class SwitchoverIT {

    private static final Pattern RESUMED = Pattern.compile("backup resumes at index \\d+");

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aSwitchoverUnderLoadLosesNothingAndTheOldPrimaryStaysOnAsTheBackup() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        try (Workload load = new Workload(cluster, 8, 16, 11).start()) {
            load.awaitProgress(300, Duration.ofSeconds(60));
            ServiceStatus first = cluster.awaitBackupLive();
            long original = first.primaryPid();
            long child = first.backupPid().orElseThrow();

            ServiceStatus second = switchOver(cluster, load, first);
            assertThat(second.primaryPid()).as("the backup serves").isEqualTo(child);
            assertThat(second.backupPid()).as("the old primary is its backup").hasValue(original);

            ServiceStatus third = switchOver(cluster, load, second);
            assertThat(third.primaryPid()).as("switched back").isEqualTo(original);
            assertThat(third.backupPid()).hasValue(child);
            assertThat(resumes(cluster)).as("each new backup was resumed, not sent a snapshot").isEqualTo(2);

            System.out.printf("SwitchoverIT: %s kill -9 %d (epoch %d)%n", ServiceCluster.clock(), original,
                    third.epoch());
            ServiceCluster.kill9(original);
            ServiceStatus afterKill = cluster.awaitNewPrimaryWithLiveBackup(original);
            assertThat(afterKill.primaryPid()).as("the resumed backup took over").isEqualTo(child);
            assertThat(afterKill.epoch()).isGreaterThan(third.epoch());
            load.awaitProgress(300, Duration.ofSeconds(60));

            load.stop();
            load.assertNoErrors();
            load.verifyFinalState();
            long expectedSize = load.expectedSize();
            eventually(Duration.ofSeconds(20), cluster::status, status -> {
                assertThat(status.backupInSync()).as("backup live at the primary's index with its digest: %s", status)
                        .isTrue();
                assertThat(status.size()).as("pairs in the space").isEqualTo(expectedSize);
            });
        }
    }

    /** SWITCHOVER on the proxy under load; checks the answer and the epoch, and returns the status once settled. */
    private static ServiceStatus switchOver(ServiceCluster cluster, Workload load, ServiceStatus before) {
        long askedAt = System.nanoTime();
        String answer = cluster.switchover();
        System.out.printf("SwitchoverIT: %s SWITCHOVER -> %s%n", ServiceCluster.clock(), answer);
        assertThat(answer).startsWith("ok: switched over in ").contains("primary of epoch " + (before.epoch() + 1));
        ServiceStatus after = eventually(Duration.ofSeconds(20), cluster::status, status -> {
            assertThat(status.hasPrimary()).isTrue();
            assertThat(status.epoch()).isEqualTo(before.epoch() + 1);
            assertThat(status.backupState()).isEqualTo("live");
        });
        load.awaitProgress(300, Duration.ofSeconds(60));
        System.out.printf("SwitchoverIT: longest pause in answers around the switchover: %d ms%n",
                load.answerGapAfter(askedAt).toMillis());
        return after;
    }

    private static int resumes(ServiceCluster cluster) throws Exception {
        Matcher matcher = RESUMED.matcher(Files.readString(cluster.directory().resolve("primary.err.log")));
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }
}
