package tuplespace.node;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
 */
final class ScanThread {

    private static final Logger LOG = LoggerFactory.getLogger(ScanThread.class);

    private final MatchLimits limits;
    private final ExecutorService thread;
    /** Made on the scan thread itself: a clock serves the thread that made it ({@link MatchClock}). */
    private MatchClock clock;
    /** What a scan is charged: the CPU time of whichever thread reads it, here the scan thread. */
    private final LongSupplier servingClock = ThreadCpuTime.clockOrWall();

    ScanThread(MatchLimits limits) {
        this.limits = limits;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread scan = new Thread(() -> {
                BackgroundPriority.lowerCurrentThread();
                task.run();
            }, "scan");
            scan.setDaemon(true);
            return scan;
        });
    }

    /**
     * Evaluates {@code request} on the scan thread, then passes it to {@code done} (which must hand it to the event
     * loop). Never throws: an unexpected failure is the request's answer ({@link LongRequest#failed}).
     */
    void submit(LongRequest request, Consumer<LongRequest> done) {
        try {
            thread.execute(() -> {
                try {
                    request.scan(clock().budget(limits.matchBudget(), limits.requestCpuLimit()), servingClock);
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

    private MatchClock clock() {
        if (clock == null) {
            clock = MatchClock.ofCurrentThread();
        }
        return clock;
    }

    /** Stops taking requests; one being evaluated finishes on its own (the thread is a daemon). */
    void stop() {
        thread.shutdownNow();
    }
}
