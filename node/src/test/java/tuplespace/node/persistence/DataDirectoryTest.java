package tuplespace.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.replication.Replicated;

/** Node directories: created once, locked, their metadata kept, and the newest of several found. */
@Timeout(30)
class DataDirectoryTest {

    /** The history of the service these tests' node directories belong to, unless a test says otherwise. */
    private static final long SERVICE_HISTORY = 0x5e_7ce_1L;

    @TempDir
    Path root;

    @Test
    void aNewDirectoryIsCreatedWithItsMetadataAndKeepsTheHighestEpochAcrossOpens() throws IOException {
        try (DataDirectory directory = DataDirectory.open(root.resolve("data"), "a")) {
            assertThat(directory.path()).isEqualTo(root.resolve("data").resolve("node-a"));
            assertThat(directory.highestEpoch()).isZero();
            directory.recordEpoch(3);
            directory.recordEpoch(2); // never goes down
        }
        String meta = Files.readString(root.resolve("data/node-a/node.meta"), StandardCharsets.UTF_8);
        assertThat(meta)
                .matches("format=1\nnode=a\nepoch=3\nhistory=[0-9a-f]{16}\ninstance=[0-9a-f]{16}\ncheck=[0-9a-f]{8}\n");

        try (DataDirectory directory = DataDirectory.open(root.resolve("data"), "a")) {
            assertThat(directory.highestEpoch()).isEqualTo(3);
        }
    }

    /** Its log and snapshots hold the pairs SAVE_FILE holds, which is written readable by its owner only. */
    @Test
    void aNewNodeDirectoryIsTheOwnersOnly() throws IOException {
        Assumptions.assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "a file system with POSIX permissions");
        try (DataDirectory directory = DataDirectory.open(root.resolve("data"), "a")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.path())))
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void aDirectoryKeepsTheHistoryDrawnWhenItWasCreatedUntilItStoresAnotherHistorysSnapshot() throws IOException {
        long drawn;
        try (DataDirectory a = DataDirectory.open(root, "a"); DataDirectory b = DataDirectory.open(root, "b")) {
            drawn = a.history();
            assertThat(drawn).isNotZero().isNotEqualTo(b.history());
        }
        try (DataDirectory a = DataDirectory.open(root, "a")) {
            assertThat(a.history()).isEqualTo(drawn);
            SnapshotInfo own = SnapshotFile.write(a.path(), SnapshotContent.take(new Workload(3, 50).reference(), 0, 1),
                    ChannelOpener.DEFAULT);
            a.recordSnapshot(own, 0);
            assertThat(a.history()).as("a state of its own").isEqualTo(drawn);
            a.recordSnapshot(own, 0x1234_5678_9abcL);
            assertThat(a.history()).as("a primary's state, stored by its backup").isEqualTo(0x1234_5678_9abcL);
        }
        assertThat(NodeMeta.read(root.resolve("node-a")).history()).isEqualTo(0x1234_5678_9abcL);
        assertThat(Files.readString(root.resolve("node-a/node.meta"))).contains("\nhistory=0000123456789abc\n");
    }

    /**
     * A backup's snapshot of a restarted primary's state keeps where that primary had recovered it to, across opens,
     * for exactly that state; the next snapshot without it clears it.
     */
    @Test
    void aSnapshotOfARestartedPrimarysStateKeepsWhereThatPrimaryRecoveredIt() throws IOException {
        RecoveredTo first = new RecoveredTo(20, 3, 0xfeed_0000_0000_0077L);
        try (DataDirectory a = DataDirectory.open(root, "a")) {
            SnapshotInfo copy = SnapshotFile.write(a.path(), SnapshotContent.take(new Workload(3, 50).reference(), 20,
                    4), ChannelOpener.DEFAULT);
            a.recordSnapshot(copy, 0x4157, first);
        }
        assertThat(Files.readString(root.resolve("node-a/node.meta")))
                .contains("\nsnapshot-recovered-to=20 3 feed000000000077\n");
        try (DataDirectory a = DataDirectory.open(root, "a")) {
            assertThat(a.snapshotRecoveredTo(20, 4)).as("that snapshot's state").isEqualTo(first);
            assertThat(a.snapshotRecoveredTo(21, 4)).as("entries after it").isEqualTo(RecoveredTo.NONE);
            assertThat(a.snapshotRecoveredTo(20, 5)).as("another epoch's").isEqualTo(RecoveredTo.NONE);
            SnapshotInfo later = SnapshotFile.write(a.path(), SnapshotContent.take(new Workload(3, 50).reference(), 30,
                    4), ChannelOpener.DEFAULT);
            a.recordSnapshot(later, 0);
            assertThat(a.snapshotRecoveredTo(30, 4)).as("a snapshot of the backup's own").isEqualTo(RecoveredTo.NONE);
        }
        assertThat(Files.readString(root.resolve("node-a/node.meta"))).doesNotContain("snapshot-recovered-to");
    }

    /**
     * Node ids repeat across machines (each DIR has its {@code a}); the instance names the directory itself, for the
     * proxy that waits for a lost primary's directory: drawn at creation, kept across opens and stored states, never
     * shared, and given to a directory written before it existed.
     */
    @Test
    void eachDirectoryHasAnInstanceOfItsOwnWhichItsRegisterNameCarries() throws IOException {
        long instance;
        try (DataDirectory a = DataDirectory.open(root, "a")) {
            instance = a.instance();
            assertThat(instance).isNotZero();
            assertThat(a.registerName()).isEqualTo("a." + NodeMeta.describeHistory(instance));
            a.recordSnapshot(SnapshotFile.write(a.path(), SnapshotContent.take(new Workload(3, 50).reference(), 0, 1),
                    ChannelOpener.DEFAULT), 0x1234L);
        }
        Path otherMachine = root.resolve("other-machine");
        try (DataDirectory a = DataDirectory.open(root, "a");
             DataDirectory sameId = DataDirectory.open(otherMachine, "a")) {
            assertThat(a.instance()).as("kept across opens and a stored state").isEqualTo(instance);
            assertThat(sameId.instance()).as("another directory of the same node id").isNotEqualTo(instance);
            assertThat(DataDirectories.find(root)).as("read without the lock").singleElement()
                    .extracting(DataDirectories.Found::registerName).isEqualTo(Optional.of(a.registerName()));
        }
        assertThat(DataDirectories.find(root)).as("no such directory").noneMatch(found -> found.nodeId().equals("b"));

        Files.createDirectories(root.resolve("node-c"));
        new NodeMeta("c", 4, 0, 7, 0, Optional.empty(), Optional.empty()).write(root.resolve("node-c"));
        try (DataDirectory c = DataDirectory.open(root, "c")) {
            assertThat(c.instance()).as("given to a file written before instances").isNotZero();
            assertThat(c.history()).isEqualTo(7);
        }
    }

    @Test
    void directoriesWrittenBeforeHistoriesWereRecordedAreGivenTheSameOneWhenOpened() throws IOException {
        for (String id : List.of("a", "b")) {
            Files.createDirectories(root.resolve("node-" + id));
            new NodeMeta(id, 4, 0, 0, 0, Optional.empty(), Optional.empty()).write(root.resolve("node-" + id));
            assertThat(Files.readString(root.resolve("node-" + id + "/node.meta"))).doesNotContain("history");
        }

        // one service's two directories, upgraded: a random history each would set them apart
        try (DataDirectory a = DataDirectory.open(root, "a"); DataDirectory b = DataDirectory.open(root, "b")) {
            assertThat(a.history()).isEqualTo(NodeMeta.HISTORY_BEFORE_HISTORIES).isEqualTo(b.history());
            assertThat(a.highestEpoch()).isEqualTo(4);
        }
        assertThat(NodeMeta.read(root.resolve("node-a")).history()).isEqualTo(NodeMeta.HISTORY_BEFORE_HISTORIES);
        try (DataDirectory created = DataDirectory.open(root, "c")) {
            assertThat(created.history()).as("drawn").isNotEqualTo(NodeMeta.HISTORY_BEFORE_HISTORIES).isNotZero();
        }
    }

    @Test
    void oneProcessAtATimeMayOpenANodeDirectory() throws IOException {
        try (DataDirectory directory = DataDirectory.open(root, "a")) {
            assertThatThrownBy(() -> DataDirectory.open(root, "a"))
                    .isInstanceOf(IOException.class)
                    .hasMessage(directory.path() + " is in use by another node process (pid "
                            + ProcessHandle.current().pid() + ", which holds its lock file): one process per node"
                            + " directory. Stop that process first, unless it is a backup that outlived its primary: it"
                            + " may hold the only copy of the space then, and ./tuplespace promote PROXY_SHUTDOWN_SAP"
                            + " serves it (the proxy's STATUS shows whether it follows there); a backup whose primary"
                            + " serves needs no other server on its directory");
            try (DataDirectory other = DataDirectory.open(root, "b")) {
                assertThat(other.path()).isEqualTo(root.resolve("node-b"));
            }
        }
        DataDirectory.open(root, "a").close(); // the lock went with the first
    }

    @Test
    void badIdsAndDamagedOrForeignMetadataAreRefused() throws IOException {
        assertThatThrownBy(() -> DataDirectory.open(root, "../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataDirectory.open(root, ".hidden")).isInstanceOf(IllegalArgumentException.class);

        DataDirectory.open(root, "a").close();
        Path meta = root.resolve("node-a/node.meta");
        Files.writeString(meta, Files.readString(meta).replace("epoch=0", "epoch=9"));
        assertThatThrownBy(() -> DataDirectory.open(root, "a"))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(meta + " at offset ")
                .hasMessageContaining("expected a last line check=");

        new NodeMeta("b", 1, 0, 7, 0, Optional.empty(), Optional.empty()).write(root.resolve("node-a"));
        assertThatThrownBy(() -> DataDirectory.open(root, "a"))
                .hasMessage(meta + " at offset 0: expected node=a, found node=b. The directory belongs to another node: "
                        + "give each node its own directory");
    }

    /** Overwritten with bytes that are not text: named as damage, where a lenient decoding said "Input length = 1". */
    @Test
    void metadataThatIsNotTextIsRefusedAsDamaged() throws IOException {
        DataDirectory.open(root, "a").close();
        Path meta = root.resolve("node-a/node.meta");
        Files.write(meta, new byte[] {'f', 'o', 'r', 'm', (byte) 0xFE, 0x01, (byte) 0x80});

        assertThatThrownBy(() -> DataDirectory.open(root, "a"))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(meta + " at offset 4: expected lines of text (format=, node=, epoch=, ...,"
                        + " check=), found the byte 0xFE, which is not UTF-8 there. The metadata file is damaged: write"
                        + " it again by hand")
                .hasMessageEndingWith("or start this node from its peer's data directory");
    }

    @Test
    void metadataOfAnotherFormatVersionIsRefused() throws IOException {
        DataDirectory.open(root, "a").close();
        Path meta = root.resolve("node-a/node.meta");
        String body = "format=2\nnode=a\nepoch=1\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Files.writeString(meta, body + "check=" + String.format("%08x", FilePrefix.crc(bytes, bytes.length)) + "\n");

        assertThatThrownBy(() -> DataDirectory.open(root, "a"))
                .hasMessage(meta + " at offset 0: expected format=1, found format=2. The directory was written by "
                        + "another version of tuplespace: run that version, or move the directory away to start this "
                        + "node from its peer's data");
    }

    @Test
    void theNewestStateIsTheHighestEpochOfTheLastEntryThenTheHighestIndex() throws Exception {
        Workload work = new Workload(3, 50);
        logInto("a", work.next(100)); // an old primary of epoch 1 that got further than its backup
        Workload promoted = new Workload(3, 50);
        List<Replicated> shared = promoted.next(90);
        promoted.nextEpoch();
        List<Replicated> own = promoted.next(5);
        logInto("b", concat(shared, own)); // the backup, promoted at 90: epoch 2 supersedes what 'a' logged after 90
        try (DataDirectory c = DataDirectory.open(root, "c")) {
            c.recordEpoch(3); // saw epoch 3 but logged nothing
        }

        DataDirectories.Survey survey = DataDirectories.survey(root);

        assertThat(survey.nodes()).extracting(DataDirectories.NodeState::nodeId).containsExactly("a", "b", "c");
        assertThat(survey.newest().orElseThrow().nodeId()).isEqualTo("b");
        assertThat(survey.newest().orElseThrow().lastIndex()).isEqualTo(95);
        assertThat(survey.highestEpoch()).isEqualTo(3);
        assertThat(survey.describe()).isEqualTo("node-a: entry 100 of epoch 1, highest epoch seen 1; "
                + "node-b: entry 95 of epoch 2, highest epoch seen 2; node-c: entry 0 of epoch 0, highest epoch seen 3; "
                + "newest: node-b");
        assertThat(DataDirectories.survey(root.resolve("absent")).newest()).isEmpty();
    }

    @Test
    void aNodeDirectorySetAsideUnderAnotherNameInsideTheRootIsRefused() throws Exception {
        Workload work = new Workload(3, 50);
        logInto("a", work.next(100));
        logInto("b", work.next(0));
        // an operator keeps a copy beside the others: it would be chosen as the newest, and node-a opened empty
        Files.move(root.resolve("node-a"), root.resolve("node-a.bak"));

        assertThatThrownBy(() -> DataDirectories.survey(root)).isInstanceOf(IOException.class)
                .hasMessage("expected each node directory of " + root + " named after the node its node.meta names,"
                        + " found node-a.bak holding node a's files: rename it back to node-a, or move it out of " + root
                        + " (a copy set aside inside it would be neither recovered nor noticed)");
        assertThatThrownBy(() -> DataDirectories.find(root)).isInstanceOf(IOException.class);
    }

    @Test
    void aNodeDirectoryGivenAsTheDataDirectoryIsRefusedNamingItsParent() throws Exception {
        Path nodeDirectory;
        try (DataDirectory directory = DataDirectory.open(root, "a")) {
            nodeDirectory = directory.path();
        }
        // STATUS shows the node directory: given as --data-dir, its state would be ignored and node-a/node-a made
        assertThatThrownBy(() -> DataDirectory.open(nodeDirectory, "a")).isInstanceOf(IOException.class)
                .hasMessage("expected the data directory, which holds a node directory per node (node-<id>), found a"
                        + " node directory itself (" + nodeDirectory + " holds node.meta): give its parent, --data-dir "
                        + root.toAbsolutePath().normalize());
        assertThat(nodeDirectory.resolve("node-a")).doesNotExist();
    }

    @Test
    void nodeDirectoriesOfTwoHistoriesWithEntriesAreRefusedNamingBoth() throws Exception {
        Workload work = new Workload(3, 50);
        logInto("a", work.next(10));
        logInto("b", work.next(0));
        logInto("c", new Workload(4, 50).next(60)); // copied in from another service's data directory
        ofHistory("c", 0x0c0_ffeeL);

        assertThatThrownBy(() -> DataDirectories.survey(root)).isInstanceOf(IOException.class)
                .hasMessage("expected the node directories of " + root + " to hold one service's state, found two"
                        + " histories: node-a: entry 10 of epoch 1, highest epoch seen 1 (history 00000000005e7ce1) and"
                        + " node-c: entry 60 of epoch 1, highest epoch seen 1 (history 0000000000c0ffee); one of them"
                        + " was copied in from another service's data directory, or kept from before this service was"
                        + " created anew: move the one that does not belong out of " + root);

        ofHistory("c", SERVICE_HISTORY);
        assertThat(DataDirectories.survey(root).newest().orElseThrow().nodeId()).isEqualTo("c");
        ofHistory("b", 0x0c0_ffeeL); // no entry yet: no evidence of another service
        assertThat(DataDirectories.survey(root).newest().orElseThrow().nodeId()).isEqualTo("c");
        // seeded from INIT_FILE and never written to since: a snapshot at entry 0, pairs of another service's
        try (DataDirectory seeded = DataDirectory.open(root, "d")) {
            seeded.recordSnapshot(SnapshotFile.write(seeded.path(), SnapshotContent.take(work.reference(), 0, 1),
                    ChannelOpener.DEFAULT), 0);
        }
        assertThatThrownBy(() -> DataDirectories.survey(root)).isInstanceOf(IOException.class)
                .hasMessageContaining(" and node-d: entry 0 of epoch 1, ");
    }

    @Test
    void theSurveyReadsTheSnapshotsHeaderAndTheLogAfterIt() throws Exception {
        Workload work = new Workload(5, 50);
        try (DataDirectory a = DataDirectory.open(root, "a")) {
            work.next(40);
            SnapshotFile.write(a.path(), SnapshotContent.take(work.reference(), 40, 1), ChannelOpener.DEFAULT);
            WriteAheadLog log = WriteAheadLog.open(a, 41, LogOptions.of(FsyncMode.NO), new RecordingListener(), Runnable::run);
            work.nextEpoch();
            log.append(work.next(7));
            log.close().get(10, TimeUnit.SECONDS);
        }

        DataDirectories.NodeState a = DataDirectories.survey(root).newest().orElseThrow();

        assertThat(a.lastIndex()).isEqualTo(47);
        assertThat(a.lastEpoch()).isEqualTo(2);
        assertThat(a.highestEpoch()).isEqualTo(2);
    }

    @Test
    void aDamagedDirectorySaysHowFarItAndTheOthersGotBeforeAnyoneMovesItAway() throws Exception {
        Workload work = new Workload(3, 50);
        List<Replicated> entries = work.next(100);
        logInto("a", entries, 2048); // several segments: the last one's name says how far 'a' got at least
        logInto("b", entries.subList(0, 60), LogOptions.DEFAULT_MAX_SEGMENT_BYTES);
        List<DataFiles.Numbered> segments = DataFiles.segments(root.resolve("node-a"));
        assertThat(segments).hasSizeGreaterThan(2);
        Path first = segments.get(0).path();
        try (FileChannel channel = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long middle = channel.size() / 2;
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, middle);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            channel.write(one, middle);
        }
        // how far 'a' got at least: the entry before its last segment, or the first of it once forced (node.meta)
        long atLeast = Math.max(segments.get(segments.size() - 1).index() - 1,
                NodeMeta.read(root.resolve("node-a")).logged().orElseThrow().index());
        assertThat(atLeast).isGreaterThan(60);

        assertThatThrownBy(() -> DataDirectories.survey(root))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(first + " at offset ")
                .hasMessageEndingWith("or restore the file from a copy. The other node directories: node-b: entry 60"
                        + " of epoch 1, highest epoch seen 1."
                        + " node-a got to entry " + atLeast + " at least (from its files' names and node.meta), past"
                        + " them: moving it away loses its entries after 60 unless those are of an older epoch than"
                        + " the other's last (a later epoch supersedes them); if unsure, restore the file.");
    }

    private void logInto(String nodeId, List<Replicated> entries) throws Exception {
        logInto(nodeId, entries, LogOptions.DEFAULT_MAX_SEGMENT_BYTES);
    }

    /** Logs {@code entries} in {@code root/node-<nodeId>}, a node directory of the one service these tests' are. */
    private void logInto(String nodeId, List<Replicated> entries, long maxSegmentBytes) throws Exception {
        try (DataDirectory directory = DataDirectory.open(root, nodeId)) {
            WriteAheadLog log = WriteAheadLog.open(directory, 1,
                    LogOptions.of(FsyncMode.NO).withMaxSegmentBytes(maxSegmentBytes), new RecordingListener(), Runnable::run);
            for (Replicated entry : entries) {
                log.append(List.of(entry)); // one at a time: a full segment rolls between two entries
            }
            log.close().get(10, TimeUnit.SECONDS);
        }
        ofHistory(nodeId, SERVICE_HISTORY);
    }

    /** Gives {@code root/node-<nodeId>} {@code history}, as a backup takes its primary's with its snapshot. */
    private void ofHistory(String nodeId, long history) throws IOException {
        Path directory = root.resolve("node-" + nodeId);
        NodeMeta.read(directory).withHistory(history).write(directory);
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
