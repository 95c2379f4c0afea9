package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    /**
     * Two machines, each with a data directory of its own and the same {@code --fsync}: server {@code a}, the primary,
     * and server {@code b}, the backup the operator starts.
     */
    private record TwoMachines(Server a, Server b, Path dataA, List<String> onA, List<String> onB) {
        static TwoMachines of(ServiceCluster cluster, String fsync) {
            Path dataA = cluster.directory().resolve("host-a-data");
            return new TwoMachines(Server.beside(cluster), Server.beside(cluster), dataA,
                    List.of("--data-dir", dataA.toString(), "--fsync", fsync),
                    List.of("--data-dir", cluster.directory().resolve("host-b-data").toString(), "--fsync", fsync,
                            "--node-id", "b"));
        }

        ManagedProcess startBackup(ServiceCluster cluster) {
            return startBackup(cluster, "server-b");
        }

        /** {@link #startBackup}, its process and log named {@code name}. */
        ManagedProcess startBackup(ServiceCluster cluster, String name) {
            return start(cluster, name, b, a.shutdown().toString(), a, onB);
        }

        /** The backup started again on its own, as after a total loss: returns once it listens at BACKUP_SAP. */
        ManagedProcess startBackupListening(ServiceCluster cluster) {
            return startBackupListening(cluster, "server-b");
        }

        /** {@link #startBackupListening}, its process and log named {@code name}. */
        ManagedProcess startBackupListening(ServiceCluster cluster, String name) {
            ManagedProcess backup = startBackup(cluster, name);
            try {
                backup.awaitListening(b.backup().port(), ServiceCluster.READY_TIMEOUT);
                return backup;
            } catch (RuntimeException | Error e) {
                backup.close();
                throw e;
            }
        }

        ManagedProcess startPrimary(ServiceCluster cluster) {
            return startPrimary(cluster, "server-a");
        }

        /** After a failover to {@code b}: the next backup, started by the operator on {@code a}'s machine. */
        ManagedProcess startBackupOnA(ServiceCluster cluster) {
            return startBackupOnA(cluster, "server-a-backup");
        }

        /** {@link #startBackupOnA}, its process and log named {@code name}. */
        ManagedProcess startBackupOnA(ServiceCluster cluster, String name) {
            List<String> options = new ArrayList<>(onA);
            options.addAll(List.of("--node-id", "a"));
            return start(cluster, name, a, b.shutdown().toString(), b, options);
        }

        /** The primary's command line, its output in logs of {@code name}'s own (one per start, to check each). */
        ManagedProcess startPrimary(ServiceCluster cluster, String name) {
            return start(cluster, name, a, "null", b, onA);
        }

        Path nodeDirectoryA() {
            return dataA.resolve("node-a");
        }

        /** The proxy started again; the backup that outlived it and the primary follows it. */
        void restartProxy(ServiceCluster cluster) {
            cluster.startProxy();
            eventually(ServiceCluster.READY_TIMEOUT, cluster::status,
                    status -> assertThat(status.followers()).as("the backup follows the new proxy").isEqualTo(1));
        }

        /**
         * The primary's command line run again while no backup listens on the other machine: it registers nothing,
         * and says that it waits for a backup there to judge its state.
         */
        ManagedProcess startPrimaryAwaitingItsBackup(ServiceCluster cluster, String name) {
            ManagedProcess again = startPrimary(cluster, name);
            try {
                eventually(ServiceCluster.READY_TIMEOUT, again::stderrText, log -> assertThat(log)
                        .contains("primary has not registered: no backup listens at " + b.backup()));
                return again;
            } catch (RuntimeException | Error e) {
                again.close();
                throw e;
            }
        }

        /**
         * The primary's command line run again beside the backup that outlived it and the proxy: the backup refuses
         * that server's state ({@code why}), the server exits 1 naming the backup, and PROMOTE makes the backup the
         * primary.
         */
        void restartRefusedThenPromote(ServiceCluster cluster, ManagedProcess backup, String why) throws Exception {
            try (ManagedProcess again = start(cluster, "server-a-again", a, "null", b, onA)) {
                refusedThenPromote(cluster, again, backup, why);
            }
        }

        /** {@link #restartRefusedThenPromote} of a primary started already ({@code again}). */
        void refusedThenPromote(ServiceCluster cluster, ManagedProcess again, ManagedProcess backup, String why)
                throws Exception {
            assertThat(again.awaitExit(ServiceCluster.READY_TIMEOUT)).as("exit status of the restarted primary")
                    .hasValue(1);
            assertThat(again.stderrText()).contains("may not replace its backup's copy: backup pid " + backup.pid())
                    .contains(why);
            assertThat(backup.isAlive()).as("the backup holding every acknowledged write").isTrue();
            eventually(ServiceCluster.READY_TIMEOUT, cluster::status,
                    status -> assertThat(status.followers()).as("the refusing backup follows the proxy").isEqualTo(1));

            assertThat(cluster.promote()).startsWith("ok: promoted backup");
            eventually(ServiceCluster.READY_TIMEOUT, cluster::status,
                    status -> assertThat(status.hasPrimary() && status.primaryPid() == backup.pid()).isTrue());
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
                        .isIn("none", "connecting"); // none: for the first half second after the takeover

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
        TwoMachines machines = TwoMachines.of(cluster, "everysec");
        try (ManagedProcess backup = machines.startBackup(cluster); ManagedProcess primary = machines.startPrimary(cluster)) {
            ServiceStatus inSync = cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            AcknowledgedWrites writes = new AcknowledgedWrites(cluster).start(4, 17);
            writes.awaitAcknowledged(300, Duration.ofSeconds(30));
            ServiceCluster.kill9All(cluster.proxy().pid(), primary.pid());
            writes.close();
            Path log;
            try (Stream<Path> files = Files.list(machines.nodeDirectoryA())) {
                log = files.filter(file -> file.getFileName().toString().matches("wal-\\d+\\.log")).sorted()
                        .reduce((first, second) -> second).orElseThrow();
            }
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "rw")) {
                file.setLength(file.length() * 2 / 3);
            }

            machines.restartProxy(cluster);
            machines.restartRefusedThenPromote(cluster, backup, "further than that primary recovered to");
            assertNoneMissing(cluster, writes, "in sync at " + inSync.index());
        }
    }

    /**
     * Each machine with a data directory of its own, {@code --fsync always}. An operator keeps a copy of the primary's
     * node directory, the service goes on, then the primary's machine and the proxy go down, and the operator
     * restores the copy there. The same command line recovers it one epoch above the epoch it recorded, the
     * backup's own: the backup used to take that snapshot, losing every write acknowledged since the copy. The
     * primary's entries told the backup how far its log was forced; the restart recovered less, so the backup refuses
     * it, the server stops naming the backup, and PROMOTE serves every acknowledged write.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPrimaryRestartedOnADataDirectoryRestoredFromAnOlderCopyDoesNotReplaceTheBackup() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        Path kept = cluster.directory().resolve("node-a-kept");
        try (ManagedProcess backup = machines.startBackup(cluster); ManagedProcess primary = machines.startPrimary(cluster)) {
            ServiceStatus inSync = cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            AcknowledgedWrites writes = new AcknowledgedWrites(cluster).start(4, 23);
            writes.awaitAcknowledged(100, Duration.ofSeconds(30));
            ServiceCluster.sigstop(primary.pid()); // for a copy as a crash would leave it: no file changes meanwhile
            try {
                copyTree(machines.nodeDirectoryA(), kept);
            } finally {
                ServiceCluster.sigcont(primary.pid());
            }
            long acknowledgedAtCopy = writes.acknowledged();
            writes.awaitAcknowledged(300, Duration.ofSeconds(30));
            ServiceCluster.kill9All(cluster.proxy().pid(), primary.pid());
            writes.close();
            deleteTree(machines.nodeDirectoryA());
            copyTree(kept, machines.nodeDirectoryA());

            machines.restartProxy(cluster);
            // clients write on while the server starts: it must answer none of them before the backup judged it
            try (AcknowledgedWrites meanwhile = new AcknowledgedWrites(cluster, "x").start(4, 29)) {
                machines.restartRefusedThenPromote(cluster, backup, "restored from an older copy?");
                meanwhile.awaitAcknowledged(50, Duration.ofSeconds(30));
                meanwhile.close();
                assertNoneMissing(cluster, writes, acknowledgedAtCopy + " when the copy was taken; in sync at "
                        + inSync.index());
                try (LineClient reader = cluster.client()) {
                    assertThat(meanwhile.missingFrom(Requests.answerPairs(reader.call(Requests.get(2, "x.*", ".*")))))
                            .as("the writes acknowledged during the restart").isEmpty();
                }
            }
        }
    }

    /**
     * Each machine with a data directory of its own, {@code --fsync always}. The primary is lost, the backup is promoted
     * and acknowledges more writes; then everything goes down, and the operator runs the original command lines again:
     * the proxy, the backup, the primary. The primary's directory never saw the promotion, so it recovers an older state
     * and takes the promoted epoch's number again; the backup, started before it, recovered the newer state from its own
     * directory. Its snapshot used to replace that copy, losing every write acknowledged after the failover. The backup
     * refuses it as another primary of its epoch, the server stops naming the backup, and PROMOTE serves every
     * acknowledged write. So also when the old primary's machine comes back first (an operator trial: it served its
     * older state, and its next restart replaced the newer copy): its start waits for the backup to judge it.
     */
    @ParameterizedTest(name = "the old primary's machine back first: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aBackupPromotedOnItsOwnMachineKeepsItsWritesWhenEverythingRestartsWithTheOriginalCommandLines(
            boolean primaryFirst) throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        AcknowledgedWrites writes;
        try (ManagedProcess backup = machines.startBackup(cluster);
             ManagedProcess primary = machines.startPrimary(cluster)) {
            ServiceStatus first = cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            writes = new AcknowledgedWrites(cluster).start(4, 31);
            failOverUnderWrites(cluster, writes, primary, backup);
            long beforeKill = writes.acknowledged();
            writes.awaitAcknowledged(200, Duration.ofSeconds(30));
            ServiceCluster.kill9All(cluster.proxy().pid(), backup.pid());
            writes.close();
            System.out.printf("OperatorStartedBackupIT: %d writes acknowledged, %d after the failover to epoch %d%n",
                    writes.acknowledged(), writes.acknowledged() - beforeKill, first.epoch() + 1);
        }

        cluster.startProxy();
        if (primaryFirst) {
            try (ManagedProcess again = machines.startPrimaryAwaitingItsBackup(cluster, "server-a-again");
                 ManagedProcess backup = machines.startBackup(cluster)) {
                machines.refusedThenPromote(cluster, again, backup, "from another primary of that epoch number");
                assertNoneMissing(cluster, writes, "after a failover, then a restart of everything, the primary first");
            }
            return;
        }
        try (ManagedProcess backup = machines.startBackupListening(cluster)) {
            machines.restartRefusedThenPromote(cluster, backup, "from another primary of that epoch number");
            // its own directory alone on its machine: the launcher read its log ahead, which its recovery took
            assertThat(backup.stderrText()).contains("recovered", "entries of log, snapshot and log read ahead",
                    "backup refuses the snapshot of primary pid");
            assertNoneMissing(cluster, writes, "after a failover, then a restart of everything");
        }
    }

    /**
     * After a failover the operator started the next backup on the old primary's machine (the backup's command line,
     * the machines swapped): both machines' last command lines are backups' ones. After a total loss under writes,
     * run again, both follow at the proxy and nobody serves; PROMOTE takes the one whose copy goes furthest, the other
     * takes its state, and every acknowledged write is served. (An operator trial found PROMOTE refused there:
     * "expected one backup following the newest epoch, found 2", and no word from the proxy.)
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void afterAFailoverBothMachinesBackupCommandLinesRunAgainArePromotedFromTheFurthestCopy() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        AcknowledgedWrites writes;
        try (ManagedProcess backup = machines.startBackup(cluster);
             ManagedProcess primary = machines.startPrimary(cluster)) {
            cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            writes = new AcknowledgedWrites(cluster).start(4, 47);
            failOverUnderWrites(cluster, writes, primary, backup);
            try (ManagedProcess next = machines.startBackupOnA(cluster)) {
                cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
                writes.awaitAcknowledged(100, Duration.ofSeconds(30));
                ServiceCluster.kill9All(cluster.proxy().pid(), backup.pid(), next.pid());
                writes.close();
            }
        }
        cluster.startProxy();
        try (ManagedProcess onA = machines.startBackupOnA(cluster, "server-a-backup-again");
             ManagedProcess onB = machines.startBackup(cluster, "server-b-again")) {
            eventually(ServiceCluster.READY_TIMEOUT, cluster::status,
                    status -> assertThat(status.followers()).as("both backups follow").isEqualTo(2));
            assertThat(cluster.promote()).startsWith("ok: promoted backup");
            ServiceStatus inSync = cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            assertThat(List.of(onA.pid(), onB.pid())).as("one of them serves").contains(inSync.primaryPid());
            assertNoneMissing(cluster, writes, "after a failover, then both backups' command lines run again");
        }
    }

    /**
     * Each machine with a data directory of its own, {@code --fsync always}: everything killed after writes, the two
     * in step, then restarted three times with the original command lines, with no update between. Each time the
     * backup takes the primary's state. The first restart logs the closing of the writers' connections; after the
     * second, which logged nothing, the backup's snapshot was of an epoch of which the primary's directory held no
     * entry, which made the backup's directory look the newer and refuse the primary at the third restart and every
     * one after. (A backup ahead of its primary, by entries written under load that the primary never forced, is
     * kept as the newer: BackupCopyTest.)
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void restartsOfBothMachinesWithTheOriginalCommandLinesKeepServing() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        AcknowledgedWrites writes = writeThenLoseEverything(cluster, machines, 300, 37);
        for (int restart = 1; restart <= 3; restart++) {
            cluster.startProxy();
            try (ManagedProcess backup = machines.startBackupListening(cluster)) {
                try (ManagedProcess primary = machines.startPrimary(cluster)) {
                    ServiceStatus inSync = cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
                    assertThat(inSync.primaryPid()).as("restart %d: the primary", restart).isEqualTo(primary.pid());
                    assertThat(backup.stderrText()).as("restart %d", restart).doesNotContain("backup refuses");
                    assertNoneMissing(cluster, writes, "restart " + restart);
                    cluster.awaitQuietInSync(ServiceCluster.DURABLE_READY_TIMEOUT); // the reader's close logged on both
                    ServiceCluster.kill9All(cluster.proxy().pid(), primary.pid(), backup.pid());
                }
            }
        }
    }

    /**
     * Each machine with a data directory of its own: after a failover, the old primary's command line run again on
     * its machine (a service manager restarting it). Its directory never saw the promotion; starts of it used to come
     * out above the promoted backup's epoch, and the proxy took one and dropped the primary that served every write
     * since. Such a start now waits for a backup on the other machine to judge its state, and none listens there (the
     * promoted backup serves): it registers nothing, and the promoted backup serves on. (The proxy's own fence, for
     * a start that does register: RestartEpochTest, ProxyLosesPrimaryTest.)
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theOldPrimarysCommandLineRunAgainDoesNotReplaceThePromotedBackup() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        try (ManagedProcess backup = machines.startBackup(cluster);
             ManagedProcess primary = machines.startPrimary(cluster)) {
            cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            AcknowledgedWrites writes = new AcknowledgedWrites(cluster).start(4, 41);
            long promotedEpoch = failOverUnderWrites(cluster, writes, primary, backup).epoch();
            writes.awaitAcknowledged(100, Duration.ofSeconds(30));
            try (ManagedProcess again = machines.startPrimaryAwaitingItsBackup(cluster, "server-a-again")) {
                writes.awaitAcknowledged(50, Duration.ofSeconds(30));
                assertThat(again.isAlive()).as("the old primary's start, waiting").isTrue();
                assertThat(cluster.status().epoch()).as("no other epoch registered").isEqualTo(promotedEpoch);
            }
            writes.close();
            assertThat(cluster.status().primaryPid()).as("the promoted backup serves on").isEqualTo(backup.pid());
            assertNoneMissing(cluster, writes, "after the old primary's command line ran twice");
        }
    }

    /**
     * Each machine with a data directory of its own, {@code --fsync always}: the backup's machine dies, the primary
     * serves alone and acknowledges more writes, then its process is killed too while the proxy stays up, and its
     * command line runs again (a service manager restarting it). The proxy waits for exactly its node directory,
     * which holds every acknowledged write, so it takes that start without a backup's judgement (none can come), and
     * the service serves again by itself, losing nothing. (Before, such a start waited for the dead machine for good.)
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPrimaryThatServedAloneAfterItsBackupsMachineDiedServesAgainWhenItsOwnProcessRestarts() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        try (ManagedProcess backup = machines.startBackup(cluster);
             ManagedProcess primary = machines.startPrimary(cluster)) {
            AcknowledgedWrites writes = lostAfterServingAlone(cluster, backup, primary, 43);
            try (ManagedProcess again = machines.startPrimary(cluster, "server-a-again")) {
                servesEveryAcknowledgedWrite(cluster, again, writes, "the restart of the primary that served alone");
                assertThat(again.stderrText()).doesNotContain("primary has not registered");
            }
        }
    }

    /**
     * The same loss, but on the machine where the primary ran the operator starts its backup command line, as after a
     * failover (the next backup on the old primary's machine): that backup recovers the very node directory the proxy
     * waits for, and its FOLLOW names it. The proxy promotes it as it would the lost primary's replica (before, it
     * said that backup lacked what the directory holds, and only PROMOTE served it), and it serves every acknowledged
     * write.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aBackupStartedOnTheNodeDirectoryOfAPrimaryLostWhileItServedAloneIsPromotedAndLosesNothing() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        try (ManagedProcess backup = machines.startBackup(cluster);
             ManagedProcess primary = machines.startPrimary(cluster)) {
            AcknowledgedWrites writes = lostAfterServingAlone(cluster, backup, primary, 53);
            try (ManagedProcess backupOnA = machines.startBackupOnA(cluster)) {
                servesEveryAcknowledgedWrite(cluster, backupOnA, writes,
                        "the promotion of the backup on the lost primary's directory");
                assertThat(cluster.proxy().stderrText()).contains("; it keeps the node directory node-a");
            }
        }
    }

    /**
     * Each machine with a data directory of its own, {@code --fsync always}: after a failover the promoted backup
     * serves alone and acknowledges more writes, then its machine goes down too, while the proxy stays up; the old
     * primary's command line runs again on its machine (a service manager restarting it). Starts of it used to come out
     * above the promoted backup's epoch, and the proxy, with no primary left to keep, took one: the old state was
     * served, without every write acknowledged since the failover. Such a start now waits for a backup on the other
     * machine to judge its state; once that machine is back, its backup refuses the old primary's, and PROMOTE serves
     * every acknowledged write.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theOldPrimarysCommandLineRunAgainAndAgainWaitsForThePromotedBackupThatWasLostToo() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        AcknowledgedWrites writes;
        long promotedEpoch;
        try (ManagedProcess backup = machines.startBackup(cluster);
             ManagedProcess primary = machines.startPrimary(cluster)) {
            cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            writes = new AcknowledgedWrites(cluster).start(4, 43);
            promotedEpoch = failOverUnderWrites(cluster, writes, primary, backup).epoch();
            writes.awaitAcknowledged(100, Duration.ofSeconds(30));
            ServiceCluster.kill9(backup.pid());
            writes.close();
        }

        try (ManagedProcess again = machines.startPrimaryAwaitingItsBackup(cluster, "server-a-again");
             ManagedProcess backup = machines.startBackup(cluster)) {
            assertThat(cluster.adminCommand(cluster.proxyShutdownSap(), "STATUS")).as("the proxy's STATUS")
                    .contains("\"epoch\":" + promotedEpoch + ",").endsWith("\"primary\":null}");
            machines.refusedThenPromote(cluster, again, backup, "from another primary of that epoch number");
            assertNoneMissing(cluster, writes, "after the promoted backup was lost and the old primary restarted");
        }
    }

    /**
     * Each machine with a data directory of its own, {@code --fsync always}: after a failover the operator starts the
     * next backup on the old primary's machine, as the README says; it takes the promoted primary's state, and its
     * epoch with it, then fails; the promoted primary serves on one copy and acknowledges more writes, and its machine
     * goes down too, while the proxy stays up. The old primary's command line then asked for the epoch above the
     * promoted one (its directory had recorded that one with the copy) and the proxy, with no primary to keep, took it:
     * the copy's older state was served. The proxy now waits for the lost primary's own directory (STATUS names it),
     * and the old primary's start waits for a backup on the other machine to judge its state; once that machine is
     * back, the old primary is refused by its backup there, and PROMOTE serves every acknowledged write.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theOldPrimaryWhoseMachineRanABackupOfThePromotedOneWaitsForItOnceItIsLostOnOneCopy() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        AcknowledgedWrites writes;
        try (ManagedProcess backup = machines.startBackup(cluster);
             ManagedProcess primary = machines.startPrimary(cluster)) {
            cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            writes = new AcknowledgedWrites(cluster).start(4, 47);
            failOverUnderWrites(cluster, writes, primary, backup);
            try (ManagedProcess next = machines.startBackupOnA(cluster)) {
                eventually(Duration.ofSeconds(60), cluster::status, status -> assertThat("live".equals(
                        status.backupState()) && status.backupPid().orElse(-1) == next.pid())
                        .as("the next backup, on the old primary's machine: %s", status).isTrue());
                writes.awaitAcknowledged(50, Duration.ofSeconds(30));
                ServiceCluster.kill9(next.pid());
            }
            eventually(Duration.ofSeconds(30), cluster::status, status -> assertThat(status.backupState())
                    .as("the promoted primary on one copy").isNotEqualTo("live"));
            writes.awaitAcknowledged(100, Duration.ofSeconds(30));
            ServiceCluster.kill9(backup.pid());
            writes.close();
        }

        assertThat(cluster.adminCommand(cluster.proxyShutdownSap(), "STATUS")).as("the proxy's STATUS")
                .containsPattern("\"waitsFor\":\"b\\.[0-9a-f]{16}\"");
        try (ManagedProcess again = machines.startPrimaryAwaitingItsBackup(cluster, "server-a-again");
             ManagedProcess backup = machines.startBackup(cluster)) {
            machines.refusedThenPromote(cluster, again, backup, "newer than the state that primary recovered");
            assertNoneMissing(cluster, writes, "after the promoted primary was lost on one copy");
        }
    }

    /**
     * Everything lost, and the primary's command line run before the proxy is back (a service manager that starts the
     * servers first): the backup, listening, takes the state it recovered, and the start stops unregistered after
     * --primary-register-timeout. Run again once the proxy is up, it is another server of the same epoch number (a
     * directory records an epoch only once the proxy takes it), which the backup refused as another history, so that
     * PROMOTE was needed. The backup's copy holds no entry of that epoch, so the first start answered nothing: the
     * second is taken, and serves every acknowledged write with its backup. So it is when the backup's machine
     * restarted too between the two starts: its directory kept, with the snapshot of the first start's state, where
     * that start had recovered it to.
     */
    @ParameterizedTest(name = "the backup restarted in between: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRestartThatNeverRegisteredAfterItsBackupTookItsStateIsFollowedByTheNextOne(boolean backupRestarted)
            throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults()
                .withServerArgs("--primary-register-timeout", "2s")).startProxy();
        TwoMachines machines = TwoMachines.of(cluster, "always");
        AcknowledgedWrites writes = writeThenLoseEverything(cluster, machines, 100, 41);
        ManagedProcess backup = machines.startBackupListening(cluster);
        try {
            try (ManagedProcess unregistered = machines.startPrimary(cluster, "server-a-without-proxy")) {
                assertThat(unregistered.awaitExit(ServiceCluster.READY_TIMEOUT)).as("exit status of the start with no"
                        + " proxy").hasValue(1);
                assertThat(unregistered.stderrText()).contains("proxy_unreachable")
                        .contains("run this command again once the proxy is up and accepts this server");
            }
            assertThat(backup.isAlive()).as("the backup, which took that start's state").isTrue();
            if (backupRestarted) {
                ManagedProcess first = backup;
                eventually(Duration.ofSeconds(10), first::stderrText, log -> assertThat(log)
                        .as("the backup's log").contains("snapshot at entry"));
                ServiceCluster.kill9(first.pid());
                first.close();
                backup = machines.startBackupListening(cluster, "server-b-restarted");
                cluster.startProxy(); // a backup no primary reached since its start follows no proxy yet
            } else {
                machines.restartProxy(cluster);
            }
            try (ManagedProcess primary = machines.startPrimary(cluster, "server-a-with-proxy")) {
                ServiceStatus inSync = cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
                assertThat(inSync.primaryPid()).as("the primary").isEqualTo(primary.pid());
                assertThat(backup.stderrText()).doesNotContain("backup refuses");
                assertNoneMissing(cluster, writes, "after the start that registered");
            }
        } finally {
            backup.close();
        }
    }

    /**
     * Both servers started, {@code count} writes acknowledged by 4 writers (seeded {@code seed}) and in sync on both,
     * then the proxy, the primary and the backup killed together: returns the writes.
     */
    private static AcknowledgedWrites writeThenLoseEverything(ServiceCluster cluster, TwoMachines machines, int count,
                                                              long seed) throws Exception {
        try (ManagedProcess backup = machines.startBackup(cluster);
             ManagedProcess primary = machines.startPrimary(cluster)) {
            cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            AcknowledgedWrites writes = new AcknowledgedWrites(cluster).start(4, seed);
            writes.awaitAcknowledged(count, Duration.ofSeconds(30));
            writes.close();
            cluster.awaitQuietInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
            ServiceCluster.kill9All(cluster.proxy().pid(), primary.pid(), backup.pid());
            return writes;
        }
    }

    /** Once {@code writes} has 100 more acknowledged, the primary is killed: returns when its backup serves. */
    private static ServiceStatus failOverUnderWrites(ServiceCluster cluster, AcknowledgedWrites writes,
                                                     ManagedProcess primary, ManagedProcess backup) {
        writes.awaitAcknowledged(100, Duration.ofSeconds(30));
        ServiceCluster.kill9(primary.pid());
        return eventually(Duration.ofSeconds(30), cluster::status, status -> assertThat(status.hasPrimary()
                && status.primaryPid() == backup.pid()).as("the backup serves: %s", status).isTrue());
    }

    /** Every write {@code writes} saw acknowledged is in the space the service serves. */
    /**
     * Writers (seeded {@code seed}) under the in-sync service of {@code backup} and {@code primary}; the backup's
     * machine dies, the primary acknowledges more writes on one copy, then it is killed too. Returns the writers,
     * which go on once a server serves again.
     */
    private static AcknowledgedWrites lostAfterServingAlone(ServiceCluster cluster, ManagedProcess backup,
                                                            ManagedProcess primary, long seed) throws Exception {
        cluster.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
        AcknowledgedWrites writes = new AcknowledgedWrites(cluster).start(4, seed);
        writes.awaitAcknowledged(50, Duration.ofSeconds(30));
        ServiceCluster.kill9All(backup.pid()); // the backup's machine dies
        writes.awaitAcknowledged(100, Duration.ofSeconds(30)); // answered on one copy
        ServiceCluster.kill9All(primary.pid());
        return writes;
    }

    /**
     * After {@code what}: {@code server} serves, the writers go on to 50 more acknowledged writes and stop, and no
     * acknowledged write is missing.
     */
    private static void servesEveryAcknowledgedWrite(ServiceCluster cluster, ManagedProcess server,
                                                     AcknowledgedWrites writes, String what) throws Exception {
        eventually(ServiceCluster.DURABLE_READY_TIMEOUT, cluster::status, status -> assertThat(
                status.hasPrimary() && status.primaryPid() == server.pid()).as("serves after %s: %s", what, status)
                .isTrue());
        writes.awaitAcknowledged(50, Duration.ofSeconds(30));
        writes.close();
        assertNoneMissing(cluster, writes, "after " + what);
    }

    private static void assertNoneMissing(ServiceCluster cluster, AcknowledgedWrites writes, String detail)
            throws Exception {
        Map<String, AcknowledgedWrites.Missing> missing;
        try (LineClient reader = cluster.client()) {
            missing = writes.missingFrom(Requests.answerPairs(reader.call(Requests.get(1, "w.*", ".*"))));
        }
        assertThat(missing).as("acknowledged writes missing, of " + writes.acknowledged() + " (" + detail + ")")
                .isEmpty();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Files.copy(path, to.resolve(from.relativize(path).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
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
