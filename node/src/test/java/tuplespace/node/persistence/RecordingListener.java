package tuplespace.node.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Remembers what the log reported, and lets a test wait for a report (not for time to pass). Callbacks arrive on the
 * writer thread when the executor is direct, so everything is guarded by this object's monitor.
 */
final class RecordingListener implements LogListener {

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final List<LogProgress> progress = new ArrayList<>();
    private final List<LogFailure> failures = new ArrayList<>();
    /** How many progress reports had come when the latest failure did. */
    private int progressAtLastFailure;

    @Override
    public synchronized void progress(LogProgress latest) {
        progress.add(latest);
        notifyAll();
    }

    @Override
    public synchronized void failed(LogFailure failure) {
        failures.add(failure);
        progressAtLastFailure = progress.size();
        notifyAll();
    }

    synchronized LogProgress last() {
        return progress.isEmpty() ? new LogProgress(0, 0, 0) : progress.get(progress.size() - 1);
    }

    synchronized List<LogProgress> reports() {
        return List.copyOf(progress);
    }

    /** The progress reports that came after the latest failure (a node takes any of them as the disk writing again). */
    synchronized List<LogProgress> reportsSinceLastFailure() {
        return List.copyOf(progress.subList(progressAtLastFailure, progress.size()));
    }

    synchronized List<LogFailure> failures() {
        return List.copyOf(failures);
    }

    /** Waits until the latest progress report satisfies {@code condition}; returns that report. */
    synchronized LogProgress awaitProgress(Predicate<LogProgress> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.test(last())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected the log to report the awaited progress, found " + last());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return last();
    }

    /** Waits until {@code count} failures were reported; returns the last. */
    synchronized LogFailure awaitFailures(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (failures.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " failures reported, found " + failures);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return failures.get(count - 1);
    }
}
