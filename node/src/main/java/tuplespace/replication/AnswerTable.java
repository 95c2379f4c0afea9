package tuplespace.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The answers given to updates, by client connection and request seq (Ratis calls this the retry cache), and to
 * the reads an update followed on their connection before they were known delivered. A request the proxy sends
 * again after a failover finds its answer here and is not applied twice (SPEC §4: exactly once, same answer). Entries go when the proxy reports them delivered ({@code floor})
 * or the connection closed; both are replicated, so primary and backup hold the same table.
 */
public final class AnswerTable {

    /** One remembered answer, as a snapshot ships it. */
    public record Entry(long conn, long seq, String answer) {
    }

    // Looked up by conn, never iterated into an answer: a HashMap is fine here.
    private final Map<Long, NavigableMap<Long, String>> byConnection = new HashMap<>();
    private int size;

    public void record(long conn, long seq, String answer) {
        if (byConnection.computeIfAbsent(conn, c -> new TreeMap<>()).put(seq, answer) == null) {
            size++;
        }
    }

    public Optional<String> lookup(long conn, long seq) {
        NavigableMap<Long, String> answers = byConnection.get(conn);
        return answers == null ? Optional.empty() : Optional.ofNullable(answers.get(seq));
    }

    /** Forgets the answers on {@code conn} up to and including {@code floor}. */
    public void release(long conn, long floor) {
        NavigableMap<Long, String> answers = byConnection.get(conn);
        if (answers == null || floor < answers.firstKey()) {
            return; // the common case on a busy connection: nothing delivered is still remembered
        }
        NavigableMap<Long, String> delivered = answers.headMap(floor, true);
        size -= delivered.size();
        delivered.clear();
        if (answers.isEmpty()) {
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
        NavigableMap<Long, String> answers = byConnection.remove(conn);
        if (answers != null) {
            size -= answers.size();
        }
    }

    public int size() {
        return size;
    }

    /** A copy of every entry, for a snapshot. The table is small: it holds only undelivered answers. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>(size);
        byConnection.forEach((conn, answers) -> answers.forEach((seq, answer) -> entries.add(new Entry(conn, seq, answer))));
        return entries;
    }
}
