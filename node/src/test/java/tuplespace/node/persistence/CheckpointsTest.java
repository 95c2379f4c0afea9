package tuplespace.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots and log cuts keep a node directory's size bounded in steady state: the log is cut at each snapshot, so the
 * directory never holds much more than the snapshot, the log since it and, while the next one is written, that one.
 */
@Timeout(60)
class CheckpointsTest {

    private static final long MIN_LOG_BYTES = 32 << 10;
    private static final int BATCH = 50;
    /** node.meta and the lock file. */
    private static final long METADATA_BYTES = 1024;

    @TempDir
    Path root;

    /** The event loop: the log's callbacks and every call into the log and the checkpoints happen here. */
    private final ExecutorService loop = Executors.newSingleThreadExecutor();
    private final FaultyDisk disk = new FaultyDisk();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    @Test
    void aSteadyWorkloadKeepsLogAndSnapshotsWithinThreeTimesTheSnapshotSize() throws Exception {
        Workload work = new Workload(13, 2_000); // updates over 2,000 keys: the space soon stops growing
        List<Long> peaks = new ArrayList<>();
        List<Long> snapshotSizes = new ArrayList<>();
        try (DataDirectory directory = DataDirectory.open(root, "a");
             SnapshotWriter snapshots = new SnapshotWriter(directory, disk, loop)) {
            // the directory is at its fullest when a new snapshot is whole but the older one and the log are not gone yet
            disk.onForce(path -> {
                if (path.getFileName().toString().endsWith(".snap.tmp")) {
                    peaks.add(bytesIn(directory.path()));
                }
            });
            WriteAheadLog log = onLoop(() -> WriteAheadLog.open(directory, 1, LogOptions.of(FsyncMode.NO).withOpener(disk),
                    listener, loop));
            Checkpoints checkpoints = new Checkpoints(log, snapshots, MIN_LOG_BYTES, 0);

            long batchBytes = 0; // the most one round logs: the log may pass the threshold by that much before a check
            long previousLogBytes = 0;
            for (int round = 0; round < 150; round++) {
                onLoop(() -> {
                    log.append(work.next(BATCH));
                    return null;
                });
                LogProgress progress = onLoop(log::sync).get(10, TimeUnit.SECONDS);
                batchBytes = Math.max(batchBytes, progress.logBytes() - previousLogBytes);
                previousLogBytes = progress.logBytes();
                CompletableFuture<SnapshotInfo> written = onLoop(() -> checkpoints.due(progress)
                        ? checkpoints.snapshot(SnapshotContent.take(work.reference(), work.lastIndex(), work.epoch()))
                        : null);
                if (written != null) {
                    snapshotSizes.add(written.get(10, TimeUnit.SECONDS).bytes());
                    // it completes once the log before it is cut (until then a report could still count the old
                    // segments and make the next one due at once): the new snapshot, and a log of no entry yet
                    assertThat(bytesIn(directory.path())).isLessThanOrEqualTo(last(snapshotSizes) + METADATA_BYTES);
                    assertThat(checkpoints.writing()).isFalse();
                    previousLogBytes = onLoop(log::sync).get(10, TimeUnit.SECONDS).logBytes();
                }
            }
            onLoop(log::close).get(10, TimeUnit.SECONDS);

            assertThat(snapshotSizes).hasSizeGreaterThan(5);
            assertThat(peaks).hasSameSizeAs(snapshotSizes);
            for (int i = 1; i < peaks.size(); i++) {
                long older = snapshotSizes.get(i - 1);
                long newer = snapshotSizes.get(i);
                // at its fullest: the older snapshot, the new one, and the log that triggered it (which the older one's
                // size, or the floor, bounds, passed by at most one round)
                assertThat(peaks.get(i)).isLessThanOrEqualTo(older + newer + Math.max(older, MIN_LOG_BYTES) + batchBytes
                        + METADATA_BYTES);
            }
            long steady = last(snapshotSizes);
            assertThat(steady).isGreaterThan(MIN_LOG_BYTES); // so the steady state is the 3x case, not the floor's
            assertThat(last(peaks)).isLessThanOrEqualTo(3 * steady + batchBytes + METADATA_BYTES);
            assertThat(DataFiles.snapshots(directory.path())).hasSize(1);

            Recovered recovered = Recovery.recover(directory);
            assertThat(recovered.state().space().digest()).isEqualTo(work.reference().space().digest());
            assertThat(recovered.lastIndex()).isEqualTo(work.lastIndex());
        }
    }

    private static long last(List<Long> values) {
        return values.get(values.size() - 1);
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private static long bytesIn(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            long bytes = 0;
            for (Path file : (Iterable<Path>) files::iterator) {
                try {
                    bytes += Files.size(file);
                } catch (NoSuchFileException renamedMeanwhile) {
                    // the log's writer renamed a new segment into place: it is counted under its new name or not at all
                }
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
