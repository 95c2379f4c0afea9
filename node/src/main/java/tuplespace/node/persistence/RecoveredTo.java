package tuplespace.node.persistence;

/**
 * The last entry a primary's state was recovered to from its data directory when it started: its index (-1: the
 * primary did not start from one), its epoch and that epoch's primary (0: unknown). A backup that took such a start's
 * state keeps it with its copy, in memory and in its own directory's metadata with the snapshot of that state: the same
 * start run again may then replace the copy (docs/design.md "Failover", the restart rule).
 */
public record RecoveredTo(long index, long epoch, long server) {

    /** No start from a data directory. */
    public static final RecoveredTo NONE = new RecoveredTo(-1, 0, 0);

    /** True for a start from a data directory. */
    public boolean isKnown() {
        return index >= 0;
    }

    /**
     * At least as far as {@code other} along the same epoch of the same primary, which both name: an epoch number alone
     * names one primary only within one proxy's memory.
     */
    public boolean reaches(RecoveredTo other) {
        return other.isKnown() && other.server != 0 && index >= other.index && epoch == other.epoch
                && server == other.server;
    }

    @Override
    public String toString() {
        return isKnown() ? "entry " + index + " of epoch " + epoch + " of server " + Long.toHexString(server) : "none";
    }
}
