package tuplespace.bench.process;

import java.time.Duration;

/** The time budget of a whole run: parts check it before starting something long, so the run stays bounded. */
public record Deadline(long atNanos) {

    public static Deadline in(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }

    /** Whether {@code needed} still fits before the deadline. */
    public boolean allows(Duration needed) {
        return remaining().compareTo(needed) >= 0;
    }
}
