package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the records of one file ({@link RecordFraming}) in order, through a large buffer, and tells a torn tail from
 * damage. A torn tail is what a crash while appending leaves at the end of what was written: a header or a payload
 * cut short, zeros where a record was being written, or a last record whose checksum does not match; {@link #next()}
 * then returns empty and {@link #tornTail()} says where and why. Anything wrong <em>before</em> the end is damage and
 * throws {@link DamagedFileException}: more records follow, so a crash cannot explain it. Whether a torn tail is
 * acceptable is the caller's decision (in the last log segment it is; in a snapshot, renamed into place whole, never).
 *
 * <p>What was written ends at the file's last non-zero byte: a file system may make an append's new size durable
 * before its data (ext4 with {@code data=writeback}, XFS), so a crash can leave zeros after the last whole record, or a
 * record whose later part reads as zeros. A record that reaches into the zeros at the end with a header or a checksum
 * that does not match is torn, not damage.
 *
 * <p>The last segment of a log, the one being written when the node stopped ({@linkplain #RecordReader(Path,
 * FileChannel, long, boolean) told to the reader}), needs two more rules, because with {@code --fsync always} its
 * records overwrite zeros it reserved ahead of them ({@link Segment}), and the file's size then holds nothing back:
 * <ul>
 * <li>Zeros from the end of a whole record on are that reserved space: the records end there, and nothing is torn.
 * <li>A power cut during a force may leave any of the sectors the last writes changed as they were, so a record whose
 * checksum fails may have records after it. It is torn, not damage, when one of its 512-byte sectors reads as zeros
 * from the record's start or the sector's to the sector's end, at least 4 bytes of them (a sector the crash kept from
 * the disk: its old bytes were the reserve's zeros), as etcd's log reader judges a torn write; or when only the first 1
 * to 3 bytes of its header are in such a sector, read as zeros, and some non-zero bytes in their place make the header
 * check. No force can have completed since, so nothing after it was forced. A record's own bytes never hold the
 * first kind of run: a header that checks holds non-zero checks, a header whose first 4 bytes are zeros says length
 * 0, which no record has, and an entry's fields are never zeros that long (tuples are alphanumeric; answers spell
 * control characters out). For the second kind, the length check is the guard.
 * </ul>
 */
final class RecordReader {

    /** Where a torn tail starts (the file's valid part ends there) and what it looks like. */
    record TornTail(long offset, String reason) {
    }

    /**
     * The buffer of a reader that reads on past its first window: two of a snapshot's records (about 256 KiB each).
     * Larger buffers read no faster: on a cold JVM each new one is fresh memory to fault in and zero (a 4 MiB buffer,
     * and the 4 MiB direct buffer the channel reads through, made the survey of a 13 MB log a fifth slower). A start
     * opens several readers only to read a file's first record (a snapshot's header), so the first fill is smaller.
     */
    private static final int BUFFER_BYTES = 512 << 10;
    private static final int FIRST_BUFFER_BYTES = 64 << 10;
    /** The unit a disk writes whole or not at all: the smallest there is. */
    private static final int SECTOR_BYTES = 512;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    /** Just past the file's last non-zero byte: nothing was written after it. */
    private final long dataEnd;
    /** The last segment of a log: it may end in reserved space, and a crash may leave holes in its last writes. */
    private final boolean last;
    private ByteBuffer buffer = ByteBuffer.allocate(FIRST_BUFFER_BYTES).limit(0);
    /** File offset of {@code buffer}'s index 0; the buffer holds bytes up to its limit. */
    private long bufferStart;
    private long next;
    private long recordOffset = -1;
    private TornTail torn;

    /** Reads {@code file} through {@code channel} (positional reads only) from {@code start}, the end of its prefix. */
    RecordReader(Path file, FileChannel channel, long start) throws IOException {
        this(file, channel, start, false);
    }

    /** The same, for the {@code last} segment of a log when true (see the rules above). */
    RecordReader(Path file, FileChannel channel, long start, boolean last) throws IOException {
        this.file = file;
        this.channel = channel;
        this.size = channel.size();
        this.next = start;
        this.bufferStart = start;
        this.dataEnd = dataEnd(file, channel, start, size);
        this.last = last;
    }

    /**
     * The next record's payload, valid until the next call; empty at the end of the file or at a torn tail.
     *
     * @throws DamagedFileException for damage before the end of the file
     */
    Optional<ByteBuffer> next() throws IOException {
        long remaining = size - next;
        if (torn != null || remaining == 0 || (last && next >= dataEnd)) {
            return Optional.empty();
        }
        if (next >= dataEnd) {
            return torn("zeros where a record was being written");
        }
        if (remaining < RecordFraming.HEADER_BYTES) {
            return torn("a record header cut short (" + remaining + " of " + RecordFraming.HEADER_BYTES + " bytes)");
        }
        int headerAt = at(next, RecordFraming.HEADER_BYTES);
        int length = buffer.getInt(headerAt);
        int lengthCheck = buffer.getInt(headerAt + 4);
        int payloadCrc = buffer.getInt(headerAt + 8);
        if (lengthCheck != RecordFraming.lengthCheck(length)) {
            if (next + RecordFraming.HEADER_BYTES > dataEnd) {
                return torn("a record header cut short by zeros from offset " + dataEnd + " (it was being written)");
            }
            long hole = sectorKeptFromDisk(next, next + RecordFraming.HEADER_BYTES);
            if (hole < 0) {
                hole = lengthTopKeptFromDisk(length, lengthCheck);
            }
            if (hole >= 0) {
                return torn("a record header that does not check, with zeros at offset " + hole
                        + " where a crash kept a sector of it from the disk");
            }
            throw damage("expected a record header whose length check is " + hex(RecordFraming.lengthCheck(length))
                    + ", found length " + length + " with check " + hex(lengthCheck));
        }
        if (length < 1 || length > RecordFraming.MAX_PAYLOAD_BYTES) {
            throw damage("expected a record length from 1 to " + RecordFraming.MAX_PAYLOAD_BYTES + ", found " + length);
        }
        if (length > remaining - RecordFraming.HEADER_BYTES) {
            return torn("a record of " + length + " bytes cut short (" + (remaining - RecordFraming.HEADER_BYTES)
                    + " bytes present)");
        }
        int payloadAt = at(next + RecordFraming.HEADER_BYTES, length);
        ByteBuffer payload = buffer.duplicate().position(payloadAt).limit(payloadAt + length);
        int found = RecordFraming.crc(payload);
        if (found != payloadCrc) {
            if (next + RecordFraming.HEADER_BYTES + length >= dataEnd) {
                return torn("the last record's checksum does not match (it was being written)");
            }
            long hole = sectorKeptFromDisk(next + RecordFraming.HEADER_BYTES, next + RecordFraming.HEADER_BYTES + length);
            if (hole >= 0) {
                return torn("a record whose checksum does not match, with zeros at offset " + hole
                        + " where a crash kept a sector of it from the disk");
            }
            throw damage("expected a record of " + length + " bytes with checksum " + hex(payloadCrc) + ", found checksum "
                    + hex(found) + ", and more records after it (so not a crash while writing)");
        }
        recordOffset = next;
        next += RecordFraming.HEADER_BYTES + length;
        return Optional.of(payload);
    }

    /** Just past the file's last non-zero byte: what was written ends there (zeros may follow). */
    long writtenEnd() {
        return dataEnd;
    }

    /** Where the record {@link #next()} returned last starts. */
    long recordOffset() {
        return recordOffset;
    }

    /** Where the valid records end: the file's size, where a torn tail starts, or where reserved space starts. */
    long validEnd() {
        return next;
    }

    Optional<TornTail> tornTail() {
        return Optional.ofNullable(torn);
    }

    Path file() {
        return file;
    }

    /** Damage at the record {@link #next()} was reading. */
    DamagedFileException damage(String expectedFound) {
        return DamagedFileException.at(file, next, expectedFound, "The file is damaged before its end, so nothing from "
                + "this offset on can be trusted: start this node from its peer's data directory (move this one away), "
                + "or restore the file from a copy");
    }

    /** Damage in the payload of the record {@link #next()} returned last (its checksum matched: a writer's bug). */
    DamagedFileException damageInRecord(String expectedFound) {
        return DamagedFileException.at(file, recordOffset, expectedFound, "The record's checksum matches, so it was "
                + "written this way: keep the directory for a bug report, and start this node from its peer's data");
    }

    private Optional<ByteBuffer> torn(String reason) {
        torn = new TornTail(next, reason);
        return Optional.empty();
    }

    /**
     * In the last segment, where a sector that overlaps {@code [from, to)} of the record at {@code next} reads as zeros
     * from the record's start or the sector's own to the sector's end, at least 4 bytes of them; -1 when there is none,
     * or in any other file. (A sector is read no further than the data's end, where a non-zero byte is.)
     */
    private long sectorKeptFromDisk(long from, long to) throws IOException {
        if (!last) {
            return -1;
        }
        for (long sector = from - from % SECTOR_BYTES; sector < Math.min(to, dataEnd); sector += SECTOR_BYTES) {
            long start = Math.max(sector, next);
            long end = Math.min(sector + SECTOR_BYTES, dataEnd);
            if (end - start >= 4 && allZeros(start, (int) (end - start))) {
                return start;
            }
        }
        return -1;
    }

    /**
     * In the last segment, {@code next} when the record there starts 1 to 3 bytes before a sector's end, those bytes
     * read as zeros (the top bytes of {@code length}), and the header checks with some non-zero top bytes instead, for
     * a length the file has room for: the header was written whole and its first sector kept from the disk. -1
     * otherwise. Zero top bytes are common, so here the length check is the guard: a damaged header passes it for one
     * of the few candidate lengths with a chance of one in 2^32 each.
     */
    private long lengthTopKeptFromDisk(int length, int lengthCheck) {
        int kept = SECTOR_BYTES - (int) (next % SECTOR_BYTES);
        if (!last || kept > 3) {
            return -1;
        }
        int shift = 8 * (4 - kept);
        if (length >>> shift != 0) {
            return -1;
        }
        // the record's later sectors were read, so the file holds all of it: a length past its end is not one
        long longest = Math.min(RecordFraming.MAX_PAYLOAD_BYTES, size - next - RecordFraming.HEADER_BYTES);
        for (long top = 1; (top << shift | length) <= longest; top++) {
            if (RecordFraming.lengthCheck((int) (top << shift | length)) == lengthCheck) {
                return next;
            }
        }
        return -1;
    }

    private boolean allZeros(long offset, int length) throws IOException {
        int from = at(offset, length);
        for (int i = from; i < from + length; i++) {
            if (buffer.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where {@code length} bytes of the file from {@code offset} are in the buffer, read into it if they are not there
     * yet.
     */
    private int at(long offset, int length) throws IOException {
        if (offset < bufferStart || offset + length > bufferStart + buffer.limit()) {
            refill(offset, length);
        }
        return (int) (offset - bufferStart);
    }

    /** Makes the buffer start at {@code offset} and hold at least {@code length} bytes, keeping what it has of them. */
    private void refill(long offset, int length) throws IOException {
        // empty until its first fill, and every fill holds at least one byte: a buffer with bytes is read on from
        boolean grow = length > buffer.capacity() || (buffer.limit() > 0 && buffer.capacity() < BUFFER_BYTES);
        ByteBuffer target = grow ? ByteBuffer.allocate(Math.max(length, BUFFER_BYTES)) : buffer;
        int keep = 0;
        if (offset >= bufferStart && offset < bufferStart + buffer.limit()) {
            int from = (int) (offset - bufferStart);
            keep = buffer.limit() - from;
            System.arraycopy(buffer.array(), from, target.array(), 0, keep);
        }
        target.clear().position(keep);
        long at = offset + keep;
        while (target.hasRemaining() && at < size) {
            int read = channel.read(target, at);
            if (read < 0) {
                break;
            }
            at += read;
        }
        target.flip();
        buffer = target;
        bufferStart = offset;
        if (buffer.limit() < length) {
            throw new IOException(file + " at offset " + offset + ": expected " + length
                    + " more bytes, found the file shorter than when it was opened (is another process writing it?)");
        }
    }

    /** Just past the last non-zero byte of the file after {@code start}; {@code start} when all of it is zeros. */
    private static long dataEnd(Path file, FileChannel channel, long start, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        for (long end = size; end > start; ) {
            long from = Math.max(start, end - chunk.capacity());
            chunk.clear().limit((int) (end - from));
            for (long at = from; chunk.hasRemaining(); ) {
                int read = channel.read(chunk, at);
                if (read < 0) {
                    throw new IOException(file + ": expected " + size + " bytes, found the file shorter (is another "
                            + "process writing it?)");
                }
                at += read;
            }
            for (int i = chunk.limit() - 1; i >= 0; i--) {
                if (chunk.get(i) != 0) {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return start;
    }

    private static String hex(int value) {
        return String.format("%08x", value);
    }
}
