package tuplespace.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.Command;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/** Spaces for benchmarks and measurements, filled through the public API as a client's PUTs would fill them. */
final class SpaceFixtures {

    private static final int BATCH = 10_000;

    private SpaceFixtures() {
    }

    /** {@code size} pairs {@code user,U,I -> v<19 digits>}, {@code itemsPerUser} items per user. */
    static TupleSpace users(int size, int itemsPerUser) {
        return fill(size, i -> Tuple.of("user", Integer.toString(i / itemsPerUser), Integer.toString(i % itemsPerUser)));
    }

    /**
     * {@code size} pairs {@code bench,<i> -> v<19 digits>}: the bench harness's memory figure (TupleSpaceResync) is
     * taken with these keys and one-field, 20-character values.
     */
    static TupleSpace oneField(int size) {
        return fill(size, i -> Tuple.of("bench", Integer.toString(i)));
    }

    private static TupleSpace fill(int size, java.util.function.IntFunction<Tuple> key) {
        TupleSpace space = new TupleSpace();
        List<Optional<Pair>> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < size; i++) {
            batch.add(Optional.of(new Pair(key.apply(i), Tuple.of(String.format("v%019d", i)))));
            if (batch.size() == BATCH || i == size - 1) {
                space.apply(new Command.Put(batch), MatchBudget.unlimited());
                batch.clear();
            }
        }
        return space;
    }
}
