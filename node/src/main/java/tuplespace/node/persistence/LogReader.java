package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.replication.ReplicationProtocolException;

/**
 * Reads a node directory's log after a snapshot, checking everything a crash cannot explain: segments follow each
 * other without a gap or an overlap, entries in each are consecutive from the index its name gives, epochs never go
 * down, every record's checksums match. What a crash explains ends the log, with a warning: a torn last record of the
 * last segment ({@link #read}'s repair truncates it, {@link #peek} just stops there), and a log whose entries after the
 * snapshot are of an older epoch than the snapshot (see {@link #superseded}).
 */
final class LogReader {

    private static final Logger LOG = LoggerFactory.getLogger(LogReader.class);

    /** Where the log ends: its last entry (the snapshot's, when no entry follows it), and a warning if it was torn. */
    record Tail(long lastIndex, long lastEpoch, Optional<String> warning) {
    }

    /** A change to the directory that makes what was read the log on disk (a truncation, a force, a deletion). */
    @FunctionalInterface
    interface Repair {
        void run() throws IOException;
    }

    /**
     * A log read whole, and what must change on disk for it to be the log from now on, not done yet: {@link #repair()}
     * does it. The warning says what the repairs do.
     */
    record Replay(Tail tail, List<Repair> repairs) {

        Replay {
            repairs = List.copyOf(repairs);
        }

        /** Makes the changes, in order; returns the tail. */
        Tail repair() throws IOException {
            for (Repair repair : repairs) {
                repair.run();
            }
            return tail;
        }
    }

    private final Path directory;
    private final long afterIndex;
    private final long afterEpoch;
    private long expected;
    private long lastIndex;
    private long lastEpoch;
    /** The epoch of the first entry after the snapshot when it is older than the snapshot's; -1 while not. */
    private long supersededEpoch = -1;
    private final List<Repair> repairs = new ArrayList<>();

    private LogReader(Path directory, long afterIndex, long afterEpoch) {
        this.directory = directory;
        this.afterIndex = afterIndex;
        this.afterEpoch = afterEpoch;
        this.lastIndex = afterIndex;
        this.lastEpoch = afterEpoch;
    }

    /**
     * Hands every entry after {@code afterIndex} (a snapshot's index, 0 for none) to {@code apply}, in order, as its
     * record's payload (valid only during the call; decoding it is {@code apply}'s, with
     * {@link tuplespace.replication.ReplicationCodec#decodeEntry}). Entries up to {@code afterIndex}, and those of a
     * superseded log, are checked by their epoch and index only, as {@link #peek} checks every entry. A payload that
     * {@code apply} refuses with a {@link ReplicationProtocolException} is damage in that record. Changes nothing on
     * disk: the returned {@link Replay#repair()} truncates the torn tail and forces the last segment, so that what
     * was read is what is on the disk, or deletes a superseded log. A caller that must first check something else
     * (the snapshot the log follows) repairs only once that is whole.
     *
     * @throws DamagedFileException for damage before the end, a missing or overlapping segment
     */
    static Replay read(Path directory, long afterIndex, long afterEpoch, Consumer<ByteBuffer> apply)
            throws IOException {
        LogReader reader = new LogReader(directory, afterIndex, afterEpoch);
        Tail tail = reader.read(apply, true);
        return new Replay(tail, reader.repairs);
    }

    /** Where the log after {@code afterIndex} ends, reading only each record's index and epoch; changes nothing. */
    static Tail peek(Path directory, long afterIndex, long afterEpoch) throws IOException {
        return new LogReader(directory, afterIndex, afterEpoch).read(null, false);
    }

    /** {@code repair}: the tail and warning as replayed, the changes that takes noted in {@link #repairs}. */
    private Tail read(Consumer<ByteBuffer> apply, boolean repair) throws IOException {
        List<DataFiles.Numbered> segments = DataFiles.segments(directory);
        int start = -1;
        for (int i = 0; i < segments.size() && segments.get(i).index() <= afterIndex + 1; i++) {
            start = i; // the last segment that holds entry afterIndex + 1 or an earlier one
        }
        if (start < 0) {
            if (!segments.isEmpty()) {
                throw missing(segments.get(0).path(), afterIndex + 1, segments.get(0).index());
            }
            return new Tail(afterIndex, afterEpoch, Optional.empty());
        }
        expected = segments.get(start).index();
        Optional<String> warning = Optional.empty();
        for (int i = start; i < segments.size() && supersededEpoch < 0; i++) {
            DataFiles.Numbered segment = segments.get(i);
            checkFollows(segment);
            warning = readSegment(segment.path(), i == segments.size() - 1, apply, repair);
        }
        if (supersededEpoch >= 0) {
            return superseded(segments.subList(start, segments.size()), repair);
        }
        return new Tail(lastIndex, lastEpoch, warning);
    }

    /**
     * The log after the snapshot belongs to an older epoch than the snapshot: a backup took a newer primary's whole state
     * into this snapshot and was about to drop its own log ({@link WriteAheadLog#restartAt}) when it stopped. Those
     * entries were never part of the state the snapshot holds (and never acknowledged: the new primary did not have
     * them), so the log ends at the snapshot; {@link #read}'s repair deletes the segments, which hold nothing else it
     * needs.
     */
    private Tail superseded(List<DataFiles.Numbered> segments, boolean repair) throws IOException {
        String names = segments.stream().map(segment -> segment.path().getFileName().toString())
                .collect(Collectors.joining(", "));
        if (repair) {
            repairs.add(() -> {
                for (DataFiles.Numbered segment : segments) {
                    Files.delete(segment.path());
                }
                DataFiles.forceDirectory(directory);
            });
        }
        return new Tail(afterIndex, afterEpoch, Optional.of(directory + ": entry " + (afterIndex + 1) + " in " + names
                + " is of epoch " + supersededEpoch + ", older than the snapshot's " + afterEpoch + ": a history the "
                + "snapshot superseded (a resync from a newer primary that stopped before its old log was dropped). "
                + (repair ? "Deleted " + names + "; " : "") + "the log ends at the snapshot, entry " + afterIndex));
    }

    /** A segment starts where the one before ended (or, past a gap the snapshot covers, right after the snapshot). */
    private void checkFollows(DataFiles.Numbered segment) throws DamagedFileException {
        if (segment.index() < expected) {
            throw DamagedFileException.of(segment.path(), "expected a segment starting at entry " + expected + ", found "
                    + "one starting at " + segment.index() + ", overlapping the segment before", "Two logs are mixed "
                    + "in this directory: start this node from its peer's data directory");
        }
        if (segment.index() > Math.max(expected, afterIndex + 1)) {
            throw missing(segment.path(), Math.max(expected, afterIndex + 1), segment.index());
        }
        expected = segment.index();
    }

    private Optional<String> readSegment(Path file, boolean last, Consumer<ByteBuffer> apply, boolean repair)
            throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FilePrefix.LOG.check(file, channel);
            // only the last segment may end in space reserved ahead: a full one is cut to its records when closed
            RecordReader reader = new RecordReader(file, channel, FilePrefix.LENGTH, last);
            for (Optional<ByteBuffer> record = reader.next(); record.isPresent(); record = reader.next()) {
                if (!accept(reader, record.get(), apply)) {
                    return Optional.empty(); // superseded: nothing more in this log is read
                }
            }
            if (reader.tornTail().isEmpty()) {
                if (repair && last) {
                    // read from the page cache after a kill -9: make it durable before it counts; and the log's next
                    // segment follows this one's records, so the space reserved after them goes
                    long end = reader.validEnd();
                    long zeros = channel.size() - end;
                    repairs.add(() -> {
                        truncateAndForce(file, zeros > 0 ? end : -1);
                        if (zeros > 0) {
                            LOG.info("{}: cut the {} bytes of zeros after its last record, at offset {} (the space a"
                                    + " log reserves ahead of its records with --fsync always; else appends a power cut"
                                    + " kept from the disk)", file, zeros, end);
                        }
                    });
                }
                return Optional.empty();
            }
            RecordReader.TornTail torn = reader.tornTail().get();
            if (!last) {
                throw DamagedFileException.at(file, torn.offset(), "expected a whole segment (a later one follows), found "
                        + torn.reason(), "The log is damaged before its end: start this node from its peer's data "
                        + "directory, or restore the segment from a copy");
            }
            long dropped = Math.max(0, reader.writtenEnd() - torn.offset());
            String warning = file + ": the record at offset " + torn.offset() + " is torn (" + torn.reason()
                    + "): a crash while writing it. " + (repair ? "Truncated the file to " + torn.offset() + " bytes ("
                    + dropped + " bytes written from there dropped); " : "") + "the log ends at entry " + lastIndex;
            if (repair) {
                repairs.add(() -> truncateAndForce(file, torn.offset()));
            }
            return Optional.of(warning);
        }
    }

    /** Truncates {@code file} to {@code length} bytes (none when negative) and forces it. */
    private static void truncateAndForce(Path file, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (length >= 0) {
                channel.truncate(length);
            }
            channel.force(true);
        }
    }

    /**
     * Checks one record's entry by its epoch and index (its first 16 bytes) and hands it on if it is after the
     * snapshot; false when the log is superseded there.
     */
    private boolean accept(RecordReader reader, ByteBuffer payload, Consumer<ByteBuffer> apply) throws IOException {
        if (payload.remaining() < 17) {
            throw reader.damageInRecord("expected a log entry of at least 17 bytes, found " + payload.remaining());
        }
        long epoch = payload.getLong(payload.position());
        long index = payload.getLong(payload.position() + 8);
        if (epoch < 1) {
            throw reader.damageInRecord("expected an entry of epoch 1 or later, found epoch " + epoch);
        }
        if (index != expected) {
            throw reader.damageInRecord("expected entry " + expected + ", found entry " + index);
        }
        expected++;
        if (index <= afterIndex) {
            return true; // in the snapshot already
        }
        if (index == afterIndex + 1 && epoch < afterEpoch) {
            supersededEpoch = epoch;
            return false;
        }
        if (epoch < lastEpoch) {
            throw reader.damageInRecord("expected entry " + index + " of epoch " + lastEpoch + " or later, found epoch " + epoch);
        }
        if (apply != null) {
            try {
                apply.accept(payload);
            } catch (ReplicationProtocolException e) {
                throw reader.damageInRecord("expected a log entry, found: " + e.getMessage());
            }
        }
        lastIndex = index;
        lastEpoch = epoch;
        return true;
    }

    /**
     * Refuses a log of {@code directory} that ends at {@code tail} before the entry {@code node.meta} records as forced
     * ({@code logged}): segments from that entry's on were deleted or cut short (by hand, or by a disk that lost forced
     * data), which the segments left cannot show (each still follows the one before). A newer epoch at the tail
     * supersedes the entry (a resync).
     *
     * @throws DamagedFileException naming the segment that held the entry
     */
    static void requireReaches(Path directory, Optional<NodeMeta.Logged> logged, Tail tail)
            throws DamagedFileException {
        if (logged.isPresent() && !logged.get().reachedBy(tail.lastIndex(), tail.lastEpoch())) {
            NodeMeta.Logged entry = logged.get();
            throw DamagedFileException.of(DataFiles.segment(directory, entry.index()), "expected the log to hold "
                    + entry + ", which " + NodeMeta.FILE_NAME + " records as forced to disk (logged=" + entry.index()
                    + " " + entry.epoch() + "), found it ending at entry " + tail.lastIndex() + " of epoch "
                    + tail.lastEpoch(), "Segments were deleted or cut short, by hand or by a disk that lost forced"
                    + " data: restore this one and any after it from a copy, or start this node from its peer's data"
                    + " directory");
        }
    }

    private DamagedFileException missing(Path found, long from, long foundFirst) {
        return DamagedFileException.of(found, "expected the log to go on with entry " + from + " (in "
                + DataFiles.segment(directory, from).getFileName() + " or a segment before it), found the next segment "
                + "starting at entry " + foundFirst, "A segment is missing: restore it from a copy, or start this node "
                + "from its peer's data directory");
    }
}
