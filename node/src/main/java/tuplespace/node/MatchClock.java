package tuplespace.node;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.pattern.MatchBudget;

/**
 * Where a request's match budget takes its time from (docs/protocol.md "The data": no pattern may stall the server).
 * What must be bounded is the work a request does, so the budget is charged the evaluating thread's <em>CPU time</em>:
 * a thread the OS descheduled under load is not charged for the time it did not run, and a plain literal lookup cannot
 * be cut off because the machine was busy. Without CPU-time support the wall clock is the fallback.
 *
 * <p>Reading a thread's CPU time is a system call ({@link ThreadCpuTime}). A budget reads its clock rarely (as it
 * is made, then every few hundred texts and inside a long text only), but the read as it is made would come with
 * every request, and at tens of thousands of requests a second that was a noticeable part of a request's cost. So a
 * budget starts from the last reading, taken afresh only when it is more than {@link #CPU_READING_REUSE} of wall time
 * old. That reading came before the request began, so the CPU charged is never less than the request used, and at
 * most {@code CPU_READING_REUSE} more (the thread cannot have used more CPU than wall time passed in between): a
 * budget of 100 ms cuts off after 99 ms of CPU at worst. Every later reading is a fresh CPU-time reading, so the
 * differences the budget takes are all on the one clock.
 *
 * <p>A budget made here must be used on the thread that made it, and a clock serves one thread (the node's event
 * loop, or the scan thread, each has its own): the reading it reuses is that thread's.
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

    /** The calling thread's CPU time if the JVM measures it ({@link ThreadCpuTime}), else the wall clock. */
    static MatchClock ofCurrentThread() {
        Optional<LongSupplier> cpu = ThreadCpuTime.clock();
        if (cpu.isEmpty()) {
            LOG.warn("this JVM does not measure thread CPU time: the match budget runs on the wall clock, so a request"
                    + " on a descheduled thread may be cut off early");
        }
        return new MatchClock(System::nanoTime, cpu);
    }

    /** Whether budgets are charged CPU time (false: the wall-clock fallback). */
    boolean chargesCpuTime() {
        return threadCpuNanos.isPresent();
    }

    /**
     * A budget starting now for one request on the calling thread: {@code matchBudget} for matching one text,
     * {@code requestLimit} for the whole request.
     */
    MatchBudget budget(Duration matchBudget, Duration requestLimit) {
        return MatchBudget.of(matchBudget, requestLimit, chargedFromNow());
    }

    /**
     * The clock of one budget. {@code MatchBudget} reads its clock once as it is made, for the request's start: that
     * first reading is the thread's recent one; every later reading is taken afresh.
     */
    private LongSupplier chargedFromNow() {
        if (threadCpuNanos.isEmpty()) {
            return wallNanos;
        }
        LongSupplier cpu = threadCpuNanos.get();
        long start = recentCpuReading(cpu, wallNanos.getAsLong());
        return new LongSupplier() {
            private boolean started;

            @Override
            public long getAsLong() {
                if (!started) {
                    started = true;
                    return start;
                }
                return cpu.getAsLong();
            }
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
