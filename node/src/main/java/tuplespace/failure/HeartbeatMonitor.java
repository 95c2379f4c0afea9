package tuplespace.failure;

import java.time.Duration;

/**
 * Failure detection as arithmetic (docs/design.md "Processes and links": interval and miss limit are options): the peer
 * has failed once more than {@code misses} whole intervals passed since it was last heard from. The caller feeds
 * it the time of every heartbeat it receives and asks at its own pace; the monitor reads no clock.
 */
public final class HeartbeatMonitor {

    private final long intervalNanos;
    private final int misses;
    private final long firstContactGraceNanos;
    private long lastHeardNanos;
    private boolean heard;

    /** @param startNanos when watching began: counts as a heartbeat, so a fresh peer gets a full allowance */
    public HeartbeatMonitor(Duration interval, int misses, long startNanos) {
        this(interval, misses, startNanos, interval.multipliedBy(misses + 1L));
    }

    /**
     * @param firstContactGrace how long a peer may stay silent before its first heartbeat: a freshly started
     *     JVM loads classes and connects before it can send one, which takes far longer than a miss allowance
     */
    public HeartbeatMonitor(Duration interval, int misses, long startNanos, Duration firstContactGrace) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("expected a positive heartbeat interval, found " + interval);
        }
        if (misses < 1) {
            throw new IllegalArgumentException("expected at least 1 allowed heartbeat miss, found " + misses);
        }
        this.intervalNanos = interval.toNanos();
        this.misses = misses;
        this.lastHeardNanos = startNanos;
        this.firstContactGraceNanos = firstContactGrace.toNanos();
    }

    /** A heartbeat: the peer's own timer runs. Ends the first-contact grace; from now on the miss allowance applies. */
    public void onHeartbeat(long nowNanos) {
        heard = true;
        onActivity(nowNanos);
    }

    /**
     * Other traffic from the peer (data, acknowledgements): it is alive now, but this says nothing about its
     * heartbeats flowing yet, so the first-contact grace goes on. A snapshot's last message before the peer's
     * heartbeats start must not turn a start-up gap into a failure.
     */
    public void onActivity(long nowNanos) {
        // A late-delivered message must not move the last-heard time backwards.
        if (nowNanos - lastHeardNanos > 0) {
            lastHeardNanos = nowNanos;
        }
    }

    /**
     * The peer announced work that keeps it silent until {@code untilNanos}: no interval before then counts as missed
     * (the announcement is a heartbeat that vouches for the time ahead).
     */
    public void busyUntil(long untilNanos) {
        onActivity(untilNanos);
    }

    /** Whole intervals that passed without a heartbeat. */
    public long missed(long nowNanos) {
        long silent = nowNanos - lastHeardNanos;
        return silent <= 0 ? 0 : silent / intervalNanos;
    }

    /** True once more than {@code misses} intervals passed in silence. */
    public boolean failed(long nowNanos) {
        if (!heard) {
            return nowNanos - lastHeardNanos >= firstContactGraceNanos;
        }
        return missed(nowNanos) > misses;
    }

    public int allowedMisses() {
        return misses;
    }
}
