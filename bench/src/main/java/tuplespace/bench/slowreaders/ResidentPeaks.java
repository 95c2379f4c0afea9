package tuplespace.bench.slowreaders;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import tuplespace.bench.resync.JvmMemory;

/**
 * The highest resident set size of a few processes, sampled on a thread of its own until closed; once any passes
 * {@code limit}, {@code onOverLimit} runs (once, on the sampling thread).
 */
final class ResidentPeaks implements AutoCloseable {

    private final long[] pids;
    private final AtomicLong[] peaks;
    private final long limit;
    private final Runnable onOverLimit;
    private final Thread sampler;
    private volatile boolean running = true;
    private boolean overLimit;

    ResidentPeaks(Duration interval, long limit, Runnable onOverLimit, long... pids) {
        this.limit = limit;
        this.onOverLimit = onOverLimit;
        this.pids = pids.clone();
        this.peaks = new AtomicLong[pids.length];
        for (int i = 0; i < pids.length; i++) {
            peaks[i] = new AtomicLong();
        }
        sampler = new Thread(() -> {
            while (running) {
                sampleOnce();
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "resident-peaks");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The highest resident set of the {@code index}-th pid so far, in bytes. */
    long peak(int index) {
        return peaks[index].get();
    }

    /** The highest of all. */
    long highest() {
        long highest = 0;
        for (AtomicLong peak : peaks) {
            highest = Math.max(highest, peak.get());
        }
        return highest;
    }

    private synchronized void sampleOnce() {
        for (int i = 0; i < pids.length; i++) {
            peaks[i].accumulateAndGet(JvmMemory.residentBytes(pids[i]), Math::max);
        }
        if (!overLimit && highest() > limit) {
            overLimit = true;
            onOverLimit.run();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join(1_000);
        sampleOnce();
    }
}
