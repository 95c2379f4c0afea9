package tuplespace.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.replication.Change;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicatedState;

/** The write-ahead log: what it writes comes back, how often it forces, and what it does when the disk fails. */
@Timeout(30)
class WriteAheadLogTest {

    @TempDir
    Path root;

    private final FaultyDisk disk = new FaultyDisk();
    private final ManualTicker ticker = new ManualTicker();
    private final RecordingListener listener = new RecordingListener();
    private final Workload work = new Workload(7, 200);
    private DataDirectory directory;

    @BeforeEach
    void openDirectory() throws IOException {
        directory = DataDirectory.open(root, "a");
    }

    @AfterEach
    void closeDirectory() throws IOException {
        directory.close();
    }

    private WriteAheadLog open(FsyncMode mode) throws IOException {
        return open(mode, LogOptions.DEFAULT_MAX_SEGMENT_BYTES);
    }

    private WriteAheadLog open(FsyncMode mode, long maxSegmentBytes) throws IOException {
        LogOptions options = LogOptions.of(mode).withTicker(ticker).withOpener(disk).withMaxSegmentBytes(maxSegmentBytes);
        return WriteAheadLog.open(directory, 1, options, listener, Runnable::run);
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private void assertRecoveredEqualsReference() throws IOException {
        Recovered recovered = Recovery.recover(directory);
        ReplicatedState reference = work.reference();
        assertThat(recovered.lastIndex()).isEqualTo(work.lastIndex());
        assertThat(recovered.state().space().digest()).isEqualTo(reference.space().digest());
        assertThat(recovered.state().space().pairs()).containsExactlyElementsOf(reference.space().pairs());
        assertThat(recovered.state().answers().entries()).containsExactlyInAnyOrderElementsOf(reference.answers().entries());
        assertThat(recovered.warnings()).isEmpty();
    }

    @Test
    void appendedEntriesComeBackInOrderAfterARestart() throws Exception {
        WriteAheadLog log = open(FsyncMode.ALWAYS);
        for (int batch = 0; batch < 5; batch++) {
            log.append(work.next(20));
        }
        work.nextEpoch();
        log.append(work.next(20));

        LogProgress closed = done(log.close());

        assertThat(closed.forced()).isEqualTo(120);
        assertRecoveredEqualsReference();
        assertThat(Recovery.recover(directory).lastEpoch()).isEqualTo(2);
    }

    @Test
    void groupCommitForcesOnceForEverythingThatQueuedBehindAForce() throws Exception {
        WriteAheadLog log = open(FsyncMode.ALWAYS);
        int before = disk.forces();
        disk.holdNextForce();
        log.append(work.next(1));
        disk.awaitForceHeld();
        // while the disk is busy forcing the first entry, 999 more arrive, one append each
        for (int i = 0; i < 999; i++) {
            log.append(work.next(1));
        }
        CompletableFuture<LogProgress> synced = log.sync();
        disk.releaseForce();

        assertThat(done(synced).forced()).isEqualTo(1000);
        assertThat(disk.forces() - before).isEqualTo(2); // 1000 appends, 2 forces
        done(log.close());
        assertRecoveredEqualsReference();
    }

    @Test
    void alwaysCountsAnEntryAsLoggedOnlyOnceForced() throws Exception {
        WriteAheadLog log = open(FsyncMode.ALWAYS);
        log.append(work.next(5));

        LogProgress progress = listener.awaitProgress(p -> p.written() == 5);

        assertThat(progress.forced()).isEqualTo(5);
        assertThat(FsyncMode.ALWAYS.logged(progress)).isEqualTo(5);
        assertThat(listener.reports().stream().allMatch(p -> p.forced() == p.written())).isTrue();
        done(log.close());
    }

    @Test
    void everysecForcesAtMostOnceASecondOfItsClock() throws Exception {
        WriteAheadLog log = open(FsyncMode.EVERYSEC);
        int before = disk.forces();
        log.append(work.next(10));
        log.append(work.next(10));

        LogProgress written = listener.awaitProgress(p -> p.written() == 20);
        assertThat(written.forced()).isZero();
        assertThat(FsyncMode.EVERYSEC.logged(written)).isEqualTo(20); // answered once written, as Redis does
        assertThat(disk.forces()).isEqualTo(before);

        log.append(work.next(1));
        ticker.advance(Duration.ofSeconds(1)); // after the append: a force that starts at once covers entry 21 too
        listener.awaitProgress(p -> p.forced() == 21);
        assertThat(disk.forces()).isEqualTo(before + 1);

        log.append(work.next(5)); // within the next second: written, not forced
        assertThat(listener.awaitProgress(p -> p.written() == 26).forced()).isEqualTo(21);
        assertThat(disk.forces()).isEqualTo(before + 1);
        done(log.close());
    }

    @Test
    void everysecWritesEachBatchBeforeAppendReturnsEvenWhileAForceIsUnderWay() throws Exception {
        WriteAheadLog log = open(FsyncMode.EVERYSEC);
        log.append(work.next(10));
        listener.awaitProgress(p -> p.written() == 10);
        disk.holdNextForce();
        ticker.advance(Duration.ofSeconds(1));
        disk.awaitForceHeld(); // the writer's own look, at most a second later, forces entries 1-10

        log.append(work.next(10));

        // written on this thread while the writer waits for the disk, and reported before append returned
        assertThat(listener.last().written()).isEqualTo(20);
        assertThat(listener.last().forced()).isZero();
        assertThat(Files.size(DataFiles.segment(directory.path(), 1))).isEqualTo(listener.last().logBytes());
        disk.releaseForce();
        assertThat(listener.awaitProgress(p -> p.forced() > 0).forced()).isEqualTo(10); // what the force began with
        done(log.close());
        assertRecoveredEqualsReference();
    }

    @Test
    void everysecHearsOfAWriteThatFailedOnTheCallersThreadAndMendsTheSegmentLater() throws Exception {
        WriteAheadLog log = open(FsyncMode.EVERYSEC);
        appendTenThenTenOnAFullDisk(log, p -> p.written() == 10); // written by this thread, which hears of the failure
        log.append(work.next(10)); // kept in memory by the writer: the file is not trusted any more
        log.append(work.next(10));
        ticker.advance(Duration.ofMillis(500)); // not yet the retry
        done(log.cutBefore(1)); // commands the writer handles after the appends: each of its turns
        assertThat(done(log.cutBefore(1)).written()).isEqualTo(10); // ends with a report of what changed
        // no progress until it writes again: the node takes any report after a failure as the disk working again
        assertThat(listener.reportsSinceLastFailure()).isEmpty();

        disk.freeSpace();
        ticker.advance(Duration.ofSeconds(1)); // the writer's next look, at most a second later, rewrites the segment
        assertThat(listener.awaitProgress(p -> p.written() == 40).forced()).isEqualTo(40);
        log.append(work.next(5));
        done(log.close());
        assertRecoveredEqualsReference();
    }

    @Test
    void noForcesOnlyWhenASegmentIsClosed() throws Exception {
        WriteAheadLog log = open(FsyncMode.NO, 4096);
        int before = disk.forces();
        for (int batch = 0; batch < 10; batch++) {
            log.append(work.next(3));
        }
        assertThat(listener.awaitProgress(p -> p.written() == 30).forced()).isZero(); // 30 small entries: one segment
        assertThat(disk.forces()).isEqualTo(before);

        for (int batch = 0; batch < 40; batch++) {
            log.append(work.next(5)); // about 6 KiB: at least one segment fills, is forced and closed
        }
        LogProgress progress = listener.awaitProgress(p -> p.written() == 230);
        List<DataFiles.Numbered> segments = DataFiles.segments(directory.path());
        assertThat(segments).hasSizeGreaterThan(1);
        long lastOfClosed = segments.get(segments.size() - 1).index() - 1;
        assertThat(progress.forced()).isEqualTo(lastOfClosed);
        done(log.close());
        assertRecoveredEqualsReference();
    }

    @Test
    void aFailedForceIsNeverTrustedAgainTheSegmentIsRewrittenFromMemoryIntoAFreshFile() throws Exception {
        WriteAheadLog log = open(FsyncMode.ALWAYS);
        log.append(work.next(10));
        listener.awaitProgress(p -> p.forced() == 10);
        FaultyChannel failing = disk.opened().get(disk.opened().size() - 1);

        disk.failNextForce(); // EIO, and the kernel drops the pages it could not write
        log.append(work.next(10));
        LogFailure failure = listener.awaitFailures(1);

        assertThat(failure.operation()).isEqualTo("force");
        assertThat(failure.file()).isEqualTo(DataFiles.segment(directory.path(), 1));
        assertThat(failure.cause()).hasMessage("Input/output error");
        assertThat(failure.forced()).isEqualTo(10);
        assertThat(failing.isOpen()).isFalse();

        log.append(work.next(10)); // kept in memory: no retry before the retry interval
        assertThat(listener.last().forced()).isEqualTo(10);
        ticker.advance(Duration.ofSeconds(1));
        log.append(work.next(10));

        listener.awaitProgress(p -> p.forced() == 40);
        assertThat(failing.writesAfterFailure()).isZero();
        assertThat(disk.opened().get(disk.opened().size() - 1)).isNotSameAs(failing);
        // nor is space reserved again at once: a disk that refuses space only when forced would fail every rewrite
        log.append(work.next(10));
        listener.awaitProgress(p -> p.forced() == 50);
        assertThat(Files.size(failure.file())).isEqualTo(listener.last().logBytes());
        assertThat(listener.failures()).hasSize(1);
        done(log.close());
        assertRecoveredEqualsReference(); // the 10 entries the failed file lost are there: rewritten from memory
    }

    @Test
    void aRewriteThatLeavesTheProgressAsItWasIsStillReported() throws Exception {
        WriteAheadLog log = open(FsyncMode.ALWAYS);
        log.append(work.next(10));
        listener.awaitProgress(p -> p.forced() == 10); // idle and reported: written 10, forced 10
        disk.failNextForce();
        log.roll(); // the full segment's closing force fails: nothing new was written, nothing is forced
        listener.awaitFailures(1);

        ticker.advance(Duration.ofSeconds(1));
        done(log.cutBefore(1)); // the writer's turns after the retry interval: the segment is rewritten
        done(log.cutBefore(1));

        // the same written, forced and size as before the failure: reported all the same, as the disk writing again
        assertThat(listener.reportsSinceLastFailure()).isNotEmpty();
        assertThat(listener.last().forced()).isEqualTo(10);
        done(log.close());
        assertRecoveredEqualsReference();
    }

    @Test
    void aFullDiskIsReportedNotSwallowedAndTheLogGoesOnOnceThereIsSpace() throws Exception {
        WriteAheadLog log = open(FsyncMode.ALWAYS);
        LogFailure failure = appendTenThenTenOnAFullDisk(log, p -> p.forced() == 10);
        assertThat(failure.describe()).contains("No space left on device").contains("wal-0000000000000000001.log");

        // a sync tries a fresh file at once, which fails too: the caller hears it, nothing is counted as logged
        assertThatThrownBy(() -> done(log.sync())).hasRootCauseMessage(FaultyDisk.ENOSPC);
        assertThat(listener.awaitFailures(2).operation()).isEqualTo("rewrite");
        assertThat(listener.last().forced()).isEqualTo(10);
        assertThat(listener.last().written()).isEqualTo(10);

        disk.freeSpace();
        assertThat(done(log.sync()).forced()).isEqualTo(20);
        log.append(work.next(5));
        done(log.close());
        assertRecoveredEqualsReference();
        try (Stream<Path> files = Files.list(directory.path())) {
            assertThat(files.map(file -> file.getFileName().toString()).collect(Collectors.toList()))
                    .containsExactlyInAnyOrder("lock", "node.meta", "wal-0000000000000000001.log");
        }
    }

    @Test
    void alwaysReservesSpaceAheadOfTheRecordsAndLogsOnWithoutItOnANearlyFullDisk() throws Exception {
        WriteAheadLog log = open(FsyncMode.ALWAYS);
        Path segment = DataFiles.segment(directory.path(), 1);
        log.append(work.next(10));
        assertThat(done(log.sync()).forced()).isEqualTo(10);
        long reserved = Files.size(segment);
        assertThat(reserved).isGreaterThanOrEqualTo(listener.last().logBytes() + Segment.RESERVE_BYTES);

        disk.fillUpToLessThanAReserve(); // room for records, not for another reserve
        long logBytes = 0;
        while (logBytes <= reserved) { // records past the space reserved
            log.append(work.next(100));
            LogProgress synced = done(log.sync());
            assertThat(synced.forced()).isEqualTo(work.lastIndex());
            // what the sync answered, not the listener's last report, which may still be on its way
            logBytes = synced.logBytes();
            // the part of a reserve written before the disk refused the rest is cut off, not left taking the space
            assertThat(Files.size(segment)).isEqualTo(Math.max(reserved, logBytes));
        }
        assertThat(listener.failures()).isEmpty();

        disk.freeSpace();
        done(log.close());
        assertThat(Files.size(segment)).isEqualTo(listener.last().logBytes()); // closing cuts off what was reserved
        assertRecoveredEqualsReference();
    }

    @Test
    void everysecReservesNoSpace() throws Exception {
        WriteAheadLog log = open(FsyncMode.EVERYSEC);
        log.append(work.next(10));
        assertThat(done(log.sync()).forced()).isEqualTo(10);
        assertThat(Files.size(DataFiles.segment(directory.path(), 1))).isEqualTo(listener.last().logBytes());
        done(log.close());
    }

    @Test
    void cutBeforeDeletesOnlyWholeSegmentsBelowTheIndex() throws Exception {
        WriteAheadLog log = open(FsyncMode.NO, 2048);
        for (int batch = 0; batch < 20; batch++) {
            log.append(work.next(10));
        }
        done(log.sync());
        List<DataFiles.Numbered> segments = DataFiles.segments(directory.path());
        assertThat(segments).hasSizeGreaterThan(3);

        log.cutBefore(segments.get(2).index()); // the first two segments hold only entries below it
        log.cutBefore(segments.get(3).index() - 1); // the third holds that entry: it stays
        // the sync's own progress: the listener hears of that batch only after the sync has completed
        LogProgress afterCut = done(log.sync());

        assertThat(DataFiles.segments(directory.path())).containsExactlyElementsOf(segments.subList(2, segments.size()));
        assertThat(afterCut.logBytes()).isEqualTo(sizeOf(segments.subList(2, segments.size())));
        done(log.close());
    }

    @Test
    void restartAtDropsTheWholeLogAndGoesOnAfterTheSnapshot() throws Exception {
        WriteAheadLog log = open(FsyncMode.ALWAYS, 2048);
        log.append(work.next(100));
        done(log.sync());

        log.restartAt(501); // a backup received its primary's state up to entry 500, durable in a snapshot
        log.append(LongStream.rangeClosed(501, 510).mapToObj(i -> new Replicated(2, i, new Change.Closed(i))).toList());
        LogProgress progress = done(log.close());

        assertThat(progress.forced()).isEqualTo(510);
        assertThat(DataFiles.segments(directory.path())).extracting(DataFiles.Numbered::index).containsExactly(501L);
    }

    @Test
    void restartAtKeepsItsNewSegmentWhenAnOlderOneStartedAtTheSameEntry() throws Exception {
        WriteAheadLog log = open(FsyncMode.ALWAYS);
        log.append(work.next(50));
        log.roll(); // entry 51 starts a segment, as after a snapshot at 50
        log.append(work.next(20)); // 51-75: this node's own entries, which its new primary never had
        log.roll();
        log.append(work.next(5));
        done(log.sync());

        log.restartAt(51); // the new primary's state up to entry 50, durable in a snapshot
        log.append(LongStream.rangeClosed(51, 60).mapToObj(i -> new Replicated(2, i, new Change.Closed(i))).toList());
        LogProgress progress = done(log.close());

        assertThat(progress.forced()).isEqualTo(60);
        assertThat(DataFiles.segments(directory.path())).extracting(DataFiles.Numbered::index).containsExactly(51L);
        assertThat(LogReader.peek(directory.path(), 50, 1).lastIndex()).isEqualTo(60); // on disk, not in an unlinked file
    }

    @Test
    void appendRefusesAGapOrAStepBack() throws Exception {
        WriteAheadLog log = open(FsyncMode.NO);
        log.append(work.next(3));
        Replicated gap = new Replicated(1, 5, new Change.Closed(1));

        assertThatThrownBy(() -> log.append(List.of(gap)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected entry 4 next in the log, found 5");
        done(log.close());
        assertThatThrownBy(() -> log.append(work.next(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recordEpochIsDurableInTheDirectoryAndOnlyRises() throws Exception {
        WriteAheadLog log = open(FsyncMode.NO);

        assertThat(done(log.recordEpoch(4, 0))).isEqualTo(4);
        done(log.recordEpoch(2, 0x22));
        done(log.recordEpoch(4, 0x44)); // the same epoch gets its primary's server id
        done(log.recordEpoch(4, 0)); // which an unknown one does not take away
        done(log.close());

        assertThat(directory.highestEpoch()).isEqualTo(4);
        assertThat(NodeMeta.read(directory.path()).highestEpoch()).isEqualTo(4);
        assertThat(NodeMeta.read(directory.path()).epochServer()).isEqualTo(0x44);
    }

    /** Logs 10 entries (until {@code logged}), fills the disk, appends 10 more: the failed write the log reports. */
    private LogFailure appendTenThenTenOnAFullDisk(WriteAheadLog log, Predicate<LogProgress> logged) throws Exception {
        log.append(work.next(10));
        listener.awaitProgress(logged);
        disk.fillUp();
        log.append(work.next(10));
        LogFailure failure = listener.awaitFailures(1);
        assertThat(failure.operation()).isEqualTo("write");
        assertThat(failure.cause()).hasMessage(FaultyDisk.ENOSPC);
        return failure;
    }

    private static long sizeOf(List<DataFiles.Numbered> files) throws IOException {
        long bytes = 0;
        for (DataFiles.Numbered file : files) {
            bytes += Files.size(file.path());
        }
        return bytes;
    }
}
