package tuplespace.bench.scale;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tuplespace.bench.process.Waits;
import tuplespace.bench.resync.JvmMemory;

/** The highest resident set size of one process while something runs: {@code /proc/PID/status} every 10 ms. */
final class RssSampler implements AutoCloseable {

    private static final Duration INTERVAL = Duration.ofMillis(10);

    private final long pid;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong peak = new AtomicLong(-1);
    private final Thread thread;

    private RssSampler(long pid) {
        this.pid = pid;
        this.thread = new Thread(this::sample, "rss-sampler-" + pid);
        thread.setDaemon(true);
    }

    static RssSampler start(long pid) {
        RssSampler sampler = new RssSampler(pid);
        sampler.peak.set(JvmMemory.residentBytes(pid));
        sampler.thread.start();
        return sampler;
    }

    private void sample() {
        while (!stop.get()) {
            peak.accumulateAndGet(JvmMemory.residentBytes(pid), Math::max);
            Waits.sleep(INTERVAL);
        }
    }

    /** Stops sampling; the peak in bytes (-1 when the process could not be read). */
    long stop() {
        close();
        return Math.max(peak.get(), JvmMemory.residentBytes(pid));
    }

    @Override
    public void close() {
        stop.set(true);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
