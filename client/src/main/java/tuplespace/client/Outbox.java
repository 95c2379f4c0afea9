package tuplespace.client;

import io.netty.channel.EventLoop;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import tuplespace.codec.netty.NextTurn;

/**
 * Hands requests from any thread to the connection's event loop, coalescing: requests sent in a row (pipelined)
 * wait in one queue, and a single task per event-loop turn writes them all and flushes once, instead of a task, a
 * write and a flush (a system call) per request. A request sent on the event loop itself is written at once when
 * nothing sent earlier is still queued (so call order stays wire order); it is flushed when the read that is
 * delivering answers completes, or by the task.
 *
 * <p>A task writes at most {@link #PER_TURN} requests, flushes them, and leaves the rest to the loop's next turn
 * ({@link NextTurn}): a thread that sends without pause kept the queue from ever emptying, and a task that wrote until
 * it was empty never flushed, never let the loop read an answer, and held up every other client on that loop.
 */
final class Outbox implements Runnable {

    /** Requests written per task before they are flushed and the loop does its I/O. */
    static final int PER_TURN = 1024;

    private final EventLoop eventLoop;
    private final AnswerMatcher matcher;
    private final Queue<PendingRequest<?>> queued = new ConcurrentLinkedQueue<>();
    /** Whether a run of {@link #run} is scheduled and has not started yet. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor nextTurn;

    Outbox(EventLoop eventLoop, AnswerMatcher matcher) {
        this.eventLoop = eventLoop;
        this.matcher = matcher;
        this.nextTurn = NextTurn.of(eventLoop);
    }

    void send(PendingRequest<?> request) {
        if (eventLoop.inEventLoop() && queued.isEmpty()) {
            matcher.submit(request);
            if (!matcher.isReading()) {
                schedule();
            }
            return;
        }
        queued.add(request);
        schedule();
    }

    /** Writes what is queued, up to {@link #PER_TURN} requests, and flushes once. Runs on the event loop. */
    @Override
    public void run() {
        int written = 0;
        for (PendingRequest<?> request = queued.poll(); request != null; request = queued.poll()) {
            matcher.submit(request);
            if (++written == PER_TURN) {
                break;
            }
        }
        matcher.flush();
        // Cleared only now, so that a thread sending meanwhile does not run this again in the loop's same batch of
        // tasks; then what was queued since is left to the next turn (a request queued after the check finds the flag
        // clear and schedules a run itself), so none is left behind.
        scheduled.set(false);
        if (!queued.isEmpty() && scheduled.compareAndSet(false, true)) {
            submit(nextTurn);
        }
    }

    private void schedule() {
        if (scheduled.get() || !scheduled.compareAndSet(false, true)) {
            return;
        }
        submit(eventLoop);
    }

    /** Runs this on {@code executor} (the loop now, or its next turn); fails what is queued if the loop is shut down. */
    private void submit(Executor executor) {
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            // The event loops were shut down (a group the caller gave and shut down): nothing can be sent any more.
            scheduled.set(false);
            ConnectionLostException closed = new ConnectionLostException("the client's event loop is shut down");
            for (PendingRequest<?> request = queued.poll(); request != null; request = queued.poll()) {
                request.fail(closed);
            }
        }
    }
}
