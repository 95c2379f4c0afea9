package tuplespace.proxy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * The unanswered requests of one client connection, in seq order, and the answers that are waiting for an
 * earlier one (SPEC §2: answers come back in request order). Pure bookkeeping: no I/O, no clock (times are
 * passed in), confined to the client channel's event loop.
 */
final class PendingRequests {

    /** One request: its line, its deadline, and its answer once known. */
    static final class Pending {
        private final long seq;
        private final String line;
        private final long deadlineNanos;
        private String answer;

        private Pending(long seq, String line, long deadlineNanos) {
            this.seq = seq;
            this.line = line;
            this.deadlineNanos = deadlineNanos;
        }

        long seq() {
            return seq;
        }

        String line() {
            return line;
        }

        boolean answered() {
            return answer != null;
        }
    }

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Map<Long, Pending> bySeq = new HashMap<>();
    private long lastSeq;
    private long floor;

    /** Adds the next request; it must be answered by {@code deadlineNanos}. Deadlines must not decrease. */
    Pending add(String line, long deadlineNanos) {
        Pending pending = new Pending(++lastSeq, line, deadlineNanos);
        queue.addLast(pending);
        bySeq.put(pending.seq, pending);
        return pending;
    }

    /** Adds the next request already answered by the proxy itself (e.g. an overlong line). */
    Pending addAnswered(String answer, long nowNanos) {
        Pending pending = add("", nowNanos);
        pending.answer = answer;
        return pending;
    }

    /**
     * Records the answer for {@code seq}. Returns false, and changes nothing, for a seq that was already answered
     * (a resent request answered twice, or one answered {@code unavailable} before the primary's answer came) or
     * never asked.
     */
    boolean answer(long seq, String answer) {
        Pending pending = bySeq.get(seq);
        if (pending == null || pending.answered()) {
            return false;
        }
        pending.answer = answer;
        return true;
    }

    /** Removes and returns the answers that can be delivered now, in seq order, and advances the floor past them. */
    List<String> takeDeliverable() {
        List<String> answers = new ArrayList<>();
        while (!queue.isEmpty() && queue.peekFirst().answered()) {
            Pending head = queue.removeFirst();
            bySeq.remove(head.seq);
            floor = head.seq;
            answers.add(head.answer);
        }
        return answers;
    }

    /**
     * Answers every unanswered request whose deadline is at or before {@code nowNanos} with
     * {@code unavailable.apply(line)}; returns how many.
     */
    int expire(long nowNanos, UnaryOperator<String> unavailable) {
        int expired = 0;
        for (Pending pending : queue) {
            if (pending.deadlineNanos - nowNanos > 0) {
                break; // deadlines follow seq order
            }
            if (!pending.answered()) {
                pending.answer = unavailable.apply(pending.line);
                expired++;
            }
        }
        return expired;
    }

    /** Answers every unanswered request with {@code unavailable.apply(line)} (the proxy stops); returns how many. */
    int expireAll(UnaryOperator<String> unavailable) {
        int expired = 0;
        for (Pending pending : queue) {
            if (!pending.answered()) {
                pending.answer = unavailable.apply(pending.line);
                expired++;
            }
        }
        return expired;
    }

    /** The requests still waiting for the primary's answer, in seq order: what a new primary must get again. */
    List<Pending> unanswered() {
        List<Pending> unanswered = new ArrayList<>();
        for (Pending pending : queue) {
            if (!pending.answered()) {
                unanswered.add(pending);
            }
        }
        return unanswered;
    }

    /** The earliest deadline of an unanswered request, if any. */
    OptionalLong nextDeadline() {
        for (Pending pending : queue) {
            if (!pending.answered()) {
                return OptionalLong.of(pending.deadlineNanos);
            }
        }
        return OptionalLong.empty();
    }

    /** The highest seq whose answer was delivered (0 before the first). */
    long floor() {
        return floor;
    }

    /** Requests not yet delivered (answered or not). */
    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }
}
