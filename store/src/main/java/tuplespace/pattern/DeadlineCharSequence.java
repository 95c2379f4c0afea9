package tuplespace.pattern;

/**
 * The text as java.util.regex sees it: every {@value #CHECK_INTERVAL} reads of {@code charAt} it reads the budget's
 * clock and throws if the text's match budget or the request limit is spent. java.util.regex has no timeout API, but
 * its Matcher reads the input only through this interface, so this bounds catastrophic backtracking (docs/python-regex.md §2).
 *
 * <p>The text's clock starts at the first check, not at the first read, so that the many short texts never read a
 * clock at all; the time of the first interval of reads is not charged (see {@link MatchBudget}).
 * Not thread-safe: one instance per match, or pointed at one text after another by {@link #reset} (one thread).
 */
final class DeadlineCharSequence implements CharSequence {
    static final int CHECK_INTERVAL = 1024;

    private CharSequence text;
    private final MatchBudget budget;
    private int readsUntilCheck = CHECK_INTERVAL;
    private boolean clockStarted;
    private long clockStart;

    DeadlineCharSequence(CharSequence text, MatchBudget budget) {
        this.text = text;
        this.budget = budget;
    }

    /** Points this at the next text, as a new instance would be: its clock not started, a full interval of reads. */
    void reset(CharSequence next) {
        text = next;
        readsUntilCheck = CHECK_INTERVAL;
        clockStarted = false;
    }

    @Override
    public char charAt(int index) {
        if (--readsUntilCheck <= 0) {
            readsUntilCheck = CHECK_INTERVAL;
            check();
        }
        return text.charAt(index);
    }

    private void check() {
        long now = budget.readClock();
        if (clockStarted) {
            budget.checkText(now - clockStart);
        } else {
            clockStarted = true;
            clockStart = now;
        }
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
