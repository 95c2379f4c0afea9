package tuplespace.space;

import java.util.Collection;
import tuplespace.pattern.MatchBudget;
import tuplespace.tuple.Pair;

/**
 * The pairs of a {@link TupleSpace} as they were at one point of its history, taken in O(1) by
 * {@link TupleSpace#snapshot()}, and never changing afterwards however the space changes. Immutable and thread-safe:
 * any thread may read it at any time, while the space's owner thread goes on applying updates. That is what lets a
 * node answer a GET over the whole space on a thread of its own, and stream the space to a backup or a file.
 *
 * <p>A snapshot keeps alive the nodes of the space's tree that were current when it was taken: while it is held,
 * every part of the space written since is held twice (the pairs themselves are shared, never copied). Drop it when
 * done.
 */
public final class SpaceSnapshot {

    private final TreeView pairs;
    private final long digest;

    SpaceSnapshot(TreeView pairs, long digest) {
        this.pairs = pairs;
        this.digest = digest;
    }

    public int size() {
        return pairs.size();
    }

    /** {@link TupleSpace#digest()} as it was when the snapshot was taken. */
    public long digest() {
        return digest;
    }

    /**
     * What GET with these patterns answered at the snapshot's point (the same evaluation as
     * {@link TupleSpace#apply}): the matching pairs in key order, or no pairs and a warning. The budget's clock is the
     * calling thread's.
     */
    public Result.Matched find(String keyexp, String valexp, MatchBudget budget) {
        return Query.of(keyexp, valexp).find(pairs, budget);
    }

    /** Every pair as the space stores it (UTF-8 text forms), in key order: for writing the snapshot to a file fast. */
    public StoredPairCursor storedPairs() {
        return new StoredPairCursor(pairs.cursor());
    }

    /** Every pair, in ascending order of the key's text form; read-only. */
    public Collection<Pair> pairs() {
        return StoredPairs.asCollection(() -> pairs);
    }
}
