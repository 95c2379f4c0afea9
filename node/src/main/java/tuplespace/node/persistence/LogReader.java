package tuplespace.node.persistence;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicationCodec;
import tuplespace.replication.ReplicationProtocolException;

/**
 * Reads a node directory's log after a snapshot, checking everything a crash cannot explain: segments follow each
 * other without a gap or an overlap, entries in each are consecutive from the index its name gives, epochs never go
 * down, every record's checksums match. The one thing a crash explains, a torn last record of the last segment, ends
 * the log there; {@link #replay} truncates it (with a warning), {@link #peek} just stops there.
 */
final class LogReader {

    /** Where the log ends: its last entry (the snapshot's, when no entry follows it), and a warning if it was torn. */
    record Tail(long lastIndex, long lastEpoch, Optional<String> warning) {
    }

    private final Path directory;
    private final long afterIndex;
    private final long afterEpoch;
    private long expected;
    private long lastIndex;
    private long lastEpoch;

    private LogReader(Path directory, long afterIndex, long afterEpoch) {
        this.directory = directory;
        this.afterIndex = afterIndex;
        this.afterEpoch = afterEpoch;
        this.lastIndex = afterIndex;
        this.lastEpoch = afterEpoch;
    }

    /**
     * Hands every entry after {@code afterIndex} (a snapshot's index, 0 for none) to {@code apply}, in order; truncates a
     * torn tail of the last segment and forces that segment, so what was read is what is on the disk.
     *
     * @throws DamagedFileException for damage before the end, a missing or overlapping segment
     */
    static Tail replay(Path directory, long afterIndex, long afterEpoch, Consumer<Replicated> apply) throws IOException {
        return new LogReader(directory, afterIndex, afterEpoch).read(apply, true);
    }

    /** Where the log after {@code afterIndex} ends, reading only each record's index and epoch; changes nothing. */
    static Tail peek(Path directory, long afterIndex, long afterEpoch) throws IOException {
        return new LogReader(directory, afterIndex, afterEpoch).read(null, false);
    }

    private Tail read(Consumer<Replicated> apply, boolean repair) throws IOException {
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
        for (int i = start; i < segments.size(); i++) {
            DataFiles.Numbered segment = segments.get(i);
            checkFollows(segment);
            warning = readSegment(segment.path(), i == segments.size() - 1, apply, repair);
        }
        return new Tail(lastIndex, lastEpoch, warning);
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

    private Optional<String> readSegment(Path file, boolean last, Consumer<Replicated> apply, boolean repair)
            throws IOException {
        try (FileChannel channel = FileChannel.open(file, repair && last
                ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.READ})) {
            FilePrefix.LOG.check(file, channel);
            RecordReader reader = new RecordReader(file, channel, FilePrefix.LENGTH);
            for (Optional<ByteBuffer> record = reader.next(); record.isPresent(); record = reader.next()) {
                accept(reader, record.get(), apply);
            }
            if (reader.tornTail().isEmpty()) {
                if (repair && last) {
                    channel.force(true); // read from the page cache after a kill -9: make it durable before it counts
                }
                return Optional.empty();
            }
            RecordReader.TornTail torn = reader.tornTail().get();
            if (!last) {
                throw DamagedFileException.at(file, torn.offset(), "expected a whole segment (a later one follows), found "
                        + torn.reason(), "The log is damaged before its end: start this node from its peer's data "
                        + "directory, or restore the segment from a copy");
            }
            String warning = file + ": the last record, at offset " + torn.offset() + ", is torn (" + torn.reason()
                    + "): a crash while writing it. " + (repair ? "Truncated the file to " + torn.offset() + " bytes; "
                    : "") + "the log ends at entry " + lastIndex;
            if (repair) {
                channel.truncate(torn.offset());
                channel.force(true);
            }
            return Optional.of(warning);
        }
    }

    /** Checks one record's entry and hands it on if it is after the snapshot. */
    private void accept(RecordReader reader, ByteBuffer payload, Consumer<Replicated> apply) throws IOException {
        long epoch;
        long index;
        Replicated entry = null;
        if (apply == null) {
            if (payload.remaining() < 17) {
                throw reader.damageInRecord("expected a log entry of at least 17 bytes, found " + payload.remaining());
            }
            epoch = payload.getLong(payload.position());
            index = payload.getLong(payload.position() + 8);
        } else {
            try {
                entry = ReplicationCodec.decodeEntry(Unpooled.wrappedBuffer(payload));
            } catch (ReplicationProtocolException e) {
                throw reader.damageInRecord("expected a log entry, found: " + e.getMessage());
            }
            epoch = entry.epoch();
            index = entry.index();
        }
        if (index != expected) {
            throw reader.damageInRecord("expected entry " + expected + ", found entry " + index);
        }
        expected++;
        if (index <= afterIndex) {
            return; // in the snapshot already
        }
        if (epoch < lastEpoch) {
            throw reader.damageInRecord("expected entry " + index + " of epoch " + lastEpoch + " or later, found epoch " + epoch);
        }
        if (entry != null) {
            apply.accept(entry);
        }
        lastIndex = index;
        lastEpoch = epoch;
    }

    private DamagedFileException missing(Path found, long from, long foundFirst) {
        return DamagedFileException.of(found, "expected the log to go on with entry " + from + " (in "
                + DataFiles.segment(directory, from).getFileName() + " or a segment before it), found the next segment "
                + "starting at entry " + foundFirst, "A segment is missing: restore it from a copy, or start this node "
                + "from its peer's data directory");
    }
}
