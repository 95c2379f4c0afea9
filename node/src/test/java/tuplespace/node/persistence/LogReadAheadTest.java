package tuplespace.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log read ahead ({@link LogReadAhead}) holds its node directory's lock from before it reads, hands it to the
 * directory's opening, and is taken by the recovery of the directory and snapshot it read, which then recovers what it
 * would have recovered reading the log itself; any other recovery reads its own, and a guess that found nothing to
 * read, or a directory another holder has locked, is none.
 */
@Timeout(30)
class LogReadAheadTest {

    @TempDir
    Path root;

    private final Workload work = new Workload(31, 100);

    /** Node directory {@code a}: 200 entries, a snapshot at 150 of them, the log after it; closed. */
    private void writeDirectory() throws Exception {
        try (DataDirectory directory = DataDirectory.open(root, "a")) {
            WriteAheadLog log = WriteAheadLog.open(directory, 1, LogOptions.of(FsyncMode.NO), new RecordingListener(),
                    Runnable::run);
            log.append(work.next(150));
            log.sync().get(10, TimeUnit.SECONDS);
            SnapshotInfo snapshot = SnapshotFile.write(directory.path(), SnapshotContent.take(work.reference(), 150, 1),
                    ChannelOpener.DEFAULT);
            directory.recordSnapshot(snapshot, 0);
            log.append(work.next(50));
            log.close().get(10, TimeUnit.SECONDS);
        }
    }

    /** Locks handed over by {@link #adopted}, held as a directory's opening holds them until the test ends. */
    private final List<FileLock> adoptedLocks = new ArrayList<>();

    @AfterEach
    void releaseAdoptedLocks() throws IOException {
        for (FileLock lock : adoptedLocks) {
            lock.acquiredBy().close();
        }
        adoptedLocks.clear();
    }

    /** Whether {@code readAhead} hands over its lock on {@code directory}, as a directory's opening takes it. */
    private boolean adopted(LogReadAhead readAhead, Path directory) {
        Optional<FileLock> lock = readAhead.lockOf(directory);
        lock.ifPresent(adoptedLocks::add);
        return lock.isPresent();
    }

    /** Whether {@code readAhead} hands over a reading of node-a after entry 150 of epoch 1; stops it either way. */
    private boolean readingOfA(LogReadAhead readAhead, Path directory) {
        Optional<LogDecoding> reading = readAhead.take(directory, 150, 1);
        reading.ifPresent(LogDecoding::close);
        return reading.isPresent();
    }

    @Test
    void theRecoveryOfTheDirectoryAndSnapshotReadAheadTakesItAndRecoversTheSameState() throws Exception {
        writeDirectory();

        int[] idleWork = {0};
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty());
             DataDirectory directory = DataDirectory.open(root, "a", readAhead)) {
            Recovered recovered = Recovery.recover(directory, () -> idleWork[0]++, readAhead);

            assertThat(readAhead.taken()).isTrue();
            assertThat(readAhead.snapshotTaken()).isTrue();
            assertThat(idleWork[0]).as("the idle work, once").isEqualTo(1);
            assertThat(recovered.lastIndex()).isEqualTo(200);
            assertThat(recovered.state().space().digest()).isEqualTo(work.reference().space().digest());
            assertThat(recovered.state().answers().entries())
                    .containsExactlyInAnyOrderElementsOf(work.reference().answers().entries());
        }
    }

    /** No one writes the log while it is read ahead: the directory is locked first, and its opening adopts the lock. */
    @Test
    void itHoldsTheDirectorysLockFromBeforeItReadsUntilTheDirectoryIsOpenedWithIt() throws Exception {
        writeDirectory();

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThatThrownBy(() -> DataDirectory.open(root, "a")).isInstanceOf(DataDirectory.InUse.class);
            try (DataDirectory directory = DataDirectory.open(root, "a", readAhead)) {
                readAhead.close();
                assertThatThrownBy(() -> DataDirectory.open(root, "a")).as("the directory holds the lock now")
                        .isInstanceOf(DataDirectory.InUse.class);
            }
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(adopted(readAhead, root.resolve("node-a"))).isTrue();
            assertThat(readingOfA(readAhead, root.resolve("node-a"))).isTrue();
        }
    }

    @Test
    void aDirectoryAnotherHolderHasLockedIsNotReadAhead() throws Exception {
        writeDirectory();

        try (DataDirectory held = DataDirectory.open(root, "a");
             LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.lockOf(held.path())).isEmpty();
            assertThat(readingOfA(readAhead, held.path())).isFalse();
        }
    }

    @Test
    void aReadingWhoseLockWasNotAdoptedOrOfAnotherSnapshotOrDirectoryIsNotTaken() throws Exception {
        writeDirectory();
        Path directory = root.resolve("node-a");

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readingOfA(readAhead, directory)).as("its lock not adopted").isFalse();
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(adopted(readAhead, directory)).isTrue();
            assertThat(readAhead.take(directory, 149, 1)).isEmpty();
            assertThat(readingOfA(readAhead, directory)).as("stopped by the first take").isFalse();
        }
        releaseAdoptedLocks();
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.lockOf(root.resolve("node-b"))).isEmpty();
            assertThat(readingOfA(readAhead, root.resolve("node-b"))).isFalse();
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            Path sameDirectory = root.resolve("x").resolve("..").resolve("node-a");
            assertThat(adopted(readAhead, sameDirectory)).isTrue();
            assertThat(readingOfA(readAhead, sameDirectory)).isTrue();
        }
    }

    /** The newest snapshot is loaded ahead with the log, and given to the recovery that asks for that one. */
    @Test
    void theSnapshotLoadedAheadIsTheOneAskedForUnderTheAdoptedLock() throws Exception {
        writeDirectory();
        Path directory = root.resolve("node-a");
        SnapshotInfo newest = SnapshotFile.newest(directory).orElseThrow();
        SnapshotInfo older = new SnapshotInfo(newest.file(), 149, 1, newest.digest(), newest.pairs(), newest.answers(),
                newest.bytes());
        int[] whileLoading = {0};

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.takeSnapshot(newest, () -> { })).as("its lock not adopted").isEmpty();
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(adopted(readAhead, directory)).isTrue();
            assertThat(readAhead.takeSnapshot(older, () -> { })).isEmpty();
            assertThat(readAhead.takeSnapshot(newest, () -> { })).as("taken once").isEmpty();
        }
        releaseAdoptedLocks();
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(adopted(readAhead, directory)).isTrue();
            LoadedSnapshot loaded = readAhead.takeSnapshot(newest, () -> whileLoading[0]++).orElseThrow();
            assertThat(loaded.info().index()).isEqualTo(150);
            assertThat(loaded.space().digest()).isEqualTo(newest.digest());
            assertThat(whileLoading[0]).isLessThanOrEqualTo(1);
        }
    }

    /** A snapshot damaged past its header stops the start as the recovery's own reading would, naming the file. */
    @Test
    void aSnapshotLoadedAheadThatIsDamagedStopsTheRecovery() throws Exception {
        writeDirectory();
        Path file = SnapshotFile.newest(root.resolve("node-a")).orElseThrow().file();
        RecoveryTest.flipByte(file, Files.size(file) / 2);

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty());
             DataDirectory directory = DataDirectory.open(root, "a", readAhead)) {
            assertThatThrownBy(() -> Recovery.recover(directory, () -> { }, readAhead))
                    .isInstanceOf(DamagedFileException.class).hasMessageStartingWith(file.toString());
        }
    }

    @Test
    void noNodeDirectoryOrSeveralOrNoDirectoryAtAllIsNone() throws Exception {
        try (LogReadAhead readAhead = LogReadAhead.start(root.resolve("absent"), Optional.empty())) {
            assertThat(readAhead.lockOf(root.resolve("absent").resolve("node-a"))).isEmpty();
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.lockOf(root.resolve("node-a"))).isEmpty();
        }
        writeDirectory();
        DataDirectory.open(root, "b").close();
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.lockOf(root.resolve("node-a"))).as("which one is the DIR's survey's").isEmpty();
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.of("c"))) {
            assertThat(readAhead.lockOf(root.resolve("node-a"))).isEmpty();
        }
    }

    /** A backup's start names its node directory: that one is read ahead, whatever else DIR holds. */
    @Test
    void theNodeDirectoryANodeIdNamesIsReadAheadAmongSeveral() throws Exception {
        writeDirectory();
        DataDirectory.open(root, "b").close();

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.of("a"))) {
            assertThat(adopted(readAhead, root.resolve("node-a"))).isTrue();
            assertThat(readingOfA(readAhead, root.resolve("node-a"))).isTrue();
        }
    }

    @Test
    void aDirectoryItCannotReadIsNoneAndLeftUnlocked() throws Exception {
        writeDirectory();
        Files.writeString(root.resolve("node-a").resolve("snapshot-0000000000000000150.snap"), "not a snapshot");

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.lockOf(root.resolve("node-a"))).isEmpty();
            DataDirectory.open(root, "a").close();
        }
    }

    @Test
    void closedBeforeTheRecoveryItReleasesTheLockAndTheRecoveryReadsTheLogItself() throws Exception {
        writeDirectory();
        LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty());

        readAhead.close();

        try (DataDirectory directory = DataDirectory.open(root, "a", readAhead)) {
            Recovered recovered = Recovery.recover(directory, () -> { }, readAhead);
            assertThat(readAhead.taken()).isFalse();
            assertThat(readAhead.snapshotTaken()).isFalse();
            assertThat(recovered.state().space().digest()).isEqualTo(work.reference().space().digest());
        }
    }
}
