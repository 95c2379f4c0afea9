package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.testing.RunsAlone;

/**
 * docs/design.md "Failover" steps 1-2: a hung primary (SIGSTOP: alive, sockets open, silent) is detected only by
 * missed heartbeats. The backup must take over within about interval × misses, kill the stopped process (SIGKILL
 * works on a stopped process: our fencing) and lose no acknowledged write.
 */
@RunsAlone
class HungPrimaryIT {

    /** JVM work after detection (kill and reap, bind, register, resend) on a busy 2-core machine. */
    private static final Duration TAKEOVER_SLACK = Duration.ofSeconds(4);

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void stoppedPrimaryIsFencedAndReplacedWithinTheHeartbeatBound() throws Exception {
        ServiceOptions options = ServiceOptions.defaults().withHeartbeat(Duration.ofMillis(200), 10);
        ServiceCluster cluster = clusters.start(options);
        Duration bound = options.heartbeatDetection().plus(TAKEOVER_SLACK);

        try (Workload load = new Workload(cluster, 4, 8, 99).start()) {
            load.awaitProgress(300, Duration.ofSeconds(60));
            // Precondition: a live backup exists to take over.
            ServiceStatus before = cluster.awaitBackupLive();
            long hung = before.primaryPid();
            System.out.printf("HungPrimaryIT: %s kill -STOP %d (epoch %d)%n", ServiceCluster.clock(), hung, before.epoch());

            // Fault: SIGSTOP the primary. Its sockets stay open, so only missed heartbeats can reveal it.
            long stoppedAt = System.nanoTime();
            ServiceCluster.sigstop(hung);
            ServiceStatus after;
            try {
                after = eventually(bound.plus(Duration.ofSeconds(30)), cluster::status, status ->
                        assertThat(status.hasPrimary() && status.primaryPid() != hung).as("a new primary: %s", status).isTrue());
                assertThat(after.epoch()).isGreaterThan(before.epoch());
                // Fencing: the stopped process was killed, not left to wake up and act as a second primary.
                eventually(Duration.ofSeconds(10), () ->
                        assertThat(ServiceCluster.isAlive(hung)).as("stopped primary %d still exists", hung).isFalse());
            } finally {
                if (ServiceCluster.isAlive(hung)) {
                    ServiceCluster.sigcont(hung);
                }
            }

            // The clients' view: how long no answer came. (STATUS polling itself may stall on the stopped
            // process, so the answers, not STATUS, measure the takeover.)
            load.awaitProgress(300, Duration.ofSeconds(60));
            Duration window = load.answerGapAfter(stoppedAt);
            System.out.printf("HungPrimaryIT: SIGSTOP of %d -> new primary %d (epoch %d -> %d); clients waited %d ms (bound %d ms)%n",
                    hung, after.primaryPid(), before.epoch(), after.epoch(), window.toMillis(), bound.toMillis());
            assertThat(window).as("longest wait for an answer after SIGSTOP (heartbeat %s x %d + slack)",
                    options.heartbeatInterval(), options.heartbeatMisses()).isLessThan(bound);
            load.stop();
            load.assertNoErrors();
            load.verifyFinalState();
        }
        cluster.awaitBackupLive();
        eventually(Duration.ofSeconds(20), () ->
                assertThat(cluster.status().backupInSync()).as("new backup equal to the new primary").isTrue());
    }
}
