package tuplespace.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import tuplespace.space.SpaceSnapshot;
import tuplespace.space.StoredPairCursor;

/**
 * The pairs of a snapshot cut into {@link ReplicationMessage.SnapshotPairs} frames for the replication link, each
 * written straight from the bytes the snapshot's tree stores (the UTF-8 text forms), with its length prefix, ready to
 * be written to the channel as it is: no {@code Pair}, tuple or string per pair on the primary, and frames of about
 * {@link #FRAME_BYTES}, so that a million pairs make a couple of hundred writes, not thousands.
 *
 * <p>The snapshot is frozen (O(1), {@code TupleSpace.snapshot()}): the pairs are the space exactly as of the index
 * the snapshot was taken at, in key order, however the space changes meanwhile. Single-threaded: one thread takes the
 * frames one after another.
 */
public final class SnapshotStream {

    /** About the bytes of one frame: large enough that a frame's overhead is nothing, small enough to make quickly. */
    public static final int FRAME_BYTES = 256 * 1024;
    /** Length prefix, type byte, pair count. */
    private static final int HEADER_BYTES = 4 + 1 + 4;
    /** Each pair's two lengths. */
    private static final int PAIR_OVERHEAD = 4 + 4;

    private final StoredPairCursor cursor;
    private final int frameBytes;
    /** The cursor stands on a pair not written yet. */
    private boolean pending;
    private long pairsWritten;

    public SnapshotStream(SpaceSnapshot snapshot) {
        this(snapshot, FRAME_BYTES);
    }

    /** With another frame size: tests reach many frames with few pairs. */
    SnapshotStream(SpaceSnapshot snapshot, int frameBytes) {
        this.cursor = snapshot.storedPairs();
        this.frameBytes = frameBytes;
        this.pending = cursor.next();
    }

    /** True until every pair of the snapshot has been put into a frame. */
    public boolean hasMore() {
        return pending;
    }

    /** How many pairs the frames made so far hold. */
    public long pairsWritten() {
        return pairsWritten;
    }

    /**
     * The next frame, length prefix included: the pairs that fit in {@link #FRAME_BYTES}, and at least one (a pair
     * larger than that goes alone in a frame of its size; a pair is bounded by a request line, far below the link's
     * frame limit). The caller owns the buffer (writing it to a channel releases it).
     *
     * @throws IllegalStateException when no pair is left ({@link #hasMore()} is false)
     */
    public ByteBuf nextFrame(ByteBufAllocator allocator) {
        if (!pending) {
            throw new IllegalStateException("expected a pair left to send, found the snapshot sent whole");
        }
        int capacity = Math.max(frameBytes, HEADER_BYTES + pairBytes());
        ByteBuf frame = allocator.ioBuffer(capacity, capacity);
        frame.writeInt(0).writeByte(ReplicationCodec.SNAPSHOT_PAIRS).writeInt(0);
        ByteBuffer out = frame.nioBuffer(frame.writerIndex(), capacity - frame.writerIndex());
        int count = 0;
        while (pending && out.remaining() >= pairBytes()) {
            out.putInt(cursor.keyLength());
            cursor.putKey(out);
            out.putInt(cursor.valueLength());
            cursor.putValue(out);
            count++;
            pending = cursor.next();
        }
        frame.writerIndex(frame.writerIndex() + out.position());
        frame.setInt(0, frame.readableBytes() - 4);
        frame.setInt(5, count);
        pairsWritten += count;
        return frame;
    }

    private int pairBytes() {
        return PAIR_OVERHEAD + cursor.keyLength() + cursor.valueLength();
    }
}
