package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.codec.frame.Frame;
import tuplespace.it.Requests.TextPair;

/**
 * A primary with a stale epoch is refused (docs/design.md "Failover", step 4): the proxy accepts a registration
 * only with an epoch higher than any it has seen. An impostor registering with the live epoch, or with the epoch of
 * a primary that was failed over, must get STALE_EPOCH and be closed, and the live primary must not notice.
 */
class StaleEpochIT {

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void registrationsWithAnEpochNotAboveTheLiveOneAreRefusedAndChangeNothing() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        ServiceStatus first = cluster.status();
        try (LineClient client = cluster.client()) {
            assertThat(Requests.answerPairs(client.call(Requests.put(1, List.of(new TextPair("e,1", "before")))))).isEmpty();

            // Fault: an impostor claims the live epoch (not higher than any seen).
            assertRefused(cluster, first.epoch(), first.epoch());
            assertLivePrimaryUnaffected(cluster, client, first, 2);

            // Make the epoch move: the real primary crashes and the backup takes over with epoch + 1.
            cluster.awaitBackupLive();
            ServiceCluster.kill9(first.primaryPid());
            ServiceStatus second = cluster.awaitNewPrimaryWithLiveBackup(first.primaryPid());
            assertThat(second.epoch()).isGreaterThan(first.epoch());

            // Fault: the old primary's epoch comes back (a primary that was failed over and "wakes up"), and epoch 0.
            assertRefused(cluster, first.epoch(), second.epoch());
            assertRefused(cluster, 0, second.epoch());
            assertLivePrimaryUnaffected(cluster, client, second, 4);
        }
    }

    private static void assertRefused(ServiceCluster cluster, long staleEpoch, long liveEpoch) throws Exception {
        try (FakePrimary impostor = FakePrimary.connect(cluster.proxyPrimarySap())) {
            impostor.send(new Frame.Register(staleEpoch, ProcessHandle.current().pid(), ProcessHandle.current().pid(),
                    new tuplespace.codec.Sap("127.0.0.1", cluster.spareLoopbackSap().port()), 0, 0));
            Optional<Frame> reply = impostor.receive(Duration.ofSeconds(5));
            assertThat(reply).as("reply to REGISTER with epoch %d while epoch %d is live", staleEpoch, liveEpoch)
                    .isPresent().get().isInstanceOf(Frame.StaleEpoch.class);
            assertThat(((Frame.StaleEpoch) reply.get()).currentEpoch()).as("epoch the proxy reports").isGreaterThanOrEqualTo(liveEpoch);
            assertThat(impostor.receive(Duration.ofSeconds(5))).as("the proxy closes the impostor's connection").isEmpty();
        }
    }

    private static void assertLivePrimaryUnaffected(ServiceCluster cluster, LineClient client, ServiceStatus live, long id) {
        ServiceStatus now = cluster.status();
        assertThat(now.primaryPid()).as("live primary still registered").isEqualTo(live.primaryPid());
        assertThat(now.epoch()).as("epoch unchanged").isEqualTo(live.epoch());
        assertThat(Requests.answerPairs(client.call(Requests.post(id, List.of(new TextPair("e,1", "after" + id))))))
                .as("the live primary still serves updates").isEmpty();
        assertThat(Requests.answerPairs(client.call(Requests.get(id + 1, "e,1", ".*")))).containsEntry("e,1", "after" + id);
    }
}
