package tuplespace.node;

import java.time.Duration;

/** A pause that doubles each time it is taken, up to a maximum, and starts from the first again after a success. */
final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration next;

    Backoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("expected 0 < first <= max, found first " + first + ", max " + max);
        }
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** The pause to take now; the one after it is twice as long (at most the maximum). */
    Duration take() {
        Duration now = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        return now;
    }

    /** The pause {@link #take} gives next, without taking it. */
    Duration peek() {
        return next;
    }

    void reset() {
        next = first;
    }
}
