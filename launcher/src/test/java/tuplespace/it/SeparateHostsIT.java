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
 * The proxy, the primary and its backup each on a host of its own ({@link NetnsHosts}), the clients beside the proxy;
 * links cut silently (docs/design.md "Partitions", cases 1, 2, 3 and 5; case 4 is {@link PartitionIT}). The servers
 * know each other by {@code host:port} and start each other's backups with {@code --backup-start}; no pid fences
 * anything. Throughout, a {@link Workload} checks every answer: an acknowledged write lost, an update applied twice, a
 * read of a stale or future value would each be a wrong answer.
 */
@RunsAlone
class SeparateHostsIT {

    /** The clients' goal in case 2: served again this soon after the primary's host is cut off from the proxy. */
    private static final Duration TAKEOVER_GOAL = Duration.ofSeconds(2);
    private static final Duration CUT = Duration.ofSeconds(3);

    @RegisterExtension
    final Clusters clusters = new Clusters();

    /**
     * Case 1, the primary's and the backup's hosts cut apart, both still reach the proxy; then case 3, the backup's host
     * isolated. Each time the primary serves on alone (no failover: the proxy still hears it, and it told the proxy
     * that no backup holds what it answers now), and when the links heal the same backup process is brought up to date
     * again by the same primary. Then case 4, the proxy's host isolated: nobody is served meanwhile, and after the heal
     * the same primary serves again with the same backup.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aBackupCutOffFromItsPrimaryOrFromEveryoneWaitsAndIsResyncedWhileThePrimaryServesOnAndAnIsolatedProxyChangesNothing()
            throws Exception {
        try (NetnsHosts hosts = NetnsHosts.createOrSkip("proxy", "a", "b")) {
            NotifyRecorder notify = NotifyRecorder.in(clusters.runDirectory().resolve("notify"));
            ServiceCluster cluster = clusters.create(ServiceOptions.defaults().withNotify(notify.script()),
                    hosts.host("proxy"), hosts.host("a"), hosts.host("b")).startProxy().startPrimary();
            try {
                ServiceStatus before = cluster.awaitInSync();
                long backupPid = before.backupPid().orElseThrow();
                try (Workload load = new Workload(cluster, 4, 8, 31).start()) {
                    load.awaitProgress(300, Duration.ofSeconds(60));

                    servedOnAloneThroughout(cluster, load, () -> hosts.cut("a", "b"), () -> hosts.heal("a", "b"),
                            "case 1: primary and backup cut apart");
                    servedOnAloneThroughout(cluster, load, () -> {
                        hosts.cut("a", "b");
                        hosts.cut("proxy", "b");
                    }, () -> {
                        hosts.heal("proxy", "b");
                        hosts.heal("a", "b");
                    }, "case 3: the backup's host isolated");

                    // case 4: the proxy isolated, past its silence bound: no promotion (it hears no backup either),
                    // and on the heal the same primary registers again, before the late follower's grace ends
                    ServiceStatus beforeCut = cluster.status();
                    long cutAt = System.nanoTime();
                    hosts.cut("proxy", "a");
                    hosts.cut("proxy", "b");
                    Thread.sleep(CUT.plusSeconds(1).toMillis());
                    hosts.heal("proxy", "a");
                    hosts.heal("proxy", "b");
                    load.awaitProgress(300, Duration.ofSeconds(60));
                    ServiceStatus afterHeal = cluster.awaitBackupLive();
                    System.out.printf("SeparateHostsIT: case 4: the proxy isolated for %d ms; longest wait %d ms%n",
                            (System.nanoTime() - cutAt) / 1_000_000, load.answerGapAfter(cutAt).toMillis());
                    assertThat(afterHeal.primaryPid()).as("case 4: the same primary").isEqualTo(beforeCut.primaryPid());
                    assertThat(afterHeal.epoch()).as("case 4: no failover").isEqualTo(beforeCut.epoch());

                    load.stop();
                    load.assertNoErrors();
                    load.verifyFinalState();
                }
                ServiceStatus after = cluster.awaitInSync();
                assertThat(after.primaryPid()).as("the same primary serves").isEqualTo(before.primaryPid());
                assertThat(after.epoch()).as("no failover").isEqualTo(before.epoch());
                assertThat(after.backupPid()).as("the same backup process, resynced").hasValue(backupPid);
                assertThat(notify.eventNames()).as("operator events").contains("backup_failed", "backup_restored",
                        "primary_unreachable").doesNotContain("primary_failed", "failover_complete");
            } finally {
                cluster.close(); // its processes first: a namespace goes only once nothing runs in it
            }
        }
    }

    /**
     * Case 2, the primary's host cut off from the proxy while its backup reaches both: the proxy loses the primary,
     * promotes the backup (epoch + 1), and the clients are served again within {@link #TAKEOVER_GOAL}; when the cut
     * heals the old primary is refused (a newer epoch serves) and stops. Then case 5 on the new primary, hung with
     * SIGSTOP once its own new backup (started on the other host by {@code --backup-start}) is live: replaced the same
     * way, and refused when it wakes up.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aPrimaryCutOffFromTheProxyOrHungIsReplacedByItsBackupWithinTwoSecondsAndThenRefused() throws Exception {
        try (NetnsHosts hosts = NetnsHosts.createOrSkip("proxy", "a", "b")) {
            NotifyRecorder notify = NotifyRecorder.in(clusters.runDirectory().resolve("notify"));
            ServiceCluster cluster = clusters.create(ServiceOptions.defaults().withNotify(notify.script())
                            .withProxySilence(null), // the proxy's default (1 s): the goal holds with it
                    hosts.host("proxy"), hosts.host("a"), hosts.host("b")).startProxy().startPrimary();
            try {
                ServiceStatus first = cluster.awaitInSync();
                try (Workload load = new Workload(cluster, 4, 8, 37).start()) {
                    load.awaitProgress(300, Duration.ofSeconds(60));

                    // case 2
                    long cutAt = System.nanoTime();
                    hosts.cut("proxy", "a");
                    ServiceStatus second = cluster.awaitNewPrimaryWithLiveBackup(first.primaryPid());
                    load.awaitProgress(300, Duration.ofSeconds(60));
                    Duration gap = load.answerGapAfter(cutAt);
                    System.out.printf("SeparateHostsIT: case 2: epoch %d -> %d, clients served again %d ms after the"
                            + " cut%n", first.epoch(), second.epoch(), gap.toMillis());
                    assertThat(second.epoch()).as("epoch after the takeover").isEqualTo(first.epoch() + 1);
                    assertThat(gap).as("clients' longest wait across the takeover").isLessThanOrEqualTo(TAKEOVER_GOAL);
                    hosts.heal("proxy", "a");
                    eventually(Duration.ofSeconds(30), () -> assertThat(
                            ServiceCluster.isAlive(first.primaryPid())).as("the old primary stopped").isFalse());

                    // case 5
                    long hung = second.primaryPid();
                    ServiceCluster.sigstop(hung);
                    long hungAt = System.nanoTime();
                    try {
                        ServiceStatus third = cluster.awaitNewPrimaryWithLiveBackup(hung);
                        load.awaitProgress(300, Duration.ofSeconds(60));
                        Duration hungGap = load.answerGapAfter(hungAt);
                        System.out.printf("SeparateHostsIT: case 5: epoch %d -> %d, clients served again %d ms after"
                                + " SIGSTOP%n", second.epoch(), third.epoch(), hungGap.toMillis());
                        assertThat(third.epoch()).as("epoch after the second takeover").isEqualTo(second.epoch() + 1);
                        assertThat(hungGap).as("clients' longest wait across a hung primary's replacement")
                                .isLessThanOrEqualTo(TAKEOVER_GOAL);
                    } finally {
                        ServiceCluster.sigcont(hung);
                    }
                    eventually(Duration.ofSeconds(30), () -> assertThat(ServiceCluster.isAlive(hung))
                            .as("the hung primary, woken up, stopped").isFalse());

                    load.stop();
                    load.assertNoErrors();
                    load.verifyFinalState();
                }
                assertThat(notify.eventNames()).as("operator events").contains("stale_epoch", "failover_complete");
            } finally {
                cluster.close();
            }
        }
    }

    /**
     * Cuts with {@code cut}, checks for {@link #CUT} that clients are served on (by the same primary, same epoch), heals
     * with {@code heal} and waits until the backup is live again.
     */
    private static void servedOnAloneThroughout(ServiceCluster cluster, Workload load, Step cut, Step heal, String what)
            throws Exception {
        ServiceStatus before = cluster.status();
        cut.run();
        long cutAt = System.nanoTime();
        eventually(Duration.ofSeconds(20), () -> assertThat(cluster.status().backupState())
                .as("%s: the primary serves without its backup", what).isNotEqualTo("live"));
        long answered = load.answered();
        Thread.sleep(CUT.toMillis());
        assertThat(load.answered()).as("%s: clients are served during the cut", what).isGreaterThan(answered + 100);
        ServiceStatus during = cluster.status();
        assertThat(during.primaryPid()).as("%s: no failover", what).isEqualTo(before.primaryPid());
        assertThat(during.epoch()).as("%s: no failover", what).isEqualTo(before.epoch());
        heal.run();
        ServiceStatus healed = cluster.awaitBackupLive();
        System.out.printf("SeparateHostsIT: %s for %d ms; longest wait %d ms; backup live again at index %d%n", what,
                (System.nanoTime() - cutAt) / 1_000_000, load.answerGapAfter(cutAt).toMillis(), healed.backupIndex());
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }
}
