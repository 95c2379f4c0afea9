package tuplespace.proxy;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The unanswered requests of one client connection, in seq order, and the answers that are waiting for an
 * earlier one (docs/protocol.md: answers come back in request order). Pure bookkeeping: no I/O, no clock (times are
 * passed in), confined to the client channel's event loop.
 *
 * <p>Lines and answers are bytes ({@link ByteBuf}s) and this object owns them: a line from {@link #addHeld} until
 * its request is delivered, an answer from {@link #answer} until {@link #takeDeliverable} hands it over;
 * {@link #releaseAll} releases whatever is left when the connection goes.
 *
 * <p>A request may wait for its answer while no primary is registered only up to the primary timeout
 * (docs/protocol.md "Limits and failures"). A request is <em>held</em> from {@code max(arrival, primary lost)} until a
 * primary takes it; only held requests expire. A request in the hands of a registered primary never expires here: the
 * primary bounds its own work. Once one expired, its connection's session answers the others held at once
 * ({@link #expireHeld}), and its later ones until a primary takes them.
 */
final class PendingRequests {

    /** One request: its line, whether and since when it is held without a primary, and its answer once known. */
    static final class Pending {
        private final long seq;
        private final ByteBuf line;
        private boolean held;
        private long heldSinceNanos;
        private boolean forwarded;
        private ByteBuf answer;

        private Pending(long seq, ByteBuf line) {
            this.seq = seq;
            this.line = line;
        }

        long seq() {
            return seq;
        }

        /** The request line's bytes (owned by the {@link PendingRequests}: read, never release). */
        ByteBuf line() {
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

    /**
     * The requests not yet delivered, oldest first, in a ring: seqs are consecutive, so the request of a seq is found
     * by its distance from the oldest (no map entry per request).
     */
    private Pending[] ring = new Pending[16];
    private int head;
    private int size;
    private long lastSeq;
    private long floor;
    /** Requests waiting for their answer (held or forwarded). */
    private int unanswered;
    /** Bytes of the lines of every request not yet delivered (kept for a resend to a new primary). */
    private long lineBytes;

    /** Adds the next request, held without a primary since {@code nowNanos}; {@link #forwarded} releases it. */
    Pending addHeld(ByteBuf line, long nowNanos) {
        Pending pending = add(line);
        hold(pending, nowNanos);
        return pending;
    }

    /** Adds the next request, about to be written to a registered primary. */
    Pending addForwarded(ByteBuf line) {
        Pending pending = add(line);
        forwarded(pending);
        return pending;
    }

    /** Adds the next request already answered by the proxy itself (e.g. an overlong line). */
    Pending addAnswered(ByteBuf answer) {
        Pending pending = add(io.netty.buffer.Unpooled.EMPTY_BUFFER);
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
        for (int i = 0; i < size; i++) {
            Pending pending = at(i);
            if (!pending.answered() && !pending.held) {
                hold(pending, nowNanos);
            }
        }
    }

    /**
     * Records the answer for {@code seq} and takes it over. Returns false, and changes nothing (the caller keeps
     * {@code answer}), for a seq that was already answered (a resent request answered twice, or one answered
     * {@code unavailable} before the primary's answer came) or never asked.
     */
    boolean answer(long seq, ByteBuf answer) {
        Pending pending = bySeq(seq);
        if (pending == null || pending.answered()) {
            return false;
        }
        pending.answer = answer;
        pending.held = false;
        unanswered--;
        return true;
    }

    /** The line of {@code seq} while it waits for its answer. */
    Optional<ByteBuf> unansweredLine(long seq) {
        Pending pending = bySeq(seq);
        return pending == null || pending.answered() ? Optional.empty() : Optional.of(pending.line);
    }

    /**
     * Removes and returns the answers that can be delivered now, in seq order (the caller takes them over), and
     * advances the floor past them; their lines are released.
     */
    List<ByteBuf> takeDeliverable() {
        List<ByteBuf> answers = new ArrayList<>();
        while (size > 0 && at(0).answered()) {
            Pending first = at(0);
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            size--;
            lineBytes -= first.line.readableBytes();
            first.line.release();
            floor = first.seq;
            answers.add(first.answer);
        }
        return answers;
    }

    /**
     * Answers every held request held for {@code timeoutNanos} or longer at {@code nowNanos} with
     * {@code unavailable.apply(request)} (which can tell a request that was forwarded to a lost primary from one
     * that never was); returns how many.
     */
    int expire(long nowNanos, long timeoutNanos, Function<Pending, ByteBuf> unavailable) {
        return expireWhere(pending -> pending.held && nowNanos - pending.heldSinceNanos >= timeoutNanos, unavailable);
    }

    /** Answers every held request with {@code unavailable.apply(request)}, however long held; returns how many. */
    int expireHeld(Function<Pending, ByteBuf> unavailable) {
        return expireWhere(pending -> pending.held, unavailable);
    }

    /** Answers every unanswered request with {@code unavailable.apply(request)} (the proxy stops); returns how many. */
    int expireAll(Function<Pending, ByteBuf> unavailable) {
        return expireWhere(pending -> true, unavailable);
    }

    private int expireWhere(Predicate<Pending> due, Function<Pending, ByteBuf> unavailable) {
        int expired = 0;
        for (int i = 0; i < size; i++) {
            Pending pending = at(i);
            if (!pending.answered() && due.test(pending)) {
                pending.answer = unavailable.apply(pending);
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
        for (int i = 0; i < size; i++) {
            if (!at(i).answered()) {
                unanswered.add(at(i));
            }
        }
        return unanswered;
    }

    /** When the longest-held request has been held {@code timeoutNanos}, if any request is held. */
    OptionalLong nextDeadline(long timeoutNanos) {
        long earliest = 0;
        boolean any = false;
        for (int i = 0; i < size; i++) {
            Pending pending = at(i);
            if (pending.held && (!any || pending.heldSinceNanos - earliest < 0)) {
                earliest = pending.heldSinceNanos;
                any = true;
            }
        }
        return any ? OptionalLong.of(earliest + timeoutNanos) : OptionalLong.empty();
    }

    /** The connection is gone: releases every line and answer still held, and forgets the requests. */
    void releaseAll() {
        for (int i = 0; i < size; i++) {
            Pending pending = at(i);
            pending.line.release();
            if (pending.answer != null) {
                pending.answer.release();
            }
        }
        Arrays.fill(ring, null);
        head = 0;
        size = 0;
        unanswered = 0;
        lineBytes = 0;
    }

    /** The highest seq whose answer was delivered (0 before the first). */
    long floor() {
        return floor;
    }

    /** Requests not yet delivered (answered or not). */
    int size() {
        return size;
    }

    /** Requests still waiting for their answer: the answers still to come. */
    int unansweredCount() {
        return unanswered;
    }

    /** Bytes of the request lines not yet delivered, which the proxy keeps to resend them. */
    long lineBytes() {
        return lineBytes;
    }

    boolean isEmpty() {
        return size == 0;
    }

    private Pending add(ByteBuf line) {
        if (size == ring.length) {
            Pending[] larger = new Pending[ring.length * 2];
            for (int i = 0; i < size; i++) {
                larger[i] = at(i);
            }
            ring = larger;
            head = 0;
        }
        Pending pending = new Pending(++lastSeq, line);
        unanswered++;
        lineBytes += line.readableBytes();
        ring[(head + size) & (ring.length - 1)] = pending;
        size++;
        return pending;
    }

    /** The {@code i}-th request not yet delivered (0: the oldest). */
    private Pending at(int i) {
        return ring[(head + i) & (ring.length - 1)];
    }

    /** The request of {@code seq} if it is not yet delivered. */
    private Pending bySeq(long seq) {
        long index = seq - (lastSeq - size + 1);
        return index < 0 || index >= size ? null : at((int) index);
    }

    private static void hold(Pending pending, long nowNanos) {
        pending.held = true;
        pending.heldSinceNanos = nowNanos;
    }
}
