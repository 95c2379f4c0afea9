package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;
import tuplespace.testing.Eventually;
import tuplespace.testing.ManagedProcess;

/**
 * A second server started by mistake beside a running service: it must go away by itself, with every process it
 * started, and leave the running service as it was.
 */
class SecondServerIT {

    @RegisterExtension
    final Clusters clusters = new Clusters();

    /** The same command line again: it cannot bind the running primary's ports, and starts no backup before that. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void onTheRunningPrimarysPortsItExitsBeforeStartingAnyBackup() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        ServiceStatus before = cluster.awaitBackupLive();
        ManagedProcess second = cluster.startServer("second", List.of(cluster.primaryShutdownSap().toString(),
                cluster.proxyPrimarySap().toString(), cluster.backupSap().toString(), cluster.heartbeatSap().toString(),
                cluster.directory().resolve("second.json").toString(), "null", "null"));
        assertThat(second.awaitExit(Duration.ofSeconds(30))).as("exit status of the second server").hasValue(1);
        assertThat(second.stderrText()).contains("cannot bind").doesNotContain("starts its backup");
        assertUnharmed(cluster, before);
    }

    /** Its own ports, the running service's proxy: refused (a stale epoch), it takes its backup and standby along. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void withItsOwnPortsItIsRefusedByTheProxyAndItsBackupGoesToo() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        ServiceStatus before = cluster.awaitBackupLive();
        // a backup that follows within 3 s of the proxy's start counts as coming back to it: this one comes later
        java.time.Instant proxyStarted = cluster.proxy().handle().info().startInstant().orElseThrow();
        Thread.sleep(Math.max(0, Duration.between(java.time.Instant.now(), proxyStarted.plusSeconds(4)).toMillis()));
        ManagedProcess second = cluster.startServer("second", List.of(cluster.spareLoopbackSap().toString(),
                cluster.proxyPrimarySap().toString(), cluster.spareLoopbackSap().toString(), cluster.spareLoopbackSap().toString(),
                cluster.directory().resolve("second.json").toString(), "null", "null"));
        Set<ProcessHandle> startedBySecond = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (second.isAlive() && System.nanoTime() < deadline) {
            second.handle().descendants().forEach(startedBySecond::add);
            Thread.sleep(20);
        }
        assertThat(second.awaitExit(Duration.ofSeconds(5))).as("exit status of the second server").hasValue(1);
        assertThat(second.stderrText()).contains("stale_epoch").contains("starts its backup");
        // every process it started (its backup, and the backup's standby if it had one) ends with it
        Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(startedBySecond)
                .as("processes the second server started, still alive").noneMatch(ProcessHandle::isAlive));
        Eventually.eventually(Duration.ofSeconds(20), () ->
                assertThat(cluster.status().followers()).as("backups following at the proxy").isEqualTo(1));
        assertUnharmed(cluster, before);
    }

    private static void assertUnharmed(ServiceCluster cluster, ServiceStatus before) {
        ServiceStatus now = cluster.status();
        assertThat(now.primaryPid()).isEqualTo(before.primaryPid());
        assertThat(now.epoch()).isEqualTo(before.epoch());
        assertThat(now.backupPid()).isEqualTo(before.backupPid());
        try (LineClient client = cluster.client()) {
            assertThat(Requests.answerPairs(client.call(Requests.put(1, List.of(new TextPair("s,1", "v")))))).isEmpty();
            assertThat(Requests.answerPairs(client.call(Requests.get(2, "s,1", ".*")))).containsEntry("s,1", "v");
        }
    }
}
