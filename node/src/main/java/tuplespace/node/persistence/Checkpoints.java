package tuplespace.node.persistence;

import java.util.concurrent.CompletableFuture;

/**
 * When to snapshot, and the log cut after it: what keeps a node's disk use bounded. Called on the event loop.
 *
 * <p>A snapshot is due when the log on disk has grown to the size of the newest snapshot (or {@code minLogBytes}, so
 * that a small space with many updates is not snapshotted all the time). Taking one rolls the log (the snapshot's
 * next entry starts a segment), writes the snapshot in the background, and once it is durable deletes the older
 * snapshot and cuts every segment before it. With {@code S = max(snapshot size, minLogBytes)}: between snapshots the
 * directory holds one snapshot and less than {@code S} of log plus one batch, at most {@code 2 S}; while the next
 * snapshot is written, that plus the new snapshot and what is logged meanwhile, about {@code 3 S}. In steady state
 * (a space of stable size, snapshots above {@code minLogBytes}) log + snapshots stay within about 3x the snapshot size.
 */
public final class Checkpoints {

    /** The production floor: below it, replaying the log takes well under a second anyway. */
    public static final long DEFAULT_MIN_LOG_BYTES = 64L << 20;

    private final WriteAheadLog log;
    private final SnapshotWriter snapshots;
    private final long minLogBytes;
    private long snapshotBytes;
    private boolean writing;

    /** {@code snapshotBytes}: the size of the snapshot the node recovered from (0 when none). */
    public Checkpoints(WriteAheadLog log, SnapshotWriter snapshots, long minLogBytes, long snapshotBytes) {
        this.log = log;
        this.snapshots = snapshots;
        this.minLogBytes = minLogBytes;
        this.snapshotBytes = snapshotBytes;
    }

    /**
     * True when the log has outgrown the snapshot and none is being written or waiting for its cut: take one
     * ({@link #snapshot}).
     */
    public boolean due(LogProgress progress) {
        return !writing && progress.logBytes() >= Math.max(snapshotBytes, minLogBytes);
    }

    /**
     * Rolls the log and writes {@code content} in the background; once it is durable, cuts the log before it. The
     * content must be taken now, at the last entry appended ({@link SnapshotContent#take}), so that the roll falls
     * exactly after it. A failed write leaves the log and the older snapshot as they were; the next {@link #due}
     * says to try again.
     *
     * @throws IllegalArgumentException when {@code content} is not at the last entry appended
     */
    public CompletableFuture<SnapshotInfo> snapshot(SnapshotContent content) {
        if (content.index() != log.lastAppended()) {
            throw new IllegalArgumentException("expected a snapshot at the last entry appended, " + log.lastAppended()
                    + ", found one at " + content.index());
        }
        writing = true;
        log.roll();
        // on the loop; the next snapshot may be due only once the log is cut: progress reported before the cut still
        // counts the segments it deletes (found: each snapshot of a growing space was followed by a second one at once)
        return snapshots.write(content)
                .thenCompose(info -> log.cutBefore(info.index() + 1).handle((cut, failure) -> {
                    snapshotBytes = info.bytes();
                    return info;
                }))
                .whenComplete((info, failure) -> writing = false);
    }

    public boolean writing() {
        return writing;
    }
}
