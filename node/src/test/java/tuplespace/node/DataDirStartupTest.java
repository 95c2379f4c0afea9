package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.codec.netty.SocketTransport;
import tuplespace.node.persistence.ChannelOpener;
import tuplespace.node.persistence.DamagedFileException;
import tuplespace.node.persistence.DataDirectories;
import tuplespace.node.persistence.DataDirectory;
import tuplespace.node.persistence.FsyncMode;
import tuplespace.node.persistence.LogFailure;
import tuplespace.node.persistence.LogListener;
import tuplespace.node.persistence.LogOptions;
import tuplespace.node.persistence.LogProgress;
import tuplespace.node.persistence.SnapshotContent;
import tuplespace.node.persistence.SnapshotFile;
import tuplespace.node.persistence.WriteAheadLog;
import tuplespace.replication.Change;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/** Which node directory a restarted primary serves from, with which epoch, and INIT_FILE beside a data directory. */
@Timeout(30)
class DataDirStartupTest {

    private static final LogListener QUIET = new LogListener() {
        @Override
        public void progress(LogProgress progress) {
        }

        @Override
        public void failed(LogFailure failure) {
        }
    };

    @TempDir
    Path root;

    /** The history of the service these tests' node directories belong to. */
    private static final long SERVICE_HISTORY = 0x5e_7ce_1L;

    /**
     * Logs entries 1..{@code lastIndex} in {@code root/node-<id>}, of epoch 1 up to {@code epochTwoFrom}, then 2, after
     * the first state stored as one service's (as a backup stores its primary's, taking its history).
     */
    private void logged(String id, long lastIndex, long epochTwoFrom, long recordedEpoch) throws Exception {
        try (DataDirectory directory = DataDirectory.open(root, id)) {
            directory.recordSnapshot(SnapshotFile.write(directory.path(), SnapshotContent.take(
                    new ReplicatedState(new TupleSpace()), 0, 1, SERVICE_HISTORY), ChannelOpener.DEFAULT),
                    SERVICE_HISTORY);
            WriteAheadLog log = WriteAheadLog.open(directory, 1, LogOptions.of(FsyncMode.ALWAYS), QUIET, Runnable::run);
            List<Replicated> entries = new ArrayList<>();
            for (long index = 1; index <= lastIndex; index++) {
                entries.add(new Replicated(index >= epochTwoFrom ? 2 : 1, index, new Change.Closed(index)));
            }
            log.append(entries);
            log.close().get(10, TimeUnit.SECONDS);
            directory.recordEpoch(recordedEpoch);
        }
    }

    @Test
    void theNewestDirectoryIsServedWithAnEpochAboveEveryEpochRecorded() throws Exception {
        logged("a", 9, Long.MAX_VALUE, 1); // the old primary: more entries, but of the older epoch
        logged("b", 7, 6, 3); // the promoted backup: epoch 2 from entry 6, and it saw epoch 3

        DataDirStartup.Opened opened = DataDirStartup.primary(root, Optional.empty(), Optional.empty());
        try (DataDirectory directory = opened.directory()) {
            assertThat(directory.nodeId()).isEqualTo("b");
            assertThat(opened.recovered().lastIndex()).isEqualTo(7);
            assertThat(opened.epoch()).isEqualTo(4);
            assertThat(directory.highestEpoch()).as("not recorded before the proxy accepted it (RestartEpochTest)")
                    .isEqualTo(3);
            assertThat(opened.compared()).as("the directories its REGISTER names, its own first")
                    .containsExactly(directory.registerName(), DataDirectories.find(root).stream()
                            .filter(found -> found.nodeId().equals("a")).findFirst().orElseThrow().registerName()
                            .orElseThrow())
                    .allMatch(name -> name.matches("[ab]\\.[0-9a-f]{16}"));
        }
    }

    /**
     * The newest directory without its {@code node.meta}: the start is refused, naming it. The survey skipped it and
     * served the older directory, losing every update only the newest held (a tester: 3,348 acknowledged writes).
     */
    @Test
    void aDirectoryWithoutItsMetadataStopsTheStartRatherThanLetAnOlderOneBeServed() throws Exception {
        logged("a", 9, Long.MAX_VALUE, 1);
        logged("b", 7, 6, 2);
        Path meta = root.resolve("node-b").resolve("node.meta");
        Files.delete(meta);

        assertThatThrownBy(() -> DataDirStartup.primary(root, Optional.empty(), Optional.empty()))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(meta + ": expected the node's metadata file beside its log and snapshots,"
                        + " found none. Write it by hand (format=1, node=b, ")
                .hasMessageEndingWith("Only if you know another node directory holds the newest state, move this one"
                        + " out of " + root + " instead: it may hold the newest, so no other is served in its place");
    }

    /**
     * The newest directory held by another process (a backup that outlived its primary, or a running primary): the
     * start is refused, saying to promote that backup, and never falls back to another directory, which a second
     * server started by mistake beside a running primary would serve from.
     */
    @Test
    void theNewestDirectoryInUseStopsTheStartSayingWhichProcessHoldsItAndWhenToPromoteIt() throws Exception {
        logged("a", 7, 6, 2);
        logged("b", 7, 6, 2);
        try (DataDirectory held = DataDirectory.open(root, "a")) {
            assertThatThrownBy(() -> DataDirStartup.primary(root, Optional.empty(), Optional.empty()))
                    .isInstanceOf(DataDirectory.InUse.class)
                    .hasMessageContaining("node-a is in use by another node process (pid "
                            + ProcessHandle.current().pid())
                    .hasMessageContaining("promote PROXY_SHUTDOWN_SAP serves it");
        }
    }

    @Test
    void aLoneDirectoryIsServedUnderItsOwnIdWithAnEpochAboveItsLastEntryAndTheEpochItRecorded() throws Exception {
        logged("b", 7, 6, 1); // a host of its own: the backup's directory, its last entry of epoch 2, epoch 1 recorded

        DataDirStartup.Opened opened = DataDirStartup.primary(root, Optional.empty(), Optional.empty());
        try (DataDirectory directory = opened.directory()) {
            assertThat(directory.nodeId()).isEqualTo("b");
            assertThat(opened.recovered().lastIndex()).isEqualTo(7);
            assertThat(opened.epoch()).as("above the last entry's epoch").isEqualTo(3);
            directory.recordEpoch(5); // it saw epoch 5 since, with nothing logged
        }

        DataDirStartup.Opened again = DataDirStartup.primary(root, Optional.empty(), Optional.empty());
        try (DataDirectory directory = again.directory()) {
            assertThat(directory.nodeId()).isEqualTo("b");
            assertThat(again.epoch()).as("above the epoch it recorded").isEqualTo(6);
        }
        logged("c", 0, Long.MAX_VALUE, 7); // now two: the survey reads both, and 'c' saw epoch 7

        DataDirStartup.Opened third = DataDirStartup.primary(root, Optional.empty(), Optional.empty());
        try (DataDirectory directory = third.directory()) {
            assertThat(directory.nodeId()).isEqualTo("b");
            assertThat(third.epoch()).isEqualTo(8);
        }
    }

    @Test
    void initFileBesideADataDirHoldingDataIsRefusedSayingWhichToRemove() throws Exception {
        logged("a", 3, Long.MAX_VALUE, 1);

        assertThatThrownBy(() -> DataDirStartup.primary(root, Optional.of(Path.of("space.json")),
                Optional.of(new TupleSpace())))
                .isInstanceOf(DataDirStartup.Refused.class)
                .hasMessageContaining("INIT_FILE space.json")
                .hasMessageContaining("node-a: entry 3 of epoch 1")
                .hasMessageContaining("give INIT_FILE null")
                .hasMessageContaining("move " + root + " away");
    }

    /** Refused before INIT_FILE is read: one of millions of pairs took seconds to load only to be refused. */
    @Test
    void initFileBesideADataDirHoldingDataIsRefusedBeforeItIsRead(@TempDir Path elsewhere) throws Exception {
        logged("a", 3, Long.MAX_VALUE, 1);
        Path unread = Files.writeString(elsewhere.resolve("init.json"), "not JSON: never read");
        NodeConfig config = ServerCommand.config("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3", "127.0.0.1:4", "null",
                "null", unread.toString(), "--data-dir", root.toString());

        assertThatThrownBy(() -> ServerNode.start(config, SocketTransport.forFewLinks()))
                .isInstanceOf(ServerNode.StartRefused.class)
                .hasMessageStartingWith("--data-dir " + root + ": both INIT_FILE " + unread)
                .hasMessageContaining("give INIT_FILE null");
    }

    /**
     * A first start given INIT_FILE and an empty --data-dir, with no proxy to take it: INIT_FILE is in the data
     * directory by then, so what proxy_unreachable says to run again gives INIT_FILE null (the same command line would
     * be refused for giving both; a tester's service manager would have looped).
     */
    @Test
    void aFirstStartWithInitFileThatFindsNoProxySaysToRunAgainWithInitFileNull(@TempDir Path elsewhere)
            throws Exception {
        Path initFile = Files.writeString(elsewhere.resolve("init.json"),
                "{\"format\":\"tuplespace/1\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]]]}");
        Path events = elsewhere.resolve("events");
        NodeConfig config = ServerCommand.config(sap(), sap(), sap(), sap(), "null", "null", initFile.toString(),
                "--data-dir", root.toString(), "--primary-register-timeout", "1s",
                "--backup-java-opts", "-XX:+NoSuchOptionForThisTest", // no backup: its JVM does not start
                "--notify", NodeTestSupport.recordingEvents(events));

        ServerNode node = ServerNode.start(config, SocketTransport.forFewLinks());

        assertThat(node.awaitExit()).as("exit status").isEqualTo(1);
        NodeTestSupport.await(() -> Files.exists(events), "the event"); // written by the --notify command, once
        assertThat(NodeTestSupport.events(events)).contains("run this command again once the proxy is up and accepts"
                + " this server, with INIT_FILE null: the data directory holds INIT_FILE's pairs now");
        assertThatThrownBy(() -> DataDirStartup.primary(root, Optional.of(initFile), Optional.of(new TupleSpace())))
                .as("the same command line again").isInstanceOf(DataDirStartup.Refused.class);
    }

    private static String sap() {
        return "127.0.0.1:" + NodeTestSupport.freePort();
    }

    @Test
    void initFileIntoAnEmptyDataDirIsItsFirstSnapshot() throws Exception {
        TupleSpace initial = new TupleSpace();
        initial.applyEffect(new tuplespace.space.Effect(List.of(), List.of(new Pair(Tuple.of("k", "1"), Tuple.of("v")))));

        DataDirStartup.Opened opened = DataDirStartup.primary(root, Optional.of(Path.of("space.json")), Optional.of(initial));
        opened.directory().close();

        DataDirStartup.Opened again = DataDirStartup.primary(root, Optional.empty(), Optional.empty());
        try (DataDirectory directory = again.directory()) {
            assertThat(directory.nodeId()).isEqualTo("a");
            assertThat(again.recovered().state().space().size()).isEqualTo(1);
            assertThat(again.recovered().state().space().digest()).isEqualTo(initial.digest());
            assertThat(again.epoch()).isEqualTo(2);
        }
    }

    @Test
    void theInitFileSnapshotDeletedByHandStopsTheRestartNamingTheFileExpectedAndWhatWasFound() throws Exception {
        TupleSpace initial = new TupleSpace();
        initial.applyEffect(new tuplespace.space.Effect(List.of(), List.of(new Pair(Tuple.of("k", "1"), Tuple.of("v")))));
        DataDirStartup.Opened opened = DataDirStartup.primary(root, Optional.of(Path.of("space.json")), Optional.of(initial));
        try (DataDirectory directory = opened.directory()) { // the service ran: its log goes on after snapshot 0
            WriteAheadLog log = WriteAheadLog.open(directory, opened.recovered(), LogOptions.of(FsyncMode.ALWAYS), QUIET,
                    Runnable::run);
            log.append(List.of(new Replicated(opened.epoch(), 1, new Change.Closed(1))));
            log.close().get(10, TimeUnit.SECONDS);
        }
        Path snapshot = root.resolve("node-a").resolve("snapshot-0000000000000000000.snap");
        Files.delete(snapshot);

        assertThatThrownBy(() -> DataDirStartup.primary(root, Optional.empty(), Optional.empty()))
                .hasMessage(snapshot + ": expected the snapshot of entry 0 of epoch 1, which node.meta records as the "
                        + "newest made durable here, found no snapshot. It was deleted or moved away, and the state it "
                        + "holds is not in the log: put it back, or start this node from its peer's data directory (move "
                        + "this one away)");
        DataDirectory.open(root, "a").close(); // the refused start released the directory
    }

    /**
     * A backup's directory in use: a child's primary keeps the backup that holds it (one that outlived an earlier
     * primary); an operator's second start of a backup is told which process holds it, as any server is.
     */
    @Test
    void aBackupsDirectoryInUseIsExplainedByWhoStartedTheBackup() throws Exception {
        try (DataDirectory held = DataDirectory.open(root, "b")) {
            assertThatThrownBy(() -> DataDirStartup.backup(root, "b", true))
                    .as("the usual course of a restart, logged short of an error (ServerNode.run)")
                    .isInstanceOf(DataDirStartup.GivesWay.class)
                    .hasMessageContaining("A backup that outlived an earlier primary holds it");
            assertThatThrownBy(() -> DataDirStartup.backup(root, "b", false))
                    .isInstanceOf(DataDirectory.InUse.class)
                    .hasMessageContaining("(pid " + ProcessHandle.current().pid() + ", which holds its lock file)")
                    .hasMessageNotContaining("the primary that started this one");
        }
    }

    /**
     * A damaged snapshot in the directory of a backup its primary started: the message says to move that node
     * directory out of DIR, after which the next backup starts afresh (moving the snapshot away, as the damage's own
     * advice says, only led to the next refusal: no older snapshot reached back). An operator's backup is only told
     * what the damage is: its directory may hold what no other does.
     */
    @Test
    void aChildBackupsDamagedDirectoryIsToBeMovedAwayAndThenStartsAfresh(@TempDir Path aside) throws Exception {
        logged("b", 3, Long.MAX_VALUE, 1);
        Path snapshot;
        try (var files = Files.list(root.resolve("node-b"))) {
            snapshot = files.filter(file -> file.getFileName().toString().endsWith(".snap")).findFirst().orElseThrow();
        }
        try (var channel = java.nio.channels.FileChannel.open(snapshot, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 1);
        }

        assertThatThrownBy(() -> DataDirStartup.backup(root, "b", true))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(snapshot + " at offset ")
                .hasMessageNotContaining("start from the previous snapshot")
                .hasMessageEndingWith("move " + root.resolve("node-b") + " out of " + root + " (keep it until the"
                        + " backup is live), and the primary's next start of a backup begins afresh");
        assertThatThrownBy(() -> DataDirStartup.backup(root, "b", false))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageNotContaining("This backup's primary");

        Files.move(root.resolve("node-b"), aside.resolve("node-b"));
        DataDirStartup.Opened fresh = DataDirStartup.backup(root, "b", true);
        try (DataDirectory directory = fresh.directory()) {
            assertThat(fresh.recovered().lastIndex()).as("an empty copy, to take its primary's state").isZero();
        }
    }

    @Test
    void aFileWhereTheNodeDirectoryGoesIsNamedSoNotJustByItsPath() throws Exception {
        Files.createDirectories(root);
        Path file = Files.writeString(root.resolve("node-b"), "not a directory");

        assertThatThrownBy(() -> DataDirStartup.backup(root, "b", false))
                .hasMessage("cannot use node directory " + file + ": exists already (a file where a directory is"
                        + " needed?): " + file);
    }
}
