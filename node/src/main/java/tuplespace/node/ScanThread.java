package tuplespace.node;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of a primary that evaluates {@link LongRequest}s, one at a time in the order they come; later ones
 * queue behind (at most one per client connection: a connection's later requests wait for its long one). One
 * thread, not one per core: the event loop, the proxy and the backup share a small machine with it, and the loop
 * must keep its core for heartbeats and small requests; for the same reason it runs at a lower CPU priority
 * ({@link BackgroundPriority}). Its budgets are charged its own CPU time.
 *
 * <p>Its stack is {@value #STACK_BYTES} bytes, where a thread's default is 1 MiB: java.util.regex recurses once or
 * more per character for a repeated group, so {@code (?:q|z)*} ran out of a default stack on a value of 4,000
 * characters, which Python matches (it keeps its backtracking on the heap). 256 MiB takes that pattern over 1.5
 * million characters, more than a request line can hold; a match that runs out of it even so is cut off as before.
 * A request that overflows the event loop's stack comes here (the overflow is a cut-off within the loop's share).
 * The stack is reserved, not used: the kernel gives it pages only as a match goes deep, and they stay with the
 * thread, which is why it ends after {@value #IDLE_SECONDS} s without work (and starts again with the next request).
 */
final class ScanThread {

    private static final Logger LOG = LoggerFactory.getLogger(ScanThread.class);
    static final long STACK_BYTES = 256L << 20;
    static final long IDLE_SECONDS = 30;

    private final MatchLimits limits;
    private final ThreadPoolExecutor thread;
    /** What a scan is charged: the CPU time of whichever thread reads it, here the scan thread. */
    private final LongSupplier servingClock = ThreadCpuTime.clockOrWall();

    ScanThread(MatchLimits limits) {
        this.limits = limits;
        this.thread = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread scan = new Thread(null, () -> {
                BackgroundPriority.lowerCurrentThread();
                task.run();
            }, "scan", STACK_BYTES);
            scan.setDaemon(true);
            return scan;
        });
        thread.allowCoreThreadTimeOut(true);
    }

    /**
     * Evaluates {@code request} on the scan thread, then passes it to {@code done} (which must hand it to the event
     * loop). Never throws: an unexpected failure is the request's answer ({@link LongRequest#failed}).
     */
    void submit(LongRequest request, Consumer<LongRequest> done) {
        try {
            thread.execute(() -> {
                try {
                    // a clock serves the thread that made it (MatchClock), and this thread may be new
                    MatchClock clock = MatchClock.ofCurrentThread();
                    request.scan(clock.budget(limits.matchBudget(), limits.requestCpuLimit()), servingClock);
                } catch (RuntimeException | Error failure) {
                    // Even an OutOfMemoryError building a huge answer: the connection waits for this request's answer.
                    LOG.error("internal error evaluating {}; answered unavailable, nothing changed", request, failure);
                    request.failed(failure);
                }
                done.accept(request);
            });
        } catch (RejectedExecutionException stopped) {
            LOG.debug("{} not evaluated: the scan thread has stopped", request);
        }
    }

    /** Stops taking requests; one being evaluated finishes on its own (the thread is a daemon). */
    void stop() {
        thread.shutdownNow();
    }
}
