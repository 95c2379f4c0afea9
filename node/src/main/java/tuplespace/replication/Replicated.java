package tuplespace.replication;

import java.util.Objects;

/**
 * One entry of the replication log: the {@code index}-th change decided by the primary of {@code epoch}.
 * Indexes are consecutive across epochs (a new primary continues from the index it had as backup).
 */
public record Replicated(long epoch, long index, Change change) {
    public Replicated {
        Objects.requireNonNull(change, "change");
        checkPosition(epoch, index);
    }

    /** An entry's epoch and index are at least 1. */
    static void checkPosition(long epoch, long index) {
        if (epoch < 1) {
            throw new IllegalArgumentException("expected an epoch >= 1, found " + epoch);
        }
        if (index < 1) {
            throw new IllegalArgumentException("expected an index >= 1, found " + index);
        }
    }
}
