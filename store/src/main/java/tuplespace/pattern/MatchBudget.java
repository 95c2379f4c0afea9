package tuplespace.pattern;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A time bound shared by all matches of one request. (Interim version: the full engine replaces this package.) */
public final class MatchBudget {
    private final long deadline;
    private final LongSupplier clock;
    private final Duration limit;

    private MatchBudget(Duration limit, LongSupplier clock) {
        this.limit = limit;
        this.clock = clock;
        this.deadline = limit == null ? Long.MAX_VALUE : clock.getAsLong() + limit.toNanos();
    }

    public static MatchBudget of(Duration limit, LongSupplier nanoClock) {
        return new MatchBudget(limit, nanoClock);
    }

    public static MatchBudget unlimited() {
        return new MatchBudget(null, () -> 0L);
    }

    public boolean exhausted() {
        return limit != null && clock.getAsLong() - deadline > 0;
    }
}
