package tuplespace.node.persistence;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import tuplespace.replication.AnswerTable;
import tuplespace.replication.ReplicationCodec;
import tuplespace.replication.ReplicationProtocolException;
import tuplespace.space.SpaceLoader;
import tuplespace.space.StoredPairCursor;
import tuplespace.space.TupleSpace;

/**
 * A snapshot file, {@code snapshot-<index>.snap}: the prefix ({@link FilePrefix#SNAPSHOT}), then framed records
 * ({@link RecordFraming}), each payload starting with its type:
 *
 * <pre>
 *   HEADER   1, long index, long epoch, long digest, long pairs, int answers
 *   ANSWERS  2, answer-table entries as the replication link sends them, up to the record's end   (0 or more)
 *   PAIRS    3, int count, count x (int keyLength, key UTF-8, int valueLength, value UTF-8)        (0 or more)
 *   END      4, long pairs, long answers
 * </pre>
 *
 * Pairs come in key order, as the space stores them, so reading needs no parsing and no search ({@link SpaceLoader}).
 * Written whole into a temporary file, forced, renamed into place, directory forced: a snapshot file is whole or absent.
 * Read back, it must be whole, and the loaded space's digest must equal the one recorded, or it is refused.
 */
public final class SnapshotFile {

    private static final byte HEADER = 1;
    private static final byte ANSWERS = 2;
    private static final byte PAIRS = 3;
    private static final byte END = 4;
    /** About this many bytes of pairs or answers per record: big enough to amortise a header, small enough to buffer. */
    private static final int RECORD_TARGET_BYTES = 256 << 10;
    private static final Comparator<SnapshotInfo> NEWEST_LAST = Comparator.comparingLong(SnapshotInfo::epoch)
            .thenComparingLong(SnapshotInfo::index);

    private SnapshotFile() {
    }

    /** Writes {@code content} into {@code directory} atomically; blocks for the whole write and forces. */
    public static SnapshotInfo write(Path directory, SnapshotContent content, ChannelOpener opener) throws IOException {
        Path file = DataFiles.snapshot(directory, content.index());
        Path temporary = DataFiles.temporary(file);
        try (FileChannel channel = opener.open(temporary, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            RecordOutput out = new RecordOutput(channel);
            out.raw(FilePrefix.SNAPSHOT.bytes());
            writeHeader(out, content);
            writeAnswers(out, content.answers());
            long pairs = writePairs(out, content.space().storedPairs());
            out.begin(END);
            out.buffer(16).putLong(pairs).putLong(content.answers().size());
            out.end();
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            DataFiles.deleteQuietly(temporary);
            throw e;
        }
        DataFiles.renameIntoPlace(temporary, file);
        return new SnapshotInfo(file, content.index(), content.epoch(), content.space().digest(), content.space().size(),
                content.answers().size(), Files.size(file));
    }

    /**
     * Reads {@code file} back into a new space and answer table, checking the digest.
     *
     * @throws DamagedFileException when the file is not whole, of another version, or its digest differs
     */
    public static LoadedSnapshot read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FilePrefix.SNAPSHOT.check(file, channel);
            RecordReader reader = new RecordReader(file, channel, FilePrefix.LENGTH);
            SnapshotInfo info = readHeader(reader, file, channel.size());
            SpaceLoader loader = new SpaceLoader();
            List<AnswerTable.Entry> answers = new ArrayList<>();
            ByteBuffer record = required(reader, "the END record");
            for (byte type = record.get(); type != END; type = record.get()) {
                readRecord(reader, type, record, loader, answers);
                record = required(reader, "the END record");
            }
            checkEnd(reader, record, info, loader.size(), answers.size());
            TupleSpace space = loader.finish();
            if (space.digest() != info.digest()) {
                throw DamagedFileException.of(file, "expected the digest " + info.digest() + " its writer recorded, found "
                        + space.digest() + " after loading its " + space.size() + " pairs", "The checksums matched, so "
                        + "it was written wrong: keep it for a bug report, move it away and start from the previous "
                        + "snapshot and the log if they reach back, or from the peer's data directory");
            }
            return new LoadedSnapshot(info, space, answers);
        }
    }

    /**
     * The snapshot in {@code directory} with the newest state, by (epoch, index) as their headers say. There is one,
     * except after a crash between writing a snapshot and deleting the one before: then the later state wins, even at
     * a lower index (a backup that took a newer primary's whole state).
     */
    public static Optional<SnapshotInfo> newest(Path directory) throws IOException {
        Optional<SnapshotInfo> newest = Optional.empty();
        for (DataFiles.Numbered file : DataFiles.snapshots(directory)) {
            SnapshotInfo info = readInfo(file.path());
            if (info.index() != file.index()) {
                throw DamagedFileException.of(file.path(), "expected a snapshot at entry " + file.index() + " (its name), "
                        + "found one at entry " + info.index(), "The file was renamed by hand: give it back its name, or "
                        + "move it away");
            }
            if (newest.isEmpty() || NEWEST_LAST.compare(info, newest.get()) > 0) {
                newest = Optional.of(info);
            }
        }
        return newest;
    }

    /**
     * The newest snapshot in {@code directory} ({@link #newest(Path)}), which must be at least as new as the one
     * {@code node.meta} records ({@code recorded}): the state of a snapshot deleted or replaced by an older copy is in
     * no log any more.
     *
     * @throws DamagedFileException when none is as new as {@code recorded}
     */
    static Optional<SnapshotInfo> newest(Path directory, Optional<NodeMeta.Snapshot> recorded) throws IOException {
        Optional<SnapshotInfo> newest = newest(directory);
        if (recorded.isPresent() && (newest.isEmpty() || recorded.get().newerThan(newest.get()))) {
            throw DamagedFileException.of(DataFiles.snapshot(directory, recorded.get().index()), "expected the snapshot "
                    + "of " + recorded.get() + ", which " + NodeMeta.FILE_NAME + " records as the newest made durable "
                    + "here, found " + newest.map(older -> "only " + older.file().getFileName() + ", of entry "
                    + older.index() + " of epoch " + older.epoch()).orElse("no snapshot"), "It was deleted or moved "
                    + "away, and the state it holds is not in the log: put it back, or start this node from its peer's "
                    + "data directory (move this one away)");
        }
        return newest;
    }

    /** What the file says about itself (its HEADER record only): for choosing among node directories cheaply. */
    public static SnapshotInfo readInfo(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FilePrefix.SNAPSHOT.check(file, channel);
            return readHeader(new RecordReader(file, channel, FilePrefix.LENGTH), file, channel.size());
        }
    }

    private static void writeHeader(RecordOutput out, SnapshotContent content) throws IOException {
        out.begin(HEADER);
        out.buffer(36).putLong(content.index()).putLong(content.epoch()).putLong(content.space().digest())
                .putLong(content.space().size()).putInt(content.answers().size());
        out.end();
    }

    private static void writeAnswers(RecordOutput out, List<AnswerTable.Entry> answers) throws IOException {
        ByteBuf encoded = Unpooled.buffer();
        for (int i = 0; i < answers.size(); i++) {
            ReplicationCodec.encodeAnswer(answers.get(i), encoded);
            if (encoded.readableBytes() >= RECORD_TARGET_BYTES || i == answers.size() - 1) {
                out.begin(ANSWERS);
                out.buffer(encoded.readableBytes()).put(encoded.nioBuffer());
                out.end();
                encoded.clear();
            }
        }
    }

    private static long writePairs(RecordOutput out, StoredPairCursor cursor) throws IOException {
        long pairs = 0;
        boolean more = cursor.next();
        while (more) {
            out.begin(PAIRS);
            int countAt = out.buffer(4).position();
            out.buffer(4).putInt(0);
            int count = 0;
            for (; more && out.recordBytes() < RECORD_TARGET_BYTES; more = cursor.next()) {
                ByteBuffer buffer = out.buffer(8 + cursor.keyLength() + cursor.valueLength());
                buffer.putInt(cursor.keyLength());
                cursor.putKey(buffer);
                buffer.putInt(cursor.valueLength());
                cursor.putValue(buffer);
                count++;
            }
            out.buffer(0).putInt(countAt, count);
            out.end();
            pairs += count;
        }
        return pairs;
    }

    private static SnapshotInfo readHeader(RecordReader reader, Path file, long size) throws IOException {
        ByteBuffer header = required(reader, "the HEADER record");
        try {
            byte type = header.get();
            if (type != HEADER) {
                throw reader.damageInRecord("expected the HEADER record (type " + HEADER + "), found type " + type);
            }
            return new SnapshotInfo(file, header.getLong(), header.getLong(), header.getLong(), header.getLong(),
                    header.getInt(), size);
        } catch (BufferUnderflowException e) {
            throw reader.damageInRecord("expected a HEADER record of 37 bytes, found " + header.limit() + " bytes");
        }
    }

    /** An ANSWERS or PAIRS record (its type byte already read). */
    private static void readRecord(RecordReader reader, byte type, ByteBuffer record, SpaceLoader loader,
                                   List<AnswerTable.Entry> answers) throws IOException {
        try {
            if (type == ANSWERS) {
                answers.addAll(ReplicationCodec.decodeAnswers(Unpooled.wrappedBuffer(record)));
            } else if (type == PAIRS) {
                readPairs(reader, record, loader);
            } else {
                throw reader.damageInRecord("expected a record of type " + ANSWERS + ", " + PAIRS + " or " + END
                        + ", found type " + type);
            }
        } catch (ReplicationProtocolException e) {
            throw reader.damageInRecord("expected answer-table entries, found: " + e.getMessage());
        }
    }

    private static void readPairs(RecordReader reader, ByteBuffer record, SpaceLoader loader) throws IOException {
        try {
            int count = record.getInt();
            for (int i = 0; i < count; i++) {
                byte[] key = new byte[length(reader, record)];
                record.get(key);
                byte[] value = new byte[length(reader, record)];
                record.get(value);
                loader.add(key, value);
            }
            if (record.hasRemaining()) {
                throw reader.damageInRecord("expected the PAIRS record to end after " + count + " pairs, found "
                        + record.remaining() + " more bytes");
            }
        } catch (BufferUnderflowException e) {
            throw reader.damageInRecord("expected a whole PAIRS record, found one ending within a pair");
        } catch (IllegalArgumentException e) {
            throw reader.damageInRecord(e.getMessage());
        }
    }

    private static int length(RecordReader reader, ByteBuffer record) throws IOException {
        int length = record.getInt();
        if (length < 0 || length > record.remaining()) {
            throw reader.damageInRecord("expected a text of at most " + record.remaining() + " bytes, found a length of "
                    + length);
        }
        return length;
    }

    /** The END record's counts agree with the HEADER's and with what was read, and nothing follows it. */
    private static void checkEnd(RecordReader reader, ByteBuffer end, SnapshotInfo info, long pairs, long answers)
            throws IOException {
        long endPairs;
        long endAnswers;
        try {
            endPairs = end.getLong();
            endAnswers = end.getLong();
        } catch (BufferUnderflowException e) {
            throw reader.damageInRecord("expected an END record of 17 bytes, found " + end.limit() + " bytes");
        }
        if (endPairs != info.pairs() || pairs != info.pairs() || endAnswers != info.answers() || answers != info.answers()) {
            throw DamagedFileException.of(reader.file(), "expected " + info.pairs() + " pairs and " + info.answers()
                    + " answers (its HEADER), found " + pairs + " and " + answers + " (its END record says " + endPairs
                    + " and " + endAnswers + ")", wholeOrAbsent());
        }
        if (reader.next().isPresent() || reader.tornTail().isPresent()) {
            throw DamagedFileException.at(reader.file(), reader.recordOffset(), "expected the file to end after the END "
                    + "record, found more bytes", wholeOrAbsent());
        }
    }

    /** The next record, which must be there: a snapshot is never cut short by a crash (it is renamed in whole). */
    private static ByteBuffer required(RecordReader reader, String what) throws IOException {
        Optional<ByteBuffer> record = reader.next();
        if (record.isPresent()) {
            return record.get();
        }
        String found = reader.tornTail().map(RecordReader.TornTail::reason).orElse("the end of the file");
        throw DamagedFileException.at(reader.file(), reader.validEnd(), "expected " + what + ", found " + found,
                wholeOrAbsent());
    }

    private static String wholeOrAbsent() {
        return "A snapshot is renamed into place only once whole, so this one was damaged afterwards: move it away to "
                + "start from the previous snapshot and the log if they reach back, or from the peer's data directory";
    }
}
