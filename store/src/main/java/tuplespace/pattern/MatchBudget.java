package tuplespace.pattern;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The time bounds of one GET or DELETE (docs/protocol.md "The data": no pattern may stall the server), charged on a
 * clock the caller injects, so that the store itself never reads one. Two bounds, against two different harms:
 * <ul>
 *   <li>the <em>match budget</em> bounds matching one pattern against <em>one</em> text (a key's or a value's text
 *       form): it stops catastrophic backtracking, and never depends on how many pairs a request covers;</li>
 *   <li>the <em>request limit</em>, much larger, bounds the time of the whole request however many texts it matches,
 *       so that a scan of a very large space cannot hold its thread for ever.</li>
 * </ul>
 * Past either, {@link PyPattern#fullMatches} throws {@link MatchBudgetExceededException} saying which
 * ({@link CutOff#MATCH_BUDGET} or {@link CutOff#REQUEST_CPU_LIMIT}).
 *
 * <p>The clock is kept off the common path. A text's own clock starts at its first check, after
 * {@value DeadlineCharSequence#CHECK_INTERVAL} character reads, and is read again at every further such interval:
 * most texts are a dozen characters and never read it, and a text is charged less than its true time by at most
 * what one interval of reads took. The request's clock is read when the budget is made, then at the start of every
 * {@value #TEXTS_PER_CHECK}th text and whenever a text's clock is read; so a request is charged in full, but may run
 * past its limit by the time {@value #TEXTS_PER_CHECK} texts take.
 *
 * <p>Not thread-safe, and one per request: it counts the texts of its request, and its clock is the clock of the
 * thread that does the matching (the node passes the thread's CPU time). A thread that evaluates requests, the event
 * loop or a scan thread alike, makes a budget per request with its own clock.
 */
public final class MatchBudget {

    /** How many texts a request matches between two readings of the request's clock. A power of two. */
    static final int TEXTS_PER_CHECK = 1024;

    private final long matchBudgetNanos;
    private final long requestLimitNanos;
    private final LongSupplier nanoClock;
    private final long requestStart;
    private long texts;

    private MatchBudget(long matchBudgetNanos, long requestLimitNanos, LongSupplier nanoClock) {
        this.matchBudgetNanos = matchBudgetNanos;
        this.requestLimitNanos = requestLimitNanos;
        this.nanoClock = nanoClock;
        this.requestStart = nanoClock.getAsLong();
    }

    /**
     * A budget for one request starting now: {@code matchBudget} per text, {@code requestLimit} in all, charged on
     * {@code nanoClock}, a monotonic count of nanoseconds of which only differences matter (e.g. the thread's CPU time,
     * or {@code System::nanoTime}).
     */
    public static MatchBudget of(Duration matchBudget, Duration requestLimit, LongSupplier nanoClock) {
        Objects.requireNonNull(nanoClock, "nanoClock");
        return new MatchBudget(nanos("match budget", matchBudget), nanos("request limit", requestLimit), nanoClock);
    }

    private static final MatchBudget UNLIMITED = new MatchBudget(Long.MAX_VALUE, Long.MAX_VALUE, () -> 0L);

    /**
     * A budget that never runs out; for tests and trusted callers only. It reads no clock and, counting nothing, stays
     * as it is: one instance serves every request on every thread.
     */
    public static MatchBudget unlimited() {
        return UNLIMITED;
    }

    /** Whether the request limit is spent, as the clock reads now. */
    public boolean exhausted() {
        // Subtraction, not comparison, so a clock that wraps around still works (System.nanoTime contract).
        return nanoClock.getAsLong() - requestStart >= requestLimitNanos;
    }

    /** Called as a match of one text begins: every {@value #TEXTS_PER_CHECK}th text checks the request limit. */
    void textStarted() {
        if (requestLimitNanos == Long.MAX_VALUE) {
            return; // no limit to check (and the unlimited budget is shared: it must not change)
        }
        if ((++texts & (TEXTS_PER_CHECK - 1)) == 0) {
            readClock();
        }
    }

    /** Reads the clock, checks the request limit, and returns the reading (a text's clock counts from it). */
    long readClock() {
        long now = nanoClock.getAsLong();
        long used = now - requestStart;
        if (used >= requestLimitNanos) {
            throw new MatchBudgetExceededException(CutOff.REQUEST_CPU_LIMIT, "the request took " + describe(used)
                    + " matching " + texts + " texts, more than its limit of " + describe(requestLimitNanos));
        }
        return now;
    }

    /** Checks the match budget of one text, {@code elapsed} nanoseconds after its clock started. */
    void checkText(long elapsed) {
        if (elapsed >= matchBudgetNanos) {
            throw new MatchBudgetExceededException(CutOff.MATCH_BUDGET, "took more than its match budget of "
                    + describe(matchBudgetNanos) + " on one text (catastrophic backtracking?)");
        }
    }

    MatchBudgetExceededException stackExhausted() {
        return new MatchBudgetExceededException(CutOff.MATCH_BUDGET, "ran out of stack within its match budget of "
                + describe(matchBudgetNanos) + " on one text (catastrophic backtracking or a very long text?)");
    }

    private static long nanos(String what, Duration duration) {
        Objects.requireNonNull(duration, what);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("expected a non-negative " + what + ", found " + duration);
        }
        try {
            return duration.toNanos();
        } catch (ArithmeticException longerThanCenturies) {
            return Long.MAX_VALUE;
        }
    }

    private static String describe(long nanos) {
        if (nanos == Long.MAX_VALUE) {
            return "unlimited";
        }
        if (nanos < 1_000_000_000L) {
            return nanos / 1_000_000 + " ms";
        }
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
