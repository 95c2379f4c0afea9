package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real partitions between separate hosts ({@link NetnsHosts}: network namespaces, links cut silently). The clients
 * and the proxy are on one host, the primary and its backup on another.
 */
class PartitionIT {

    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    final Clusters clusters = new Clusters();

    /**
     * The proxy's host cut off from the servers' host (docs/design.md, partition table, case 4) for longer than the
     * primary's silence limit and its register timeout: no client is served meanwhile, nothing is lost, and once the
     * link heals the same primary registers again by itself and every client is served, with no failover.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anIsolatedProxyLosesNothingAndIsServedAgainWhenTheLinkHeals() throws Exception {
        try (NetnsHosts hosts = NetnsHosts.createOrSkip("proxy", "servers")) {
            NotifyRecorder notify = NotifyRecorder.in(clusters.runDirectory().resolve("notify"));
            ServiceCluster cluster = clusters.create(ServiceOptions.defaults().withNotify(notify.script())
                            .withServerArgs("--primary-register-timeout", ServiceOptions.duration(REGISTER_TIMEOUT)),
                    hosts.host("proxy"), hosts.host("servers")).startProxy().startPrimary();
            try {
                ServiceStatus before = cluster.awaitInSync();
                try (Workload load = new Workload(cluster, 4, 8, 23).start()) {
                    load.awaitProgress(300, Duration.ofSeconds(60));

                    hosts.cut("proxy", "servers");
                    long cutAt = System.nanoTime();
                    long answeredAtCut = load.answered();
                    // past the primary's silence limit (5 s) and then its register timeout: it says so, and goes on
                    eventually(Duration.ofSeconds(40), () ->
                            assertThat(notify.eventNames()).as("operator events").contains("proxy_lost"));
                    assertThat(cluster.firstPrimary().isAlive()).as("the primary keeps its space").isTrue();
                    long answeredDuringCut = load.answered() - answeredAtCut; // those on their way at the cut

                    hosts.heal("proxy", "servers");
                    long healedAt = System.nanoTime();
                    load.awaitProgress(300, Duration.ofSeconds(60));
                    System.out.printf("PartitionIT: cut for %d ms; clients' longest wait %d ms; answered during the"
                                    + " cut: %d%n", (healedAt - cutAt) / 1_000_000,
                            load.answerGapAfter(cutAt).toMillis(), answeredDuringCut);
                    load.stop();
                    load.assertNoErrors();
                    load.verifyFinalState();
                }
                ServiceStatus after = cluster.awaitInSync();
                assertThat(after.primaryPid()).as("the same primary serves").isEqualTo(before.primaryPid());
                assertThat(after.epoch()).as("no failover").isEqualTo(before.epoch());
                eventually(Duration.ofSeconds(10), () ->
                        assertThat(notify.eventNames()).as("operator events").contains("proxy_restored"));
            } finally {
                cluster.close(); // its processes first: a namespace goes only once nothing runs in it
            }
        }
    }
}
