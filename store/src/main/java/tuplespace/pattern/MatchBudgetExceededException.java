package tuplespace.pattern;

import java.util.Objects;

/**
 * Thrown by {@link PyPattern#fullMatches} when a bound of its {@link MatchBudget} is passed, or the Java matcher
 * overflowed its stack (then {@link CutOff#MATCH_BUDGET}: that is catastrophic backtracking too). The message is a
 * sentence fit for a client warning; {@link #cutOff()} says which bound, for code. Stack trace disabled: it is thrown
 * on a hot path by design.
 */
public final class MatchBudgetExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final CutOff cutOff;

    MatchBudgetExceededException(CutOff cutOff, String message) {
        super(message, null, false, false);
        if (Objects.requireNonNull(cutOff, "cutOff") == CutOff.NONE) {
            throw new IllegalArgumentException("expected the bound that was passed, found NONE");
        }
        this.cutOff = cutOff;
    }

    /** {@link CutOff#MATCH_BUDGET} or {@link CutOff#REQUEST_CPU_LIMIT}, never {@link CutOff#NONE}. */
    public CutOff cutOff() {
        return cutOff;
    }
}
