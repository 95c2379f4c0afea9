package tuplespace.node;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one takeover, each logged with the time since the backup saw its primary fail, so that a
 * slow failover shows where its time went (failure seen → fenced → SAPs bound → connected to the proxy →
 * registered → first answer sent). Owned by the node's event loop.
 */
final class TakeoverTimeline {

    private static final Logger LOG = LoggerFactory.getLogger(TakeoverTimeline.class);

    /**
     * A first answer this long after the step before it came late because no request came sooner, or the first one
     * waited (for a slow disk, say), while the takeover's own steps were over: its line says so, or it would read as a
     * failover that took that long.
     */
    static final long IDLE_BEFORE_FIRST_ANSWER_MILLIS = 1_000;

    private final LongSupplier nanoClock;
    private final long failureSeenNanos;
    private long lastStepNanos;
    private boolean answered;

    private TakeoverTimeline(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.failureSeenNanos = nanoClock.getAsLong();
        this.lastStepNanos = failureSeenNanos;
    }

    /** Starts the clock: the backup has just seen its primary fail. */
    static TakeoverTimeline startingNow() {
        return startingNow(System::nanoTime);
    }

    /** The same, on {@code nanoClock} (tests). */
    static TakeoverTimeline startingNow(LongSupplier nanoClock) {
        return new TakeoverTimeline(nanoClock);
    }

    /** A takeover is over after this long even when no client asked anything (no first answer to end it). */
    static final long LONGEST_MILLIS = 60_000;

    /**
     * Logs a step, until the first answer or {@link #LONGEST_MILLIS}: the takeover ends there. A registration after it
     * (the proxy link lost and found again, hours later) is no takeover step: it logged "takeover +110498.0 ms".
     */
    void step(String what) {
        if (!answered && elapsedMillis() < LONGEST_MILLIS) {
            LOG.info("takeover +{} ms: {}", elapsedMillis(), what);
            lastStepNanos = nanoClock.getAsLong();
        }
    }

    /** Logs the first answer sent to the proxy as primary, the takeover's last step; later answers log nothing. */
    void answerSent() {
        if (!answered) {
            double idle = millis(nanoClock.getAsLong() - lastStepNanos);
            step(idle < IDLE_BEFORE_FIRST_ANSWER_MILLIS ? "first answer sent to the proxy"
                    : "first answer sent to the proxy, " + idle + " ms after the step before (no request came sooner,"
                    + " or the first waited: the takeover's own steps ended there)");
            answered = true;
        }
    }

    /** Milliseconds with one decimal, without String.format: its first use loads enough classes to show here. */
    private double elapsedMillis() {
        return millis(nanoClock.getAsLong() - failureSeenNanos);
    }

    private static double millis(long nanos) {
        return nanos / 100_000 / 10.0;
    }
}
