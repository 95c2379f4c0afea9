package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.testing.Host;
import tuplespace.testing.ManagedProcess;

/**
 * The README's start-up "On several machines" with {@code --backup-start none}, on loopback: each server has SAPs of
 * its own and knows the other's BACKUP_SAP, the backup is started by the operator (here the test) and knows its
 * primary by {@code host:port}, so nothing is fenced by pid. A killed primary is replaced by that backup; the new
 * primary serves on one copy until the operator starts the next backup where the old primary was, and then has a
 * live backup again — without any process started by a server.
 */
class OperatorStartedBackupIT {

    @RegisterExtension
    final Clusters clusters = new Clusters();

    /** One server's own addresses. */
    private record Server(Sap shutdown, Sap backup, Sap heartbeat) {
        static Server beside(ServiceCluster cluster) {
            return new Server(cluster.spareLoopbackSap(), cluster.spareLoopbackSap(), cluster.spareLoopbackSap());
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPrimaryWhoseBackupAnOperatorStartedIsReplacedByItAndTheNextBackupIsTheOperatorsToo() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        Server a = Server.beside(cluster);
        Server b = Server.beside(cluster);
        // closed at the end: each leads a process group of its own, which the cluster's own processes do not cover
        try (ManagedProcess backup = start(cluster, "server-b", b, a.shutdown().toString(), a);
             ManagedProcess primary = start(cluster, "server-a", a, "null", b)) {
            ServiceStatus first = cluster.awaitInSync();
            assertThat(first.primaryPid()).as("the primary").isEqualTo(primary.pid());
            assertThat(first.backupPid()).as("the backup the operator started").hasValue(backup.pid());

            try (Workload load = new Workload(cluster, 3, 8, 41).start()) {
                load.awaitProgress(300, Duration.ofSeconds(60));
                long killedAt = System.nanoTime();
                ServiceCluster.kill9(primary.pid());
                ServiceStatus promoted = eventually(Duration.ofSeconds(30), cluster::status,
                        status -> assertThat(status.hasPrimary() && status.primaryPid() == backup.pid())
                                .as("the backup serves: %s", status).isTrue());
                assertThat(promoted.epoch()).isEqualTo(first.epoch() + 1);
                load.awaitProgress(300, Duration.ofSeconds(60));
                System.out.printf("OperatorStartedBackupIT: clients served again %d ms after kill -9%n",
                        load.answerGapAfter(killedAt).toMillis());
                assertThat(cluster.status().backupState()).as("no backup until the operator starts one")
                        .isNotEqualTo("live");

                try (ManagedProcess next = start(cluster, "server-a2", a, b.shutdown().toString(), b)) {
                    ServiceStatus protectedAgain = eventually(Duration.ofSeconds(60), cluster::status,
                            status -> assertThat("live".equals(status.backupState())
                                    && status.backupPid().orElse(-1) == next.pid()).as("the next backup: %s", status)
                                    .isTrue());
                    assertThat(protectedAgain.primaryPid()).isEqualTo(backup.pid());
                    load.awaitProgress(300, Duration.ofSeconds(60));
                    load.stop();
                    load.assertNoErrors();
                    load.verifyFinalState();
                }
            }
        }
    }

    /**
     * Each machine with a data directory of its own, {@code --fsync everysec}. The primary's machine loses power, and
     * the proxy with it (here: both killed, and the tail of the primary's log cut off, as the pages the log had not
     * forced); the backup on the other machine holds every acknowledged write and waits. The primary's command line
     * run again recovers a shorter log at a higher epoch: its snapshot used to replace the backup's copy, losing the
     * writes acknowledged in the log's last second. The backup refuses it, the restarted server stops and names the
     * backup, and PROMOTE serves every acknowledged write.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPrimaryRestartedOnALogThatAPowerCutShortenedDoesNotReplaceTheBackupThatHoldsMore() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        Server a = Server.beside(cluster);
        Server b = Server.beside(cluster);
        Path hostA = cluster.directory().resolve("host-a-data");
        List<String> onHostA = List.of("--data-dir", hostA.toString(), "--fsync", "everysec");
        List<String> onHostB = List.of("--data-dir", cluster.directory().resolve("host-b-data").toString(), "--fsync",
                "everysec", "--node-id", "b");
        try (ManagedProcess backup = start(cluster, "server-b", b, a.shutdown().toString(), a, onHostB);
             ManagedProcess primary = start(cluster, "server-a", a, "null", b, onHostA)) {
            ServiceStatus inSync = cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            AcknowledgedWrites writes = new AcknowledgedWrites(cluster).start(4, 17);
            writes.awaitAcknowledged(300, Duration.ofSeconds(30));
            ServiceCluster.kill9All(cluster.proxy().pid(), primary.pid());
            writes.close();
            Path log;
            try (Stream<Path> files = Files.list(hostA.resolve("node-a"))) {
                log = files.filter(file -> file.getFileName().toString().matches("wal-\\d+\\.log")).sorted()
                        .reduce((first, second) -> second).orElseThrow();
            }
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
                file.setLength(file.length() * 2 / 3);
            }

            cluster.startProxy();
            eventually(ServiceCluster.READY_TIMEOUT, cluster::status,
                    status -> assertThat(status.followers()).as("the backup follows the new proxy").isEqualTo(1));
            try (ManagedProcess again = start(cluster, "server-a-again", a, "null", b, onHostA)) {
                assertThat(again.awaitExit(ServiceCluster.READY_TIMEOUT)).as("exit status of the restarted primary")
                        .hasValue(1);
                assertThat(again.stderrText()).contains("is older than its backup: backup pid " + backup.pid())
                        .contains("further than that primary recovered to");
            }
            assertThat(backup.isAlive()).as("the backup holding every acknowledged write").isTrue();

            assertThat(cluster.adminCommand(cluster.proxyShutdownSap(), "PROMOTE")).startsWith("ok: promoted backup");
            eventually(ServiceCluster.READY_TIMEOUT, cluster::status,
                    status -> assertThat(status.hasPrimary() && status.primaryPid() == backup.pid()).isTrue());
            Map<String, AcknowledgedWrites.Missing> missing;
            try (LineClient reader = cluster.client()) {
                missing = writes.missingFrom(Requests.answerPairs(reader.call(Requests.get(1, "w.*", ".*"))));
            }
            assertThat(missing).as("acknowledged writes missing, of " + writes.acknowledged() + " (in sync at "
                    + inSync.index() + ")").isEmpty();
        }
    }

    /** {@code server OWN_SAPS PROXY_SAP ... HANDLE null --peer-backup-sap PEER --backup-start none}, as the README. */
    private static ManagedProcess start(ServiceCluster cluster, String name, Server own, String handle, Server peer) {
        return start(cluster, name, own, handle, peer, List.of());
    }

    private static ManagedProcess start(ServiceCluster cluster, String name, Server own, String handle, Server peer,
                                        List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of(own.shutdown().toString(), cluster.proxyPrimarySap().toString(),
                own.backup().toString(), own.heartbeat().toString(), cluster.saveFile().toString(), handle, "null",
                "--peer-backup-sap", peer.backup().toString(), "--backup-start", "none"));
        args.addAll(cluster.options().serverArgs());
        args.addAll(extraArgs);
        return ServiceCluster.serviceJvm(Host.loopback(), "tuplespace.node.ServerMain").args(args)
                .start(name, cluster.directory());
    }
}
