package tuplespace.replication;

import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.collection.LongObjectMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tuplespace.codec.Utf8Text;

/**
 * The answers given to updates, by client connection and request seq (Ratis calls this the retry cache), and to
 * the reads an update followed on their connection before they were known delivered. A request the proxy sends
 * again after a failover finds its answer here and is not applied twice (README "Guarantees and their limits": exactly
 * once, same answer). Entries go when the proxy reports them delivered ({@code floor}) or the connection closed; both
 * are replicated, so primary and backup hold the same table.
 */
public final class AnswerTable {

    /** One remembered answer, as a snapshot ships it. */
    public record Entry(long conn, long seq, Utf8Text answer) {
    }

    // Looked up by conn, never iterated into an answer: a hash map is fine here (a primitive one: every request of
    // the primary and every replicated update of the backup looks its connection up).
    private final LongObjectHashMap<Answers> byConnection = new LongObjectHashMap<>();
    private int size;

    public void record(long conn, long seq, Utf8Text answer) {
        Answers answers = byConnection.get(conn);
        if (answers == null) {
            answers = new Answers();
            byConnection.put(conn, answers);
        }
        if (answers.put(seq, answer)) {
            size++;
        }
    }

    public Optional<Utf8Text> lookup(long conn, long seq) {
        Answers answers = byConnection.get(conn);
        return answers == null ? Optional.empty() : Optional.ofNullable(answers.get(seq));
    }

    /** Forgets the answers on {@code conn} up to and including {@code floor}. */
    public void release(long conn, long floor) {
        Answers answers = byConnection.get(conn);
        if (answers == null) {
            return;
        }
        size -= answers.dropThrough(floor);
        if (answers.count == 0) {
            byConnection.remove(conn);
        }
    }

    /** The connections with remembered answers (a copy). */
    public Set<Long> connections() {
        return new HashSet<>(byConnection.keySet());
    }

    public boolean hasConnection(long conn) {
        return byConnection.containsKey(conn);
    }

    public void close(long conn) {
        Answers answers = byConnection.remove(conn);
        if (answers != null) {
            size -= answers.count;
        }
    }

    public int size() {
        return size;
    }

    /** A copy of every entry, for a snapshot. The table is small: it holds only undelivered answers. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>(size);
        for (LongObjectMap.PrimitiveEntry<Answers> connection : byConnection.entries()) {
            Answers answers = connection.value();
            for (int i = 0; i < answers.count; i++) {
                entries.add(new Entry(connection.key(), answers.seqs[answers.first + i], answers.answers[answers.first + i]));
            }
        }
        return entries;
    }

    /**
     * One connection's answers in ascending seq order, in {@code [first, first + count)} of two arrays: a connection's
     * answers come in seq order (they are recorded as its requests are served) and go from the oldest (its delivered
     * floor rises), so both ends are cheap; an answer recorded out of order is inserted in its place.
     */
    private static final class Answers {
        long[] seqs = new long[4];
        Utf8Text[] answers = new Utf8Text[4];
        int first;
        int count;

        /** Records the answer to {@code seq}; false when it replaced one already recorded. */
        boolean put(long seq, Utf8Text answer) {
            int index = indexOf(seq);
            if (index >= 0) {
                answers[first + index] = answer;
                return false;
            }
            int at = -index - 1;
            makeRoomAtEnd();
            System.arraycopy(seqs, first + at, seqs, first + at + 1, count - at);
            System.arraycopy(answers, first + at, answers, first + at + 1, count - at);
            seqs[first + at] = seq;
            answers[first + at] = answer;
            count++;
            return true;
        }

        Utf8Text get(long seq) {
            int index = indexOf(seq);
            return index >= 0 ? answers[first + index] : null;
        }

        /** Drops the answers to seqs up to and including {@code floor}; how many went. */
        int dropThrough(long floor) {
            int dropped = 0;
            while (dropped < count && seqs[first + dropped] <= floor) {
                answers[first + dropped] = null;
                dropped++;
            }
            first += dropped;
            count -= dropped;
            if (count == 0) {
                first = 0;
            }
            return dropped;
        }

        /** The index (from {@code first}) of {@code seq}, or {@code -(insertion point) - 1}. */
        private int indexOf(long seq) {
            if (count > 0 && seqs[first + count - 1] < seq) {
                return -count - 1; // the usual case: a new answer, after every other
            }
            int low = 0;
            int high = count - 1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                long found = seqs[first + middle];
                if (found < seq) {
                    low = middle + 1;
                } else if (found > seq) {
                    high = middle - 1;
                } else {
                    return middle;
                }
            }
            return -low - 1;
        }

        /** Room for one more after the last: the live entries move to the front, or the arrays grow. */
        private void makeRoomAtEnd() {
            if (first + count < seqs.length) {
                return;
            }
            if (count < seqs.length / 2) {
                System.arraycopy(seqs, first, seqs, 0, count);
                System.arraycopy(answers, first, answers, 0, count);
                Arrays.fill(answers, count, first + count, null);
            } else {
                seqs = Arrays.copyOfRange(seqs, first, first + 2 * seqs.length);
                answers = Arrays.copyOfRange(answers, first, first + 2 * answers.length);
            }
            first = 0;
        }
    }
}
