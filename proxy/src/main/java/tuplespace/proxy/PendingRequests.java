package tuplespace.proxy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The unanswered requests of one client connection, in seq order, and the answers that are waiting for an
 * earlier one (SPEC §2: answers come back in request order). Pure bookkeeping: no I/O, no clock (times are
 * passed in), confined to the client channel's event loop.
 *
 * <p>SPEC §4: a request may wait for its answer while no primary is registered only up to the primary timeout. A
 * request is <em>held</em> from {@code max(arrival, primary lost)} until a primary takes it; only held requests
 * expire. A request in the hands of a registered primary never expires here: the primary bounds its own work.
 */
final class PendingRequests {

    /** One request: its line, whether and since when it is held without a primary, and its answer once known. */
    static final class Pending {
        private final long seq;
        private final String line;
        private boolean held;
        private long heldSinceNanos;
        private boolean forwarded;
        private String answer;

        private Pending(long seq, String line) {
            this.seq = seq;
            this.line = line;
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

        /** True once the request was written to some primary: it may have been applied. */
        boolean forwarded() {
            return forwarded;
        }
    }

    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Map<Long, Pending> bySeq = new HashMap<>();
    private long lastSeq;
    private long floor;
    /** Requests waiting for their answer (held or forwarded). */
    private int unanswered;
    /** Characters of the lines of every request not yet delivered (kept for a resend to a new primary). */
    private long lineChars;

    /** Adds the next request, held without a primary since {@code nowNanos}; {@link #forwarded} releases it. */
    Pending addHeld(String line, long nowNanos) {
        Pending pending = add(line);
        hold(pending, nowNanos);
        return pending;
    }

    /** Adds the next request, about to be written to a registered primary. */
    Pending addForwarded(String line) {
        Pending pending = add(line);
        forwarded(pending);
        return pending;
    }

    /** Adds the next request already answered by the proxy itself (e.g. an overlong line). */
    Pending addAnswered(String answer) {
        Pending pending = add("");
        pending.answer = answer;
        unanswered--;
        return pending;
    }

    /** {@code pending} was written to a registered primary: no longer held, and its outcome is the primary's. */
    void forwarded(Pending pending) {
        pending.held = false;
        pending.forwarded = true;
    }

    /**
     * The primary was lost at {@code nowNanos}: every unanswered request not yet held is held from now (a request
     * already held keeps its earlier start).
     */
    void holdAll(long nowNanos) {
        for (Pending pending : queue) {
            if (!pending.answered() && !pending.held) {
                hold(pending, nowNanos);
            }
        }
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
        pending.held = false;
        unanswered--;
        return true;
    }

    /** The line of {@code seq} while it waits for its answer. */
    Optional<String> unansweredLine(long seq) {
        Pending pending = bySeq.get(seq);
        return pending == null || pending.answered() ? Optional.empty() : Optional.of(pending.line);
    }

    /** Removes and returns the answers that can be delivered now, in seq order, and advances the floor past them. */
    List<String> takeDeliverable() {
        List<String> answers = new ArrayList<>();
        while (!queue.isEmpty() && queue.peekFirst().answered()) {
            Pending head = queue.removeFirst();
            bySeq.remove(head.seq);
            lineChars -= head.line.length();
            floor = head.seq;
            answers.add(head.answer);
        }
        return answers;
    }

    /**
     * Answers every held request held for {@code timeoutNanos} or longer at {@code nowNanos} with
     * {@code unavailable.apply(request)} (which can tell a request that was forwarded to a lost primary from one
     * that never was); returns how many.
     */
    int expire(long nowNanos, long timeoutNanos, Function<Pending, String> unavailable) {
        int expired = 0;
        for (Pending pending : queue) {
            if (pending.held && nowNanos - pending.heldSinceNanos >= timeoutNanos) {
                pending.answer = unavailable.apply(pending);
                pending.held = false;
                unanswered--;
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
                pending.held = false;
                unanswered--;
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

    /** When the longest-held request has been held {@code timeoutNanos}, if any request is held. */
    OptionalLong nextDeadline(long timeoutNanos) {
        long earliest = 0;
        boolean any = false;
        for (Pending pending : queue) {
            if (pending.held && (!any || pending.heldSinceNanos - earliest < 0)) {
                earliest = pending.heldSinceNanos;
                any = true;
            }
        }
        return any ? OptionalLong.of(earliest + timeoutNanos) : OptionalLong.empty();
    }

    /** The highest seq whose answer was delivered (0 before the first). */
    long floor() {
        return floor;
    }

    /** Requests not yet delivered (answered or not). */
    int size() {
        return queue.size();
    }

    /** Requests still waiting for their answer: the answers still to come. */
    int unansweredCount() {
        return unanswered;
    }

    /** Characters of the request lines not yet delivered, which the proxy keeps to resend them. */
    long lineChars() {
        return lineChars;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    private Pending add(String line) {
        Pending pending = new Pending(++lastSeq, line);
        unanswered++;
        lineChars += line.length();
        queue.addLast(pending);
        bySeq.put(pending.seq, pending);
        return pending;
    }

    private static void hold(Pending pending, long nowNanos) {
        pending.held = true;
        pending.heldSinceNanos = nowNanos;
    }
}
