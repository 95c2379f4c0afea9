package tuplespace.pattern;

/** The match budget ran out. (Interim version: the full engine replaces this package.) */
public final class MatchBudgetExceededException extends RuntimeException {
    public MatchBudgetExceededException(String message) {
        super(message, null, false, false);
    }
}
