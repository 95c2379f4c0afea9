package tuplespace.node;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.pattern.MatchBudget;

/**
 * Where a request's match budget takes its time from (SPEC §1: no pattern may stall the server). What must be
 * bounded is the work a request does, so the budget is charged the serving thread's <em>CPU time</em>: a thread
 * the OS descheduled under load is not charged for the time it did not run, and a plain literal lookup cannot
 * be cut off because the machine was busy. Without CPU-time support the wall clock is the fallback.
 *
 * <p>Reading a thread's CPU time costs a few microseconds (a system call), reading the wall clock tens of
 * nanoseconds; the budget checks its clock every few hundred character reads. So the clock a budget gets reads
 * the wall clock first and the CPU time only once the wall clock says the limit may be spent: a thread never runs
 * for longer than wall time passes, so "wall elapsed &lt; limit" already proves "CPU elapsed &lt; limit", and every
 * cut-off is decided on CPU time alone.
 *
 * <p>Nor does each budget read the CPU time as it starts: at thousands of requests a second that read was a
 * noticeable part of a request's cost. A budget counts CPU time from the last reading, taken afresh only when it is
 * more than {@link #CPU_READING_REUSE} of wall time old. That reading came before the request began, so the CPU
 * charged is never less than the request used, and at most {@code CPU_READING_REUSE} more (the thread cannot
 * have used more CPU than wall time passed in between): a budget of 100 ms cuts off after 99 ms of CPU at worst.
 *
 * <p>A budget made here must be used on the thread that made it, and a clock serves one thread (the node's event
 * loop): the reading it reuses is that thread's.
 */
final class MatchClock {

    private static final Logger LOG = LoggerFactory.getLogger(MatchClock.class);

    /** How old (wall time) a CPU-time reading may be for a new budget to count from it. */
    static final long CPU_READING_REUSE = 1_000_000L;

    private final LongSupplier wallNanos;
    private final Optional<LongSupplier> threadCpuNanos;
    private boolean cpuRead;
    private long cpuReadAtWall;
    private long lastCpuReading;

    MatchClock(LongSupplier wallNanos, Optional<LongSupplier> threadCpuNanos) {
        this.wallNanos = Objects.requireNonNull(wallNanos, "wallNanos");
        this.threadCpuNanos = Objects.requireNonNull(threadCpuNanos, "threadCpuNanos");
    }

    /** The calling thread's CPU time if the JVM measures it (enabling it if needed), else the wall clock. */
    static MatchClock ofCurrentThread() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            if (threads.isCurrentThreadCpuTimeSupported()) {
                if (!threads.isThreadCpuTimeEnabled()) {
                    threads.setThreadCpuTimeEnabled(true);
                }
                if (threads.getCurrentThreadCpuTime() >= 0) {
                    return new MatchClock(System::nanoTime, Optional.of(threads::getCurrentThreadCpuTime));
                }
            }
        } catch (UnsupportedOperationException | SecurityException e) {
            LOG.debug("thread CPU time unavailable: {}", e.toString());
        }
        LOG.warn("this JVM does not measure thread CPU time: the match budget runs on the wall clock, so a request"
                + " on a descheduled thread may be cut off early");
        return new MatchClock(System::nanoTime, Optional.empty());
    }

    /** Whether budgets are charged CPU time (false: the wall-clock fallback). */
    boolean chargesCpuTime() {
        return threadCpuNanos.isPresent();
    }

    /**
     * A budget of {@code limit} starting now, for one request on the calling thread: {@code limit} for matching one
     * text, and (until long scans leave the event loop) {@code limit} for the whole request as well, as before the
     * store told the two apart.
     */
    MatchBudget budget(Duration limit) {
        return MatchBudget.of(limit, limit, charged(limit.toNanos()));
    }

    /** Nanoseconds charged since now: CPU time, read only once the cheap wall clock could not rule a cut-off out. */
    private LongSupplier charged(long limitNanos) {
        long wallStart = wallNanos.getAsLong();
        if (threadCpuNanos.isEmpty()) {
            return () -> wallNanos.getAsLong() - wallStart;
        }
        LongSupplier cpu = threadCpuNanos.get();
        long cpuStart = recentCpuReading(cpu, wallStart);
        return () -> {
            long wallElapsed = wallNanos.getAsLong() - wallStart;
            return wallElapsed < limitNanos ? wallElapsed : cpu.getAsLong() - cpuStart;
        };
    }

    /** A CPU-time reading taken at most {@link #CPU_READING_REUSE} of wall time before {@code wallNow}. */
    private long recentCpuReading(LongSupplier cpu, long wallNow) {
        if (!cpuRead || wallNow - cpuReadAtWall > CPU_READING_REUSE || wallNow - cpuReadAtWall < 0) {
            lastCpuReading = cpu.getAsLong();
            cpuReadAtWall = wallNow;
            cpuRead = true;
        }
        return lastCpuReading;
    }
}
