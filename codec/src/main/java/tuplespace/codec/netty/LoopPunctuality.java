package tuplespace.codec.netty;

/**
 * Whether an event loop ran its periodic work on time, as told by that work itself: a check that comes more than two
 * intervals after the one before means the loop ran nothing meanwhile (its thread descheduled on a loaded machine, a
 * collection, a long batch of other events), so it read nothing from its links either. A silence the loop did not
 * watch is no evidence against a peer: a failure detector judges it again after another window instead
 * ({@link #stoodStillWithin}), the local-pause rule of Cassandra's failure detector. Under a flood of clients on 2
 * cores the proxy found the primary's and the backup's links "silent" at the same instant and dropped a healthy
 * primary.
 *
 * <p>Arithmetic only: the caller passes the times, in {@code System.nanoTime()} time, the time event loops schedule
 * in. Confined to the one loop that runs the checks.
 */
public final class LoopPunctuality {

    private final long intervalNanos;
    /** When the last check ran. */
    private long lastCheckNanos;
    /** When the loop last resumed after standing still; long before the start if it never did. */
    private long stillUntilNanos;

    /** Checks every {@code intervalNanos} from {@code startNanos} on. */
    public LoopPunctuality(long intervalNanos, long startNanos) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("expected a positive check interval, found " + intervalNanos + " ns");
        }
        this.intervalNanos = intervalNanos;
        this.lastCheckNanos = startNanos;
        this.stillUntilNanos = startNanos - Long.MAX_VALUE / 2;
    }

    /** A check runs at {@code nowNanos}: more than two intervals after the one before, the loop stood still. */
    public void checkedAt(long nowNanos) {
        if (nowNanos - lastCheckNanos > 2 * intervalNanos) {
            stillUntilNanos = nowNanos;
        }
        lastCheckNanos = nowNanos;
    }

    /**
     * Whether the loop stood still and resumed less than {@code windowNanos} before {@code nowNanos}: a peer's silence
     * over that window was partly this loop's own. A loop that stands still again and again thus delays verdicts as
     * long as it does: it could not act on them meanwhile.
     */
    public boolean stoodStillWithin(long windowNanos, long nowNanos) {
        return nowNanos - stillUntilNanos < windowNanos;
    }
}
