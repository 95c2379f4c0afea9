package tuplespace.node;

import java.time.Duration;

/**
 * When to start the next backup after one failed (README "Running it"), as arithmetic: up to {@code --backup-restarts}
 * quick restarts in a row, then the primary serves degraded and tries again with pauses that double up to a maximum. A
 * backup that goes live resets it. No clock, no I/O: {@link BackupSupervisor} asks it and acts.
 */
final class RestartPolicy {

    /**
     * The next attempt: after {@code pause}; {@code degraded} once the quick restarts are spent, and {@code
     * newlyDegraded} the first time that is so (the operator hears it once).
     */
    record Next(Duration pause, boolean degraded, boolean newlyDegraded, int failedRestarts) {
    }

    private final int quickRestarts;
    private final Duration quickPause;
    private final Backoff backoff;
    private int consecutiveFailures;
    private long restarts;
    private boolean degraded;

    RestartPolicy(int quickRestarts, Duration quickPause, Duration firstBackoff, Duration maxBackoff) {
        if (quickRestarts < 0) {
            throw new IllegalArgumentException("expected quick restarts >= 0, found " + quickRestarts);
        }
        this.quickRestarts = quickRestarts;
        this.quickPause = quickPause;
        this.backoff = new Backoff(firstBackoff, maxBackoff);
    }

    /** A backup failed: when to try the next one. */
    Next failed() {
        restarts++;
        if (consecutiveFailures < quickRestarts) {
            consecutiveFailures++;
            return new Next(quickPause, false, false, consecutiveFailures);
        }
        boolean newly = !degraded;
        degraded = true;
        return new Next(backoff.take(), true, newly, consecutiveFailures);
    }

    /** A backup went live: the next failure starts from quick restarts again. */
    void live() {
        degraded = false;
        consecutiveFailures = 0;
        backoff.reset();
    }

    /** Serving without a backup after the quick restarts were spent (until one goes live). */
    boolean degraded() {
        return degraded;
    }

    /** Backups started after a failure, over the primary's life (STATUS {@code restarts}). */
    long restarts() {
        return restarts;
    }
}
