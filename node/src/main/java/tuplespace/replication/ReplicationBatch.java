package tuplespace.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * The primary's entries not yet sent to the backup. A batch is full at {@link #MAX_ENTRIES} entries or
 * {@link #MAX_BYTES} encoded bytes, whichever comes first (one entry larger than that goes alone), so a frame on the
 * replication link stays far below {@link ReplicationFrames#MAX_FRAME_BYTES}.
 */
public final class ReplicationBatch {

    /** Entries per frame before an early flush (a burst normally flushes once at its end). */
    public static final int MAX_ENTRIES = 2048;
    /** Encoded bytes per frame before an early flush. */
    public static final long MAX_BYTES = 4L * 1024 * 1024;

    private final List<Replicated> entries = new ArrayList<>();
    private long bytes;

    /** Adds {@code entry}; true when the batch is now full and should be sent. */
    public boolean add(Replicated entry) {
        entries.add(entry);
        bytes += ReplicationCodec.encodedSize(entry);
        return entries.size() >= MAX_ENTRIES || bytes >= MAX_BYTES;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entries so far, in order; the batch is empty afterwards. */
    public List<Replicated> drain() {
        List<Replicated> drained = List.copyOf(entries);
        entries.clear();
        bytes = 0;
        return drained;
    }
}
