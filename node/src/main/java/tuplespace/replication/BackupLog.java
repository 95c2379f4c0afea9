package tuplespace.replication;

/**
 * The backup's view of the replication log: the epoch it follows and the last index it applied. It
 * accepts entries only in order, without gaps, and never from an older epoch than one it has seen.
 */
public final class BackupLog {

    private long epoch;
    private long lastIndex;

    /** Starts following the primary of {@code epoch} whose snapshot begins at {@code index}. */
    public void begin(long epoch, long index) {
        if (epoch < this.epoch) {
            throw new ReplicationInvariantException("stale epoch: a snapshot of epoch " + epoch
                    + " arrived, but epoch " + this.epoch + " was already seen");
        }
        if (index < 0) {
            throw new ReplicationInvariantException("expected a snapshot index >= 0, found " + index);
        }
        this.epoch = epoch;
        this.lastIndex = index;
    }

    /** Checks that {@code entry} is the next one; throws {@link ReplicationInvariantException} if not. */
    public void accept(Replicated entry) {
        if (entry.epoch() < epoch) {
            throw new ReplicationInvariantException("stale epoch: entry " + entry.index() + " of epoch "
                    + entry.epoch() + " arrived, but epoch " + epoch + " was already seen");
        }
        if (entry.index() != lastIndex + 1) {
            throw new ReplicationInvariantException("gap in the replication log: expected index "
                    + (lastIndex + 1) + ", found " + entry.index());
        }
        epoch = entry.epoch();
        lastIndex = entry.index();
    }

    public long epoch() {
        return epoch;
    }

    public long lastIndex() {
        return lastIndex;
    }
}
