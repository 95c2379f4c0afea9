package tuplespace.client;

import io.netty.channel.EventLoop;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands requests from any thread to the connection's event loop, coalescing: requests sent in a row (pipelined)
 * wait in one queue, and a single task per event-loop turn writes them all and flushes once, instead of a task, a
 * write and a flush (a system call) per request. A request sent on the event loop itself is written at once when
 * nothing sent earlier is still queued (so call order stays wire order); it is flushed when the read that is
 * delivering answers completes, or by the task.
 */
final class Outbox implements Runnable {

    private final EventLoop eventLoop;
    private final AnswerMatcher matcher;
    private final Queue<PendingRequest<?>> queued = new ConcurrentLinkedQueue<>();
    /** Whether a run of {@link #run} is scheduled and has not started yet. */
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Outbox(EventLoop eventLoop, AnswerMatcher matcher) {
        this.eventLoop = eventLoop;
        this.matcher = matcher;
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

    /** Writes everything queued and flushes once. Runs on the event loop. */
    @Override
    public void run() {
        // Cleared first: a request queued from now on schedules another run, so none is left behind.
        scheduled.set(false);
        for (PendingRequest<?> request = queued.poll(); request != null; request = queued.poll()) {
            matcher.submit(request);
        }
        matcher.flush();
    }

    private void schedule() {
        if (scheduled.get() || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            eventLoop.execute(this);
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
