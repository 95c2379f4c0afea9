package tuplespace.pattern;

/**
 * Thrown by {@link PyPattern#fullMatches} when the request's {@link MatchBudget} is spent or the Java
 * matcher overflowed its stack. The message is fit for a client warning (SPEC §1: such a request answers
 * as malformed, with a warning that says why). Stack trace disabled: it is thrown on a hot path by design.
 */
public final class MatchBudgetExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MatchBudgetExceededException(String message) {
        super(message, null, false, false);
    }
}
