package tuplespace.bench.load;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.HdrHistogram.Histogram;

/**
 * Drives one session: batch after batch until the end of the run. Runs on the thread that starts it while the
 * session answers synchronously, and continues on the session's I/O thread when it answers asynchronously (a
 * trampoline: no thread waits for an asynchronous session). Counts the operations completed inside the
 * measured window; records the latency of those sent inside it.
 */
final class SessionDriver {

    private final Session session;
    private final Workload workload;
    private final int pipelineDepth;
    private final long measureFrom;
    private final long measureUntil;
    private final Histogram latencyNanos = LatencySummary.newNanosHistogram();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private long operations;
    private long errors;
    private String firstError;

    SessionDriver(Session session, Workload workload, int pipelineDepth, long measureFrom, long measureUntil) {
        this.session = session;
        this.workload = workload;
        this.pipelineDepth = pipelineDepth;
        this.measureFrom = measureFrom;
        this.measureUntil = measureUntil;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    /** Call only after {@link #done()} completed (its completion publishes these fields). */
    Histogram latencyNanos() {
        return latencyNanos;
    }

    long operations() {
        return operations;
    }

    long errors() {
        return errors;
    }

    String firstError() {
        return firstError;
    }

    void loop() {
        try {
            while (!done.isDone()) {
                if (System.nanoTime() >= measureUntil) {
                    done.complete(null);
                    return;
                }
                List<Operation> batch = workload.nextBatch(pipelineDepth);
                long sent = System.nanoTime();
                CompletableFuture<long[]> answered = session.execute(batch);
                if (!answered.isDone()) {
                    // One stage per batch: record, then the next batch from the thread that completed this one.
                    answered.whenComplete((times, failure) -> {
                        record(batch.size(), sent, times, failure);
                        loop();
                    });
                    return;
                }
                recordCompleted(batch.size(), sent, answered);
            }
        } catch (RuntimeException e) {
            record(pipelineDepth, System.nanoTime(), null, e);
        }
    }

    /** A synchronous session (Redis) hands back a completed future: read it without another stage. */
    private void recordCompleted(int batchSize, long sent, CompletableFuture<long[]> answered) {
        long[] times;
        try {
            times = answered.join();
        } catch (CompletionException e) {
            // The same failure the asynchronous path sees: the session's own exception.
            record(batchSize, sent, null, e.getCause() != null ? e.getCause() : e);
            return;
        } catch (CancellationException e) {
            record(batchSize, sent, null, e);
            return;
        }
        record(batchSize, sent, times, null);
    }

    private void record(int batchSize, long sent, long[] completions, Throwable failure) {
        if (failure != null) {
            // A throughput run expects no errors: the first failure ends this connection and is reported.
            errors += batchSize;
            if (firstError == null) {
                firstError = String.valueOf(failure.getCause() != null ? failure.getCause() : failure);
            }
            done.complete(null);
            return;
        }
        for (long completed : completions) {
            if (completed >= measureFrom && completed <= measureUntil) {
                operations++;
                if (sent >= measureFrom) {
                    latencyNanos.recordValue(Math.min(latencyNanos.getHighestTrackableValue(), Math.max(1_000, completed - sent)));
                }
            }
        }
    }
}
