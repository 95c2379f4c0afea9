package tuplespace.pattern;

/**
 * The subject as java.util.regex sees it: every {@value #CHECK_INTERVAL} reads of {@code charAt} it asks the
 * budget whether time is up and throws if so. java.util.regex has no timeout API, but its Matcher reads
 * the input only through this interface, so this bounds catastrophic backtracking (docs/python-regex.md §2).
 * Not thread-safe: one instance per match.
 */
final class DeadlineCharSequence implements CharSequence {
    static final int CHECK_INTERVAL = 1024;

    private final CharSequence text;
    private final MatchBudget budget;
    private int readsUntilCheck = CHECK_INTERVAL;

    DeadlineCharSequence(CharSequence text, MatchBudget budget) {
        this.text = text;
        this.budget = budget;
    }

    @Override
    public char charAt(int index) {
        if (--readsUntilCheck <= 0) {
            readsUntilCheck = CHECK_INTERVAL;
            budget.checkNotExhausted();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new DeadlineCharSequence(text.subSequence(start, end), budget);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
