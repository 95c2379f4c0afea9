package tuplespace.pattern;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A time bound shared by all matches of one request (SPEC §1: no pattern may stall the server). The
 * caller creates it at the edge with an injected monotonic clock, so the store itself never reads a clock.
 * Immutable; sharing one budget across the matches of a request is the point.
 */
public final class MatchBudget {
    private static final MatchBudget UNLIMITED = new MatchBudget(null, () -> 0L, 0L);

    private final Duration limit;
    private final LongSupplier nanoClock;
    private final long deadlineNanos;

    private MatchBudget(Duration limit, LongSupplier nanoClock, long deadlineNanos) {
        this.limit = limit;
        this.nanoClock = nanoClock;
        this.deadlineNanos = deadlineNanos;
    }

    /** A budget of {@code limit} starting now, as read from {@code nanoClock} (e.g. {@code System::nanoTime}). */
    public static MatchBudget of(Duration limit, LongSupplier nanoClock) {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(nanoClock, "nanoClock");
        if (limit.isNegative()) {
            throw new IllegalArgumentException("expected a non-negative match budget, found " + limit);
        }
        return new MatchBudget(limit, nanoClock, nanoClock.getAsLong() + limit.toNanos());
    }

    /** A budget that never runs out; for tests and trusted callers only. */
    public static MatchBudget unlimited() {
        return UNLIMITED;
    }

    public boolean exhausted() {
        // Subtraction, not comparison, so a clock that wraps around still works (System.nanoTime contract).
        return limit != null && nanoClock.getAsLong() - deadlineNanos >= 0;
    }

    /** Throws when the budget is spent; called by the matcher every few hundred character reads. */
    void checkNotExhausted() {
        if (exhausted()) {
            throw timedOut();
        }
    }

    MatchBudgetExceededException timedOut() {
        return new MatchBudgetExceededException("pattern matching exceeded its " + describeLimit()
                + " budget (catastrophic backtracking?)");
    }

    MatchBudgetExceededException stackExhausted() {
        return new MatchBudgetExceededException("pattern matching ran out of stack within its " + describeLimit()
                + " budget (catastrophic backtracking or a very long subject?)");
    }

    private String describeLimit() {
        return limit == null ? "unlimited" : limit.toMillis() + " ms";
    }
}
