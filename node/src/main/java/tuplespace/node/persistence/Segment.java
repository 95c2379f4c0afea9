package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log segment being written, {@code wal-<firstIndex>.log}, owned by the log's writer thread. Besides the file it
 * keeps every record written to it in memory (its <em>image</em>), because after a failed write or force the file is
 * never trusted again: {@link #rewrite()} puts the image into a fresh file, which replaces the failed one whole.
 * Creating a segment is the same step with an empty image, so a segment file never exists without its whole prefix.
 *
 * <p>With {@code --fsync always} a segment reserves its space ahead of the records, {@link #RESERVE_BYTES} at a time,
 * by writing zeros past them: a record then overwrites bytes the file already has, and the force after it writes the
 * data only (once a reserve, the force also commits the reserve's size). A force after an append that grows the file
 * must also commit the new size to the file system's journal, which made each force about a third slower here (ext4
 * on a virtual disk: 170 against 125 us for a 4 KiB write; reserving with {@code fallocate} saves nothing, as the
 * first write to such space changes metadata too). Recovery reads the zeros after the last record as the end of the
 * log ({@link RecordReader}); {@link #close()} cuts them off.
 */
final class Segment {

    /** How much space a reserving segment adds at a time: a force in so many bytes of records commits a new size. */
    static final int RESERVE_BYTES = 1 << 20;
    private static final int ZEROS_PER_WRITE = 64 << 10;
    private static final Logger LOG = LoggerFactory.getLogger(Segment.class);

    private final Path file;
    private final long firstIndex;
    private final ChannelOpener opener;
    private final boolean reserves;
    private final List<byte[]> image = new ArrayList<>();
    private long imageBytes;
    private long lastIndex;
    /** Null while the file is not trusted: after a failure, until a rewrite succeeds. */
    private FileChannel channel;
    /** A distrusted file not closed yet ({@link #distrustLeavingOpen}); {@link #closeDistrusted} closes it. */
    private FileChannel unclosed;
    /** The file's size while trusted: {@link #recordsEnd()} and the zeros reserved after it. */
    private long fileBytes;
    /** No reserving before the records reach this size: the last try failed (a nearly full disk), or the file did. */
    private long reserveAgainAt;

    private Segment(Path directory, long firstIndex, LogOptions options) {
        this.file = DataFiles.segment(directory, firstIndex);
        this.firstIndex = firstIndex;
        this.opener = options.opener();
        this.reserves = options.fsync() == FsyncMode.ALWAYS;
        this.lastIndex = firstIndex - 1;
    }

    /** A new, untrusted (not yet created) segment for entries from {@code firstIndex}: {@link #rewrite()} creates it. */
    static Segment starting(Path directory, long firstIndex, LogOptions options) {
        return new Segment(directory, firstIndex, options);
    }

    Path file() {
        return file;
    }

    long firstIndex() {
        return firstIndex;
    }

    /** The last entry in the segment (in memory; on disk once {@link #trusted()}); {@code firstIndex - 1} when none. */
    long lastIndex() {
        return lastIndex;
    }

    boolean isEmpty() {
        return lastIndex < firstIndex;
    }

    /** Where its records end: the prefix and every record kept, on disk or to be once rewritten. */
    long recordsEnd() {
        return FilePrefix.LENGTH + imageBytes;
    }

    boolean trusted() {
        return channel != null;
    }

    /** Takes {@code records} (whole framed records, the last of them entry {@code last}) into the image only. */
    void keep(byte[] records, long last) {
        image.add(records);
        imageBytes += records.length;
        lastIndex = last;
    }

    /** Keeps {@code records} and writes them to the (trusted) file. On failure they stay kept; distrust the file. */
    void write(byte[] records, long last) throws IOException {
        long end = recordsEnd() + records.length;
        if (reserves && end > fileBytes && end >= reserveAgainAt) {
            reserve(end);
        }
        keep(records, last);
        DataFiles.writeFully(channel, ByteBuffer.wrap(records));
        fileBytes = Math.max(fileBytes, end);
    }

    /**
     * Writes zeros from the file's end to {@link #RESERVE_BYTES} past {@code end}, the records' end after the write to
     * come. Not forced here: the next force makes them durable with the records. The space is only ever a saving: when
     * it cannot be had (a nearly full disk), the zeros written are cut off again, so that they do not take the space
     * the records need, the records are written all the same, growing the file, and reserving is tried again a
     * reserve later.
     */
    private void reserve(long end) {
        long target = end + RESERVE_BYTES;
        long at = fileBytes;
        ByteBuffer zeros = ByteBuffer.allocate(ZEROS_PER_WRITE);
        try {
            while (at < target) {
                zeros.clear().limit((int) Math.min(ZEROS_PER_WRITE, target - at));
                while (zeros.hasRemaining()) {
                    at += channel.write(zeros, at);
                }
            }
            fileBytes = target;
        } catch (IOException e) {
            notReserving(end);
            LOG.info("{}: could not reserve {} bytes ahead of the records ({}); writing without a reserve for the next "
                    + "{} bytes of records", file, RESERVE_BYTES, e.toString(), RESERVE_BYTES);
            try {
                channel.truncate(fileBytes);
            } catch (IOException notCut) {
                fileBytes = Math.max(fileBytes, at); // some zeros stay; the records overwrite them
            }
        }
    }

    /** No reserve until the records pass {@code end} by a reserve's worth. */
    private void notReserving(long end) {
        reserveAgainAt = Math.max(reserveAgainAt, end + RESERVE_BYTES);
    }

    void force() throws IOException {
        channel.force(false); // data and the size: fdatasync
    }

    /** The open file while trusted, else null: to force it without holding the log's lock. */
    FileChannel channel() {
        return channel;
    }

    /** Never reads or writes the file again (it may be closed already); a {@link #rewrite()} replaces it. */
    void distrust() {
        distrustLeavingOpen();
        closeDistrusted();
    }

    /**
     * {@link #distrust()}, leaving the file open for {@link #closeDistrusted()}: closing a channel waits for a force
     * another thread runs on it, and the thread that calls this must not wait for a disk.
     */
    void distrustLeavingOpen() {
        // the disk may refuse space only when forced (thin provisioning, NFS): a reserve must not fail every rewrite
        notReserving(recordsEnd());
        stopUsing();
    }

    /** Moves the file, if any, to {@code unclosed}: it is not read or written again. */
    private void stopUsing() {
        if (channel != null) {
            closeDistrusted();
            unclosed = channel;
            channel = null;
        }
    }

    /** Closes the file {@link #distrustLeavingOpen} left open, if any: call it when no force runs on it. */
    void closeDistrusted() {
        if (unclosed != null) {
            closeQuietly(unclosed); // it is not trusted: nothing more to learn from it
            unclosed = null;
        }
    }

    /**
     * Writes the prefix and the whole image into a fresh temporary file, forces it and renames it over the segment's
     * name (then forces the directory): afterwards the segment is trusted and durable up to {@link #lastIndex()}. On
     * failure the temporary file is deleted and the segment stays untrusted.
     */
    void rewrite() throws IOException {
        stopUsing(); // not a failure of the file, as a rewrite replaces it whole
        closeDistrusted();
        Path temporary = DataFiles.temporary(file);
        FileChannel fresh = opener.open(temporary, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
        try {
            DataFiles.writeFully(fresh, FilePrefix.LOG.bytes());
            for (byte[] records : image) {
                DataFiles.writeFully(fresh, ByteBuffer.wrap(records));
            }
            fresh.force(false);
            DataFiles.renameIntoPlace(temporary, file);
            fileBytes = recordsEnd();
        } catch (IOException | RuntimeException e) {
            closeQuietly(fresh);
            DataFiles.deleteQuietly(temporary);
            throw e;
        }
        channel = fresh; // still the same file after the rename
    }

    /**
     * Cuts off the space reserved after the records, forces and closes a trusted segment that is full: its entries are
     * durable, its image can go, and only the last segment of a log ever ends in zeros.
     */
    void close() throws IOException {
        if (fileBytes > recordsEnd()) {
            channel.truncate(recordsEnd());
            channel.force(true); // the new size too
        } else {
            force();
        }
        channel.close();
        channel = null;
        image.clear();
    }

    /** Closes the file without forcing it (the log stops after a failure it could not mend). */
    void abandon() {
        distrust();
        image.clear();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // the failure being reported is the one that matters
        }
    }
}
