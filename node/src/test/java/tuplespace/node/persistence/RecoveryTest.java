package tuplespace.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.replication.AnswerTable;
import tuplespace.replication.Change;
import tuplespace.replication.Replicated;

/** Recovery: the state comes back equal, a torn tail is truncated, and any other damage stops the start with a precise message. */
@Timeout(60)
class RecoveryTest {

    @TempDir
    Path root;

    private final Workload work = new Workload(11, 300);
    private DataDirectory directory;

    @BeforeEach
    void openDirectory() throws IOException {
        directory = DataDirectory.open(root, "a");
    }

    @AfterEach
    void closeDirectory() throws IOException {
        directory.close();
    }

    private WriteAheadLog open(long nextIndex, long maxSegmentBytes) throws IOException {
        return WriteAheadLog.open(directory, nextIndex, LogOptions.of(FsyncMode.ALWAYS).withMaxSegmentBytes(maxSegmentBytes),
                new RecordingListener(), Runnable::run);
    }

    /**
     * Logs {@code before} entries, writes a snapshot of them (epoch 1, not recorded in {@code node.meta}), logs
     * {@code after} more in a segment of their own, and closes the log.
     */
    private void snapshotThenLog(int before, int after) throws Exception {
        WriteAheadLog log = open(1, 4096);
        log.append(work.next(before));
        log.sync().get(10, TimeUnit.SECONDS);
        SnapshotFile.write(directory.path(), SnapshotContent.take(work.reference(), before, 1), ChannelOpener.DEFAULT);
        log.roll();
        log.append(work.next(after));
        log.close().get(10, TimeUnit.SECONDS);
    }

    /** Logs 300 entries in batches of 10 in segments of 2 KiB (more than two), closes the log; returns its segments. */
    private List<DataFiles.Numbered> loggedInSegments() throws Exception {
        WriteAheadLog log = open(1, 2048);
        for (int i = 0; i < 30; i++) {
            log.append(work.next(10));
        }
        log.close().get(10, TimeUnit.SECONDS);
        List<DataFiles.Numbered> segments = DataFiles.segments(directory.path());
        assertThat(segments).hasSizeGreaterThan(2);
        return segments;
    }

    /** Logs {@code entries} entries in batches of 10 in one segment, and closes the log. */
    private Path logged(int entries) throws Exception {
        WriteAheadLog log = open(1, LogOptions.DEFAULT_MAX_SEGMENT_BYTES);
        for (int i = 0; i < entries; i += 10) {
            log.append(work.next(Math.min(10, entries - i)));
        }
        log.close().get(10, TimeUnit.SECONDS);
        return DataFiles.segment(directory.path(), 1);
    }

    @Test
    void aSnapshotAndTheLogAfterItRecoverTheStateAsItWas() throws Exception {
        WriteAheadLog log = open(1, 4096);
        log.append(work.next(500));
        log.sync().get(10, TimeUnit.SECONDS);
        SnapshotInfo snapshot = SnapshotFile.write(directory.path(), SnapshotContent.take(work.reference(), 500, 1),
                ChannelOpener.DEFAULT);
        log.roll();
        log.cutBefore(501);
        work.nextEpoch();
        log.append(work.next(300));
        log.close().get(10, TimeUnit.SECONDS);

        Recovered recovered = Recovery.recover(directory);

        assertThat(recovered.snapshot()).contains(snapshot);
        assertThat(DataFiles.segments(directory.path()).get(0).index()).isEqualTo(501);
        assertThat(recovered.lastIndex()).isEqualTo(800);
        assertThat(recovered.lastEpoch()).isEqualTo(2);
        assertThat(recovered.highestEpoch()).isEqualTo(2);
        assertThat(recovered.state().space().digest()).isEqualTo(work.reference().space().digest());
        assertThat(recovered.state().space().pairs()).containsExactlyElementsOf(work.reference().space().pairs());
        assertThat(recovered.state().answers().entries())
                .containsExactlyInAnyOrderElementsOf(work.reference().answers().entries());
        assertThat(recovered.warnings()).isEmpty();
    }

    @Test
    void aResyncCutShortByACrashEndsTheLogAtTheNewerPrimarysState() throws Exception {
        WriteAheadLog log = open(1, 2048);
        log.append(work.next(100)); // this node got to entry 100 of epoch 1, and snapshotted there
        log.close().get(10, TimeUnit.SECONDS);
        SnapshotFile.write(directory.path(), SnapshotContent.take(work.reference(), 100, 1), ChannelOpener.DEFAULT);
        // then, backup of a primary of epoch 2 that had only reached entry 95, it took that primary's whole state...
        Workload newer = new Workload(11, 300);
        newer.next(95);
        newer.nextEpoch();
        SnapshotFile.write(directory.path(), SnapshotContent.take(newer.reference(), 95, 2), ChannelOpener.DEFAULT);
        // ...and stopped before deleting its older snapshot and dropping its own log (WriteAheadLog.restartAt)

        Recovered recovered = Recovery.recover(directory);

        assertThat(recovered.snapshot().orElseThrow().index()).isEqualTo(95); // epoch 2 is newer than entry 100 of epoch 1
        assertThat(recovered.lastIndex()).isEqualTo(95);
        assertThat(recovered.lastEpoch()).isEqualTo(2);
        assertThat(recovered.state().space().digest()).isEqualTo(newer.reference().space().digest());
        assertThat(recovered.warnings()).singleElement().asString()
                .contains(": entry 96 in wal-0000000000000000001.log, ")
                .contains(" is of epoch 1, older than the snapshot's 2: a history the snapshot superseded")
                .endsWith("the log ends at the snapshot, entry 95");
        assertThat(DataFiles.segments(directory.path())).isEmpty();

        WriteAheadLog goesOn = WriteAheadLog.open(directory, recovered, LogOptions.of(FsyncMode.ALWAYS),
                new RecordingListener(), Runnable::run);
        goesOn.append(newer.next(5));
        goesOn.close().get(10, TimeUnit.SECONDS);
        Recovered again = Recovery.recover(directory);
        assertThat(again.lastIndex()).isEqualTo(100);
        assertThat(again.state().space().digest()).isEqualTo(newer.reference().space().digest());
        assertThat(again.warnings()).isEmpty();
    }

    @Test
    void whatACrashLeavesOfALogBeingDroppedNewestFirstEndsAtTheSnapshot() throws Exception {
        WriteAheadLog log = open(1, 2048);
        log.append(work.next(100)); // this node's own log of epoch 1, in several segments
        log.close().get(10, TimeUnit.SECONDS);
        Workload newer = new Workload(11, 300);
        newer.next(95);
        newer.nextEpoch();
        SnapshotInfo snapshot = SnapshotFile.write(directory.path(), SnapshotContent.take(newer.reference(), 95, 2),
                ChannelOpener.DEFAULT);
        directory.recordSnapshot(snapshot, 0);
        // WriteAheadLog.restartAt deletes the old log newest first; the crash came after all but its first segment
        List<DataFiles.Numbered> segments = DataFiles.segments(directory.path());
        assertThat(segments).hasSizeGreaterThan(1);
        for (DataFiles.Numbered segment : segments.subList(1, segments.size())) {
            Files.delete(segment.path());
        }

        Recovered recovered = Recovery.recover(directory);

        assertThat(recovered.lastIndex()).isEqualTo(95);
        assertThat(recovered.lastEpoch()).isEqualTo(2);
        assertThat(recovered.state().space().digest()).isEqualTo(newer.reference().space().digest());
    }

    @Test
    void idleWorkRunsOnceOnTheCallingThreadAndChangesNothingRecovered() throws Exception {
        snapshotThenLog(100, 50);
        List<Thread> ranOn = new ArrayList<>();

        Recovered recovered = Recovery.recover(directory, () -> ranOn.add(Thread.currentThread()), LogReadAhead.none());

        assertThat(ranOn).containsExactly(Thread.currentThread());
        assertThat(recovered.lastIndex()).isEqualTo(150);
        assertThat(recovered.state().space().digest()).isEqualTo(work.reference().space().digest());
        assertThat(recovered.state().answers().entries())
                .containsExactlyInAnyOrderElementsOf(work.reference().answers().entries());
    }

    @Test
    void anEmptyDirectoryRecoversTheEmptyState() throws IOException {
        Recovered recovered = Recovery.recover(directory);

        assertThat(recovered.lastIndex()).isZero();
        assertThat(recovered.nextIndex()).isEqualTo(1);
        assertThat(recovered.state().space().size()).isZero();
        assertThat(recovered.snapshot()).isEmpty();
    }

    @Test
    void aTornLastRecordIsTruncatedWithAWarningAtEveryByteOffsetOfIt() throws Exception {
        logged(20);
        long digestBefore = work.reference().space().digest();
        List<AnswerTable.Entry> answersBefore = work.reference().answers().entries();
        byte[] metaBefore = Files.readAllBytes(directory.path().resolve(NodeMeta.FILE_NAME));
        WriteAheadLog log = open(21, LogOptions.DEFAULT_MAX_SEGMENT_BYTES);
        log.append(List.of(new Replicated(1, 21, new Change.Closed(1001)))); // a short record: 37 offsets to cut at
        log.close().get(10, TimeUnit.SECONDS);
        // the crash came before entry 21 was forced: node.meta does not record it as the log's yet
        directory.close();
        Files.write(directory.path().resolve(NodeMeta.FILE_NAME), metaBefore);
        directory = DataDirectory.open(root, "a");
        Path last = DataFiles.segment(directory.path(), 21);
        byte[] whole = Files.readAllBytes(last);
        assertThat(whole.length).isGreaterThan(FilePrefix.LENGTH + RecordFraming.HEADER_BYTES);

        for (int cut = FilePrefix.LENGTH; cut < whole.length; cut++) {
            Files.write(last, Arrays.copyOf(whole, cut)); // the crash came after this many bytes of the last record

            Recovered recovered = Recovery.recover(directory);

            assertThat(recovered.lastIndex()).as("cut at %d", cut).isEqualTo(20);
            assertThat(recovered.state().space().digest()).isEqualTo(digestBefore);
            assertThat(recovered.state().answers().entries()).containsExactlyInAnyOrderElementsOf(answersBefore);
            assertThat(Files.size(last)).isEqualTo(FilePrefix.LENGTH);
            if (allZero(whole, FilePrefix.LENGTH, cut)) {
                // the record was never begun, or only its length's leading zeros were written: a clean end
                assertThat(recovered.warnings()).as("cut at %d", cut).isEmpty();
            } else {
                assertThat(recovered.warnings()).singleElement().asString()
                        .startsWith(last + ": the record at offset " + FilePrefix.LENGTH + " is torn")
                        .contains("Truncated the file to " + FilePrefix.LENGTH + " bytes")
                        .endsWith("the log ends at entry 20");
            }
        }
    }

    @Test
    void aBadChecksumInTheLastRecordIsATornTailAndZerosFromItsStartEndTheLogBeforeIt() throws Exception {
        Path segment = logged(20);
        long size = Files.size(segment);
        List<Long> offsets = recordOffsets(segment);
        long lastRecord = offsets.get(offsets.size() - 1);
        Path zeros = copyOfDirectory("zeros");
        Path zeroed = zeros.resolve("node-a").resolve(segment.getFileName());
        try (FileChannel channel = FileChannel.open(zeroed, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate((int) (size - lastRecord)), lastRecord); // ext4 after a crash: size, no data
            channel.write(ByteBuffer.allocate(100), size); // and a little more
        }
        Path flipped = copyOfDirectory("flipped");
        flipByte(flipped.resolve("node-a").resolve(segment.getFileName()), size - 1);

        try (DataDirectory copy = DataDirectory.open(flipped, "a")) {
            Recovered recovered = Recovery.recover(copy);
            assertThat(recovered.lastIndex()).isEqualTo(19);
            assertThat(recovered.warnings()).singleElement().asString()
                    .contains("the record at offset " + lastRecord + " is torn");
        }
        // nothing of the record reached the disk: as after space reserved ahead of the records (Segment), not torn
        try (DataDirectory copy = DataDirectory.open(zeros, "a")) {
            Recovered recovered = Recovery.recover(copy);
            assertThat(recovered.lastIndex()).isEqualTo(19);
            assertThat(recovered.warnings()).isEmpty();
            assertThat(Files.size(zeroed)).isEqualTo(lastRecord);
        }
    }

    @Test
    void withFsyncAlwaysTheLastSegmentReservesSpaceThatRecoveryAndClosingCutOff() throws Exception {
        WriteAheadLog log = open(1, LogOptions.DEFAULT_MAX_SEGMENT_BYTES);
        log.append(work.next(50));
        log.sync().get(10, TimeUnit.SECONDS);
        Path segment = DataFiles.segment(directory.path(), 1);
        long records = recordsEnd(segment);
        assertThat(Files.size(segment)).isGreaterThanOrEqualTo(records + Segment.RESERVE_BYTES);
        Path crashed = copyOfDirectory("crashed"); // what a kill -9 leaves: the log open, its space reserved

        try (DataDirectory copy = DataDirectory.open(crashed, "a")) {
            Recovered recovered = Recovery.recover(copy);
            assertThat(recovered.lastIndex()).isEqualTo(50);
            assertThat(recovered.state().space().digest()).isEqualTo(work.reference().space().digest());
            assertThat(recovered.warnings()).isEmpty();
            assertThat(Files.size(crashed.resolve("node-a").resolve(segment.getFileName()))).isEqualTo(records);
        }
        // bytes in the reserve: a later sector of writes whose earlier ones a power cut kept from the disk (the records
        // that would have begun there never counted as forced), or damage there; either way every record before stays
        Path written = copyOfDirectory("written-in-the-reserve");
        Path writtenSegment = written.resolve("node-a").resolve(segment.getFileName());
        try (FileChannel channel = FileChannel.open(writtenSegment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {7, 7, 7}), records + 10_000);
        }
        try (DataDirectory copy = DataDirectory.open(written, "a")) {
            Recovered recovered = Recovery.recover(copy);
            assertThat(recovered.lastIndex()).isEqualTo(50);
            assertThat(recovered.warnings()).singleElement().asString()
                    .startsWith(writtenSegment + ": the record at offset " + records + " is torn")
                    .contains("where a crash kept a sector of it from the disk");
            assertThat(Files.size(writtenSegment)).isEqualTo(records);
        }
        log.close().get(10, TimeUnit.SECONDS);
        assertThat(Files.size(segment)).isEqualTo(records);
    }

    @Test
    void zerosAfterTheRecordsOrASectorOfZerosInASegmentBeforeTheLastAreDamage() throws Exception {
        WriteAheadLog log = open(1, 8192);
        log.append(work.next(400));
        log.close().get(10, TimeUnit.SECONDS);
        List<DataFiles.Numbered> segments = DataFiles.segments(directory.path());
        assertThat(segments).hasSizeGreaterThan(1);
        Path first = segments.get(0).path();
        long records = Files.size(first);
        assertThat(recordsEnd(first)).isEqualTo(records); // a full segment is cut to its records when closed
        Path zerosAfter = copyOfDirectory("zeros-after").resolve("node-a").resolve(first.getFileName());
        Path zeroSector = copyOfDirectory("zero-sector").resolve("node-a").resolve(first.getFileName());
        try (FileChannel after = FileChannel.open(zerosAfter, StandardOpenOption.WRITE);
             FileChannel sector = FileChannel.open(zeroSector, StandardOpenOption.WRITE)) {
            after.write(ByteBuffer.allocate(4096), records);
            sector.write(ByteBuffer.allocate(512), 2048);
        }

        try (DataDirectory copy = DataDirectory.open(zerosAfter.getParent().getParent(), "a")) {
            assertThatThrownBy(() -> Recovery.recover(copy))
                    .isInstanceOf(DamagedFileException.class)
                    .hasMessageStartingWith(zerosAfter + " at offset " + records + ": expected a whole segment (a "
                            + "later one follows), found zeros where a record was being written");
        }
        try (DataDirectory copy = DataDirectory.open(zeroSector.getParent().getParent(), "a")) {
            assertThatThrownBy(() -> Recovery.recover(copy))
                    .isInstanceOf(DamagedFileException.class)
                    .hasMessageStartingWith(zeroSector + " at offset ")
                    .hasMessageContaining("(so not a crash while writing)");
        }
    }

    @Test
    void aRecordWhoseLaterBytesReadAsZerosIsATornTailAtEveryByteOffsetOfIt() throws Exception {
        // ext4 with data=writeback or XFS may make an append's new size durable before all of its data
        Path segment = logged(20);
        byte[] whole = Files.readAllBytes(segment);
        List<Long> offsets = recordOffsets(segment);
        int lastRecord = offsets.get(offsets.size() - 1).intValue();
        long digestBefore = work.reference().space().digest();

        for (int cut = lastRecord + 1; cut < whole.length; cut++) {
            byte[] torn = Arrays.copyOf(whole, whole.length + 100); // and zeros after it, of a later append
            Arrays.fill(torn, cut, whole.length, (byte) 0); // the record's bytes from here on never reached the disk
            Files.write(segment, torn);

            Recovered recovered = Recovery.recover(directory);

            if (allZero(whole, cut, whole.length)) { // the bytes lost were zeros anyway: the record is whole
                assertThat(recovered.lastIndex()).as("cut at %d", cut).isEqualTo(20);
                assertThat(recovered.state().space().digest()).isEqualTo(digestBefore);
                assertThat(recovered.warnings()).isEmpty();
                assertThat(Files.size(segment)).isEqualTo(whole.length);
                continue;
            }
            assertThat(recovered.lastIndex()).as("cut at %d", cut).isEqualTo(19);
            assertThat(Files.size(segment)).isEqualTo(lastRecord);
            if (allZero(whole, lastRecord, cut)) { // only the length's leading zeros reached the disk: a clean end
                assertThat(recovered.warnings()).as("cut at %d", cut).isEmpty();
                continue;
            }
            assertThat(recovered.warnings()).as("cut at %d", cut).singleElement().asString()
                    .startsWith(segment + ": the record at offset " + lastRecord + " is torn")
                    .contains("Truncated the file to " + lastRecord + " bytes");
            assertThat(Files.size(segment)).isEqualTo(lastRecord);
        }
    }

    @Test
    void aFlippedByteBeforeZerosAtTheEndIsStillDamage() throws Exception {
        Path segment = logged(20);
        long fifth = recordOffsets(segment).get(4);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4096), Files.size(segment));
        }
        flipByte(segment, fifth + RecordFraming.HEADER_BYTES + 20);

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(segment + " at offset " + fifth + ": expected a record of ")
                .hasMessageContaining("and more records after it (so not a crash while writing)");
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aFlippedByteBeforeTheEndStopsRecoveryNamingTheFileTheOffsetAndWhatToDo() throws Exception {
        Path segment = logged(20);
        long fifth = recordOffsets(segment).get(4);
        flipByte(segment, fifth + RecordFraming.HEADER_BYTES + 20);

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(segment + " at offset " + fifth + ": expected a record of ")
                .hasMessageContaining("bytes with checksum ")
                .hasMessageContaining(", found checksum ")
                .hasMessageContaining("and more records after it (so not a crash while writing)")
                .hasMessageContaining("start this node from its peer's data directory");
        assertThat(Files.size(segment)).as("nothing truncated").isGreaterThan(fifth + 100);
    }

    /**
     * A record whose checksum matches but whose entry no writer makes (a writer's bug, or a hand-edited file) is
     * damage: an epoch 0 right after the snapshot does not pass for a superseded log, whose segments the start would
     * delete.
     */
    @Test
    void aChecksummedEntryOfEpochZeroAfterTheSnapshotIsDamageNotASupersededLog() throws Exception {
        snapshotThenLog(50, 20);
        Path segment = DataFiles.segment(directory.path(), 51);
        long first = recordOffsets(segment).get(0);
        rewriteRecord(segment, first, payload -> payload.putLong(0, 0)); // the entry's epoch

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(segment + " at offset " + first + ": expected an entry of epoch 1 or later, "
                        + "found epoch 0")
                .hasMessageContaining("The record's checksum matches");
        assertThat(segment).exists();
    }

    /** Entries are summed up from their bytes; a key with a zero byte, which the tree cannot hold, is damage. */
    @Test
    void aChecksummedEntryWhoseKeyHoldsAZeroByteStopsRecovery() throws Exception {
        Path segment = logged(20);
        long fifth = recordOffsets(segment).get(4);
        rewriteRecord(segment, fifth, payload -> {
            for (int i = 41; i + 1 < payload.limit(); i++) { // after epoch, index, kind, conn, seq, floor
                if (payload.get(i) == 'k' && payload.get(i + 1) == ',') { // a key "k,N": now "k\0N"
                    payload.put(i + 1, (byte) 0);
                    return;
                }
            }
            throw new AssertionError("no key in the fifth entry");
        });

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(segment + " at offset " + fifth + ": expected a log entry, found: ")
                .hasMessageContaining("expected a key without a zero byte");
    }

    @Test
    void aSectorOfTheLastWritesThatAPowerCutKeptFromTheDiskIsATornTailWithRecordsAfterIt() throws Exception {
        // the records overwrite reserved zeros, so a sector the cut kept from the disk reads as zeros, later ones not
        Path segment = logged(300);
        List<Long> offsets = recordOffsets(segment);
        long size = Files.size(segment);
        for (long sector : List.of(size / 2 - size / 2 % 512, offsets.get(150) - offsets.get(150) % 512 + 512)) {
            int hit = 0; // the first record that reaches into the sector: the one holding its first byte
            while (hit + 1 < offsets.size() && offsets.get(hit + 1) <= sector) {
                hit++;
            }
            long firstBad = offsets.get(hit);
            Path copyRoot = copyOfDirectory("hole-" + sector);
            Path copy = copyRoot.resolve("node-a").resolve(segment.getFileName());
            try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.allocate(512), sector);
            }

            try (DataDirectory directoryCopy = DataDirectory.open(copyRoot, "a")) {
                Recovered recovered = Recovery.recover(directoryCopy);
                assertThat(recovered.lastIndex()).as("sector at %d", sector).isEqualTo(hit);
                assertThat(recovered.warnings()).singleElement().asString()
                        .startsWith(copy + ": the record at offset " + firstBad + " is torn")
                        .contains("where a crash kept a sector of it from the disk");
                assertThat(Files.size(copy)).isEqualTo(firstBad);
            }
        }
    }

    @Test
    void aFlippedLengthIsDamageNotATornTail() throws Exception {
        Path segment = logged(20);
        long fifth = recordOffsets(segment).get(4);
        flipByte(segment, fifth + 1); // the length would now point far past the end of the file

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(segment + " at offset " + fifth + ": expected a record header whose length check is ");
    }

    @Test
    void aMissingSegmentStopsRecovery() throws Exception {
        List<DataFiles.Numbered> segments = loggedInSegments();
        Files.delete(segments.get(1).path());

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessage(segments.get(2).path() + ": expected the log to go on with entry " + segments.get(1).index()
                        + " (in " + segments.get(1).path().getFileName() + " or a segment before it), found the next "
                        + "segment starting at entry " + segments.get(2).index() + ". A segment is missing: restore it "
                        + "from a copy, or start this node from its peer's data directory");
    }

    @Test
    void aLogWhoseNewestSegmentWasDeletedStopsRecoveryAsNodeMetaRecordsItsFirstEntry() throws Exception {
        List<DataFiles.Numbered> segments = loggedInSegments();
        // the newest segment holding entries (a roll may have begun an empty one after it)
        int newestAt = segments.size() - (segments.get(segments.size() - 1).index() == 301 ? 2 : 1);
        DataFiles.Numbered newest = segments.get(newestAt);
        assertThat(NodeMeta.read(directory.path()).logged()).contains(new NodeMeta.Logged(newest.index(), 1));
        for (DataFiles.Numbered segment : segments.subList(newestAt, segments.size())) {
            Files.delete(segment.path()); // every segment left still follows the one before
        }

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessage(newest.path() + ": expected the log to hold entry " + newest.index() + " of epoch 1, which"
                        + " node.meta records as forced to disk (logged=" + newest.index() + " 1), found it ending at"
                        + " entry " + (newest.index() - 1) + " of epoch 1. Segments were deleted or cut short, by hand"
                        + " or by a disk that lost forced data: restore this one and any after it from a copy, or start"
                        + " this node from its peer's data directory");
    }

    @Test
    void aLogDeletedWholeAfterItsSnapshotStopsRecovery() throws Exception {
        snapshotThenLog(100, 50);
        for (DataFiles.Numbered segment : DataFiles.segments(directory.path())) {
            Files.delete(segment.path());
        }

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(DataFiles.segment(directory.path(), 101) + ": expected the log to hold entry"
                        + " 101 of epoch 1, which node.meta records as forced to disk (logged=101 1), found it ending"
                        + " at entry 100 of epoch 1. ");
        assertThatThrownBy(() -> DataDirectories.survey(root)).as("nor is an older directory served in its place")
                .isInstanceOf(DamagedFileException.class)
                .hasMessageContaining("expected the log to hold entry 101 of epoch 1")
                .hasMessageEndingWith("No other node directory holds a copy: restore the file rather than move node-a"
                        + " away.");
    }

    @Test
    void aLogThatDoesNotReachBackToTheStartStopsRecovery() throws Exception {
        WriteAheadLog log = open(1, 2048);
        log.append(work.next(100));
        SnapshotFile.write(directory.path(), SnapshotContent.take(work.reference(), 100, 1), ChannelOpener.DEFAULT);
        log.roll();
        log.cutBefore(101); // the snapshot at 100 is durable, so the log before it goes
        log.append(work.next(10));
        log.close().get(10, TimeUnit.SECONDS);
        Files.move(DataFiles.snapshot(directory.path(), 100), root.resolve("away.snap")); // moved away by hand

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageContaining("expected the log to go on with entry 1 (in wal-0000000000000000001.log or a segment "
                        + "before it), found the next segment starting at entry ");
    }

    @Test
    void aSnapshotWriterRecordsEachSnapshotSoThatOneMissingOrReplacedByAnOlderStopsRecovery() throws Exception {
        WriteAheadLog log = open(1, 2048);
        log.append(work.next(100));
        log.sync().get(10, TimeUnit.SECONDS);
        try (SnapshotWriter snapshots = new SnapshotWriter(directory, ChannelOpener.DEFAULT, Runnable::run)) {
            snapshots.write(SnapshotContent.take(work.reference(), 100, 1)).get(10, TimeUnit.SECONDS);
            Path older = root.resolve("older.snap");
            Files.copy(DataFiles.snapshot(directory.path(), 100), older);
            log.append(work.next(50));
            log.sync().get(10, TimeUnit.SECONDS);
            snapshots.write(SnapshotContent.take(work.reference(), 150, 1)).get(10, TimeUnit.SECONDS);
            log.close().get(10, TimeUnit.SECONDS);
            assertThat(Recovery.recover(directory).lastIndex()).isEqualTo(150);
            Path newest = DataFiles.snapshot(directory.path(), 150);
            Files.delete(newest);
            Files.move(older, DataFiles.snapshot(directory.path(), 100)); // an older copy put back instead

            assertThatThrownBy(() -> Recovery.recover(directory))
                    .isInstanceOf(DamagedFileException.class)
                    .hasMessage(newest + ": expected the snapshot of entry 150 of epoch 1, which node.meta records as "
                            + "the newest made durable here, found only snapshot-0000000000000000100.snap, of entry 100 "
                            + "of epoch 1. It was deleted or moved away, and the state it holds is not in the log: put it "
                            + "back, or start this node from its peer's data directory (move this one away)");
        }
        assertThat(NodeMeta.read(directory.path()).snapshot()).contains(new NodeMeta.Snapshot(150, 1));
    }

    @Test
    void anUnknownFormatVersionStopsRecovery() throws Exception {
        Path segment = logged(5);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(FilePrefix.LOG.bytes(2), 0);
        }

        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessage(segment + " at offset 8: expected format version 1, found 2. The file was written by another "
                        + "version of tuplespace: run that version, or move this node's directory away to start it from "
                        + "its peer's data");
    }

    @Test
    void aSnapshotOfAnUnknownVersionOrNotWholeStopsRecovery() throws Exception {
        work.next(50);
        Path snapshot = SnapshotFile.write(directory.path(), SnapshotContent.take(work.reference(), 50, 1),
                ChannelOpener.DEFAULT).file();
        Path copy = root.resolve("copy.snap");
        Files.copy(snapshot, copy);
        try (FileChannel channel = FileChannel.open(snapshot, StandardOpenOption.WRITE)) {
            channel.write(FilePrefix.SNAPSHOT.bytes(3), 0);
        }
        assertThatThrownBy(() -> Recovery.recover(directory)).hasMessageContaining("expected format version 1, found 3");

        Files.copy(copy, snapshot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        truncate(snapshot, Files.size(snapshot) - 1);
        assertThatThrownBy(() -> Recovery.recover(directory))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageContaining(snapshot + " at offset ")
                .hasMessageContaining(": expected the END record, found ")
                .hasMessageContaining("A snapshot is renamed into place only once whole");
    }

    @Test
    void aStartThatStopsOnItsSnapshotLeavesTheLogsTornTailAsItFoundIt() throws Exception {
        WriteAheadLog log = open(1, LogOptions.DEFAULT_MAX_SEGMENT_BYTES);
        log.append(work.next(50));
        log.sync().get(10, TimeUnit.SECONDS);
        Path snapshot = SnapshotFile.write(directory.path(), SnapshotContent.take(work.reference(), 50, 1),
                ChannelOpener.DEFAULT).file();
        log.append(work.next(3000)); // more than the log's decoding thread runs ahead of the snapshot's loading
        log.close().get(10, TimeUnit.SECONDS);
        Path segment = DataFiles.segment(directory.path(), 1);
        long torn = Files.size(segment) - 3;
        truncate(segment, torn);
        flipByte(snapshot, Files.size(snapshot) / 2);

        assertThatThrownBy(() -> Recovery.recover(directory)).isInstanceOf(DamagedFileException.class)
                .hasMessageContaining(snapshot.toString());
        assertThat(Files.size(segment)).as("the torn tail is truncated only by a start that succeeds").isEqualTo(torn);

        flipByte(snapshot, Files.size(snapshot) / 2); // mended
        Recovered recovered = Recovery.recover(directory);
        assertThat(recovered.lastIndex()).isEqualTo(3049);
        assertThat(recovered.warnings()).singleElement().asString().contains("is torn");
        assertThat(Files.size(segment)).isLessThan(torn);
    }

    @Test
    void leftoversOfACrashWhileWritingAreDeleted() throws Exception {
        logged(5);
        Path halfWritten = DataFiles.temporary(DataFiles.snapshot(directory.path(), 5));
        Files.write(halfWritten, new byte[] {1, 2, 3});

        assertThat(Recovery.recover(directory).lastIndex()).isEqualTo(5);
        assertThat(halfWritten).doesNotExist();
    }

    /** Where each record of {@code segment} starts. */
    static List<Long> recordOffsets(Path segment) throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(segment, channel, FilePrefix.LENGTH);
            for (Optional<ByteBuffer> record = reader.next(); record.isPresent(); record = reader.next()) {
                offsets.add(reader.recordOffset());
            }
        }
        return offsets;
    }

    /** Where the records of a segment end, before any space reserved after them. */
    private static long recordsEnd(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(segment, channel, FilePrefix.LENGTH, true);
            while (reader.next().isPresent()) {
                assertThat(reader.tornTail()).isEmpty();
            }
            assertThat(reader.tornTail()).isEmpty();
            return reader.validEnd();
        }
    }

    /** Changes the payload of the record at {@code offset} and seals it again: its checksum matches the change. */
    static void rewriteRecord(Path file, long offset, Consumer<ByteBuffer> change) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(RecordFraming.HEADER_BYTES);
            channel.read(header, offset);
            ByteBuffer payload = ByteBuffer.allocate(header.getInt(0));
            channel.read(payload, offset + RecordFraming.HEADER_BYTES);
            change.accept(payload);
            header.putInt(8, RecordFraming.crc(payload.clear()));
            channel.write(header.clear(), offset);
            channel.write(payload.clear(), offset + RecordFraming.HEADER_BYTES);
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
            channel.write(one, offset);
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** A copy of {@code root/node-a} under {@code root/name/node-a}, without its lock; returns {@code root/name}. */
    private Path copyOfDirectory(String name) throws IOException {
        Path copy = root.resolve(name).resolve("node-a");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(directory.path())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.getFileName().toString().equals("lock")) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
        }
        return copy.getParent();
    }
}
