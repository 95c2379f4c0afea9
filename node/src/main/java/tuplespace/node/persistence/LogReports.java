package tuplespace.node.persistence;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the log's writer thread tells the event loop what happened: progress (only when it changed) and failures to the
 * {@link LogListener}, results to the futures the loop holds; all in order, run on the loop's executor. Called under
 * {@link LogWriter}'s lock, from the writer thread or from the loop when it writes a batch itself.
 */
final class LogReports {

    private static final Logger LOG = LoggerFactory.getLogger(LogReports.class);

    private final Object owner;
    private final LogListener listener;
    private final Executor callbacks;
    /** Guarded by the writer's lock, under which every report is sent. */
    private LogProgress published;

    /** {@code owner} names the log in the log lines (its directory). */
    LogReports(Object owner, LogListener listener, Executor callbacks) {
        this.owner = owner;
        this.listener = listener;
        this.callbacks = callbacks;
    }

    void progress(LogProgress progress) {
        if (!progress.equals(published)) {
            published = progress;
            deliver(() -> listener.progress(progress));
        }
    }

    /**
     * Reports a failure. The next progress report goes out whatever it says: the listener takes it as the log writing
     * again, and the rewrite may leave written, forced and size as they were before the failure.
     */
    void failed(LogFailure failure) {
        published = null;
        deliver(() -> listener.failed(failure));
    }

    <T> void complete(CompletableFuture<T> done, T value) {
        deliver(() -> done.complete(value));
    }

    void fail(CompletableFuture<?> done, IOException cause) {
        deliver(() -> done.completeExceptionally(cause));
    }

    /** Runs {@code task} on the loop, in order with the reports. */
    void execute(Runnable task) {
        deliver(task);
    }

    /** Runs {@code callback} on the loop; a loop that has stopped takes nothing more, which is fine. */
    private void deliver(Runnable callback) {
        try {
            callbacks.execute(callback);
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: a log callback was dropped: its executor has stopped", owner);
        }
    }
}
