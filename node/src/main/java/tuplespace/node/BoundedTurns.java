package tuplespace.node;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Work from one link, done in bounded turns of the event loop (DESIGN "Threads"). Every item that arrives is
 * queued; a turn does at most {@code maxItemsPerTurn} items or about {@code maxWorkPerTurn} of work, in arrival
 * order, then yields: the link stops reading ({@link Reading#pause}) and the rest waits for the next turn, so
 * heartbeats and the backup's acknowledgements are handled in between. Reading resumes once the queue is empty.
 * Without this, 40 pipelined expensive GETs (each up to the match budget) kept the loop busy for seconds and the
 * backup fenced a healthy primary. Runs on the one event loop that owns the node; not thread-safe.
 *
 * @param <T> one unit of work (a frame from the proxy)
 */
final class BoundedTurns<T> {

    /** Turns reading from the link off and on. */
    interface Reading {
        void pause();

        void resume();
    }

    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final Consumer<T> work;
    private final Consumer<Runnable> nextTurn;
    private final Reading reading;
    private final LongSupplier nanoClock;
    private final int maxItemsPerTurn;
    private final long maxWorkNanosPerTurn;
    private boolean turnScheduled;
    private boolean paused;

    /**
     * @param nextTurn runs a task in a later turn of the loop, after its pending I/O (with Netty: {@code schedule}
     *     with no delay, not {@code execute}, which would run in the same batch of tasks)
     */
    BoundedTurns(Consumer<T> work, Consumer<Runnable> nextTurn, Reading reading, LongSupplier nanoClock,
                 int maxItemsPerTurn, Duration maxWorkPerTurn) {
        this.work = Objects.requireNonNull(work, "work");
        this.nextTurn = Objects.requireNonNull(nextTurn, "nextTurn");
        this.reading = Objects.requireNonNull(reading, "reading");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (maxItemsPerTurn < 1) {
            throw new IllegalArgumentException("expected at least 1 item per turn, found " + maxItemsPerTurn);
        }
        if (maxWorkPerTurn.isNegative() || maxWorkPerTurn.isZero()) {
            throw new IllegalArgumentException("expected a positive work time per turn, found " + maxWorkPerTurn);
        }
        this.maxItemsPerTurn = maxItemsPerTurn;
        this.maxWorkNanosPerTurn = maxWorkPerTurn.toNanos();
    }

    /** Queues {@code item}; it is worked on in a coming turn, after everything queued before it. */
    void add(T item) {
        queue.addLast(Objects.requireNonNull(item, "item"));
        scheduleTurn();
    }

    /** Drops everything queued (the link it came from is gone) and lets reading go on. */
    void clear() {
        queue.clear();
        resumeReading();
    }

    /** Items waiting for a turn. */
    int queued() {
        return queue.size();
    }

    /** True while the link is not read because work is queued. */
    boolean paused() {
        return paused;
    }

    private void scheduleTurn() {
        if (!turnScheduled) {
            turnScheduled = true;
            nextTurn.accept(this::runTurn);
        }
    }

    private void runTurn() {
        turnScheduled = false;
        long started = nanoClock.getAsLong();
        int done = 0;
        try {
            while (!queue.isEmpty() && done < maxItemsPerTurn && nanoClock.getAsLong() - started < maxWorkNanosPerTurn) {
                done++;
                work.accept(queue.pollFirst());
            }
        } finally {
            if (queue.isEmpty()) {
                resumeReading();
            } else {
                if (!paused) {
                    paused = true;
                    reading.pause();
                }
                scheduleTurn();
            }
        }
    }

    private void resumeReading() {
        if (paused) {
            paused = false;
            reading.resume();
        }
    }
}
