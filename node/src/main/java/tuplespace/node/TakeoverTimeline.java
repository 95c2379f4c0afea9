package tuplespace.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one takeover, each logged with the time since the backup saw its primary fail, so that a
 * slow failover shows where its time went (failure seen → fenced → SAPs bound → connected to the proxy →
 * registered → first answer sent). Owned by the node's event loop.
 */
final class TakeoverTimeline {

    private static final Logger LOG = LoggerFactory.getLogger(TakeoverTimeline.class);

    private final long failureSeenNanos;
    private boolean answered;

    private TakeoverTimeline(long failureSeenNanos) {
        this.failureSeenNanos = failureSeenNanos;
    }

    /** Starts the clock: the backup has just seen its primary fail. */
    static TakeoverTimeline startingNow() {
        return new TakeoverTimeline(System.nanoTime());
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
        }
    }

    /** Logs the first answer sent to the proxy as primary, the takeover's last step; later answers log nothing. */
    void answerSent() {
        if (!answered) {
            step("first answer sent to the proxy");
            answered = true;
        }
    }

    /** Milliseconds with one decimal, without String.format: its first use loads enough classes to show here. */
    private double elapsedMillis() {
        return (System.nanoTime() - failureSeenNanos) / 100_000 / 10.0;
    }
}
