package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.testing.RunsAlone;

/**
 * The control experiment for every fault test: with no fault injected and the service's own default options,
 * a healthy service under light load must not fail over, lose its backup or drop its primary link
 * (failover is a reaction to a failed primary, not to a busy one).
 */
@RunsAlone
class HealthyServiceIT {

    private static final Duration OBSERVATION = Duration.ofSeconds(15);

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void withDefaultOptionsAHealthyServiceNeverFailsOver() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.serviceDefaults()).startProxy().startPrimary();
        ServiceStatus ready = cluster.awaitBackupLive();
        long backup = ready.backupPid().orElseThrow(() -> new AssertionError("no backup pid in " + ready));

        // No fault: light load for a while, checking that nothing changes.
        try (Workload load = new Workload(cluster, 2, 4, 3).start()) {
            long until = System.nanoTime() + OBSERVATION.toNanos();
            while (System.nanoTime() < until) {
                load.awaitProgress(50, Duration.ofSeconds(30));
                ServiceStatus now = cluster.status();
                assertThat(now.primaryPid()).as("the primary started is still the primary: %s", now).isEqualTo(cluster.firstPrimary().pid());
                assertThat(now.epoch()).as("no failover: %s", now).isEqualTo(ready.epoch());
                assertThat(now.backupPid()).as("the backup was never replaced: %s", now).hasValue(backup);
            }
            load.stop();
            load.assertNoErrors();
            load.verifyFinalState();
        }
    }
}
