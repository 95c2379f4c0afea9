package tuplespace.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log read ahead ({@link LogReadAhead}) is taken by the recovery of the directory and snapshot it read, which then
 * recovers what it would have recovered reading the log itself; any other recovery reads its own, and a guess that
 * found nothing to read is none.
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

    @Test
    void theRecoveryOfTheDirectoryAndSnapshotReadAheadTakesItAndRecoversTheSameState() throws Exception {
        writeDirectory();

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty()); DataDirectory directory = DataDirectory.open(root, "a")) {
            Recovered recovered = Recovery.recover(directory, () -> { }, readAhead);

            assertThat(recovered.lastIndex()).isEqualTo(200);
            assertThat(recovered.state().space().digest()).isEqualTo(work.reference().space().digest());
            assertThat(recovered.state().answers().entries())
                    .containsExactlyInAnyOrderElementsOf(work.reference().answers().entries());
            assertThat(readAhead.take(directory.path(), 150, 1)).as("taken once").isEmpty();
        }
    }

    @Test
    void aReadAheadOfAnotherSnapshotOrDirectoryIsNotTaken() throws Exception {
        writeDirectory();
        Path directory = root.resolve("node-a");

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.take(directory, 149, 1)).isEmpty();
            assertThat(readAhead.take(directory, 150, 1)).as("stopped by the first take").isEmpty();
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.take(root.resolve("node-b"), 150, 1)).isEmpty();
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.take(root.resolve("x").resolve("..").resolve("node-a"), 150, 1)).isPresent();
        }
    }

    @Test
    void noNodeDirectoryOrSeveralOrNoDirectoryAtAllIsNone() throws Exception {
        try (LogReadAhead readAhead = LogReadAhead.start(root.resolve("absent"), Optional.empty())) {
            assertThat(readAhead.take(root.resolve("absent").resolve("node-a"), 0, 0)).isEmpty();
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.take(root.resolve("node-a"), 0, 0)).isEmpty();
        }
        writeDirectory();
        DataDirectory.open(root, "b").close();
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.take(root.resolve("node-a"), 150, 1)).as("which one is the DIR's survey's").isEmpty();
        }
        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.of("c"))) {
            assertThat(readAhead.take(root.resolve("node-a"), 150, 1)).isEmpty();
        }
    }

    /** A backup's start names its node directory: that one is read ahead, whatever else DIR holds. */
    @Test
    void theNodeDirectoryANodeIdNamesIsReadAheadAmongSeveral() throws Exception {
        writeDirectory();
        DataDirectory.open(root, "b").close();

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.of("a"))) {
            assertThat(readAhead.take(root.resolve("node-a"), 150, 1)).isPresent();
        }
    }

    @Test
    void aDirectoryItCannotReadIsNoneAndTheRecoverySaysWhatIsWrong() throws Exception {
        writeDirectory();
        Files.writeString(root.resolve("node-a").resolve("snapshot-0000000000000000150.snap"), "not a snapshot");

        try (LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty())) {
            assertThat(readAhead.take(root.resolve("node-a"), 150, 1)).isEmpty();
        }
    }

    @Test
    void closedBeforeTheRecoveryItIsNotTakenAndTheRecoveryReadsTheLogItself() throws Exception {
        writeDirectory();
        LogReadAhead readAhead = LogReadAhead.start(root, Optional.empty());

        readAhead.close();

        assertThat(readAhead.take(root.resolve("node-a"), 150, 1)).isEmpty();
        try (DataDirectory directory = DataDirectory.open(root, "a")) {
            Recovered recovered = Recovery.recover(directory, () -> { }, readAhead);
            assertThat(recovered.state().space().digest()).isEqualTo(work.reference().space().digest());
        }
    }
}
