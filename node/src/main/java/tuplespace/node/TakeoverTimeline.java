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

    void step(String what) {
        LOG.info("takeover +{} ms: {}", elapsedMillis(), what);
    }

    /** Logs the first answer sent to the proxy as primary; later answers log nothing. */
    void answerSent() {
        if (!answered) {
            answered = true;
            step("first answer sent to the proxy");
        }
    }

    /** Milliseconds with one decimal, without String.format: its first use loads enough classes to show here. */
    private double elapsedMillis() {
        return (System.nanoTime() - failureSeenNanos) / 100_000 / 10.0;
    }
}
