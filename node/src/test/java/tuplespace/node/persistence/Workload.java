package tuplespace.node.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import tuplespace.codec.Utf8Text;
import tuplespace.replication.Change;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * Replication entries as a primary makes them (writes, removals, remembered answers, closed connections) over a fixed
 * set of keys, applied as they are made to a reference state that a recovered state must equal.
 */
final class Workload {

    private final Random random;
    private final int keys;
    private final ReplicatedState reference = new ReplicatedState(new TupleSpace());
    private final long[] seqOfConnection = new long[8];
    private long index;
    private long epoch = 1;

    Workload(long seed, int keys) {
        this.random = new Random(seed);
        this.keys = keys;
    }

    /** The next {@code count} entries, applied to the reference state. */
    List<Replicated> next(int count) {
        List<Replicated> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Replicated entry = new Replicated(epoch, ++index, change());
            reference.apply(entry.change());
            entries.add(entry);
        }
        return entries;
    }

    /** Later entries belong to a new primary's epoch. */
    void nextEpoch() {
        epoch++;
    }

    ReplicatedState reference() {
        return reference;
    }

    long lastIndex() {
        return index;
    }

    long epoch() {
        return epoch;
    }

    private Change change() {
        int connection = random.nextInt(seqOfConnection.length);
        long conn = 1000 + connection;
        if (random.nextInt(50) == 0 && seqOfConnection[connection] > 0) {
            seqOfConnection[connection] = 0; // a new client connection takes this slot's place from now on
            return new Change.Closed(conn);
        }
        long seq = ++seqOfConnection[connection];
        long floor = Math.max(0, seq - 1 - random.nextInt(3));
        Effect effect = random.nextInt(5) == 0
                ? new Effect(List.of(key()), List.of())
                : new Effect(List.of(), List.of(new Pair(key(), Tuple.of("v" + random.nextInt(1_000_000), "ж" + seq))));
        return new Change.Applied(conn, seq, floor, effect, Utf8Text.of("ok 0 pairs not added\nend\n"));
    }

    private Tuple key() {
        return Tuple.of("k", Integer.toString(random.nextInt(keys)));
    }
}
