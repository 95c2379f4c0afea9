package tuplespace.space;

import java.util.List;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * What an update changed, pattern-free: the keys removed, then the pairs written (key set to value), in
 * order. This is what replication ships (docs/design.md "What is replicated"): the backup never re-evaluates a pattern,
 * so a time-bounded match cannot make the copies differ. Effects set absolute values, so applying one twice
 * leaves the same state as applying it once.
 */
public record Effect(List<Tuple> removed, List<Pair> written) {

    public static final Effect NONE = new Effect(List.of(), List.of());

    public Effect {
        removed = List.copyOf(removed);
        written = List.copyOf(written);
    }

    public boolean isEmpty() {
        return removed.isEmpty() && written.isEmpty();
    }
}
