package tuplespace.space;

import java.util.List;
import java.util.Optional;
import tuplespace.tuple.Pair;

/**
 * One operation on the space (docs/protocol.md "The data"), already parsed: what the codec hands to
 * {@link TupleSpace#apply}. Malformed requests never become commands; the codec answers them itself.
 */
public sealed interface Command permits Command.Get, Command.Put, Command.Post, Command.Delete {

    /** Whether the command can change the space (and so is replicated and remembered for exactly-once). */
    boolean isUpdate();

    /** All pairs whose key full-matches {@code keyexp} and value full-matches {@code valexp}. */
    record Get(String keyexp, String valexp) implements Command {
        @Override
        public boolean isUpdate() {
            return false;
        }
    }

    /** Removes and returns all pairs matching both patterns. */
    record Delete(String keyexp, String valexp) implements Command {
        @Override
        public boolean isUpdate() {
            return true;
        }
    }

    /**
     * Adds each pair whose key is absent, in list order. An empty slot is an element of the list that
     * is not a well-formed pair: it is never added and is answered back as given.
     */
    record Put(List<Optional<Pair>> pairs) implements Command {
        public Put {
            pairs = List.copyOf(pairs);
        }

        @Override
        public boolean isUpdate() {
            return true;
        }
    }

    /** Updates the value of each pair whose key is present, in list order. Empty slots as in {@link Put}. */
    record Post(List<Optional<Pair>> pairs) implements Command {
        public Post {
            pairs = List.copyOf(pairs);
        }

        @Override
        public boolean isUpdate() {
            return true;
        }
    }
}
