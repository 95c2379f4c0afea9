package tuplespace.node.persistence;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import tuplespace.failure.Ticker;

/** Virtual time for the log's intervals: it moves only when a test says so. */
final class ManualTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanos() {
        return nanos.get();
    }

    void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
