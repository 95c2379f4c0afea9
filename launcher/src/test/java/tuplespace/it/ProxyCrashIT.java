package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * README "Guarantees and their limits": a primary that loses the proxy keeps its state and keeps trying to register,
 * with back-off, for as long as it takes. Killing the proxy loses nothing: the same proxy command line started again,
 * long after {@code --primary-register-timeout}, serves every pair from the same primary, epoch and backup.
 */
class ProxyCrashIT {

    private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(2);

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theProxyKilledAndStartedAgainFindsThePrimaryWithEveryPair() throws Exception {
        NotifyRecorder notify = NotifyRecorder.in(clusters.runDirectory().resolve("notify"));
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults().withNotify(notify.script())
                .withServerArgs("--primary-register-timeout", ServiceOptions.duration(REGISTER_TIMEOUT)));
        Map<String, String> written = ShutdownIT.load(cluster, 500);
        ServiceStatus before = cluster.awaitInSync();

        // Fault: SIGKILL the proxy. The primary's link closes; nobody can reach the service.
        ServiceCluster.kill9(cluster.proxy().pid());
        eventually(Duration.ofSeconds(30), () ->
                assertThat(notify.eventNames()).as("operator events").contains("proxy_lost"));
        // the same words whether the attempt's timer or its last refused connect ended it
        assertThat(notify.events()).filteredOn(event -> event.event().equals("proxy_lost")).first()
                .extracting(NotifyRecorder.Event::detail).asString()
                .contains("could not be reached or did not accept the registration again within 2s of losing the link"
                        + " (the last connection attempt: Connection refused)");
        // Several rounds of trying after the loss was reported: the primary and its backup are still there.
        Thread.sleep(REGISTER_TIMEOUT.multipliedBy(3).toMillis());
        assertThat(cluster.firstPrimary().isAlive()).as("the primary keeps its space").isTrue();
        assertThat(ServiceCluster.isAlive(before.backupPid().orElseThrow())).as("the backup still runs").isTrue();

        cluster.startProxy();
        ServiceStatus after = cluster.awaitInSync();
        assertThat(after.primaryPid()).as("the same primary").isEqualTo(before.primaryPid());
        assertThat(after.epoch()).as("no failover").isEqualTo(before.epoch());
        assertThat(after.size()).isEqualTo(written.size());
        try (LineClient client = cluster.client()) {
            assertThat(Requests.answerPairs(client.call(Requests.get(1, ".*", ".*")))).as("every pair served again")
                    .isEqualTo(written);
        }
        eventually(Duration.ofSeconds(10), () ->
                assertThat(notify.eventNames()).as("operator events").contains("proxy_restored"));
    }
}
