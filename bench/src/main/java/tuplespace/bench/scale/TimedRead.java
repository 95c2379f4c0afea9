package tuplespace.bench.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.bench.process.Deadline;

/** One big read: how long it took, from the request to the last pair decoded, and how many pairs it returned. */
record TimedRead(double millis, long pairs) {

    private static final Logger LOG = LoggerFactory.getLogger(TimedRead.class);

    /** Runs {@code read} once, timing it. */
    static TimedRead time(Supplier<Long> read) {
        long start = System.nanoTime();
        long pairs = read.get();
        return new TimedRead((System.nanoTime() - start) / 1e6, pairs);
    }

    /**
     * {@code count} timed reads in a row. Another one only if it fits the run's budget (twice the slowest so far,
     * as the resync part does), so a slow shared machine shortens the series instead of overrunning the run.
     */
    static List<TimedRead> repeat(String what, int count, Deadline deadline, Supplier<Long> read) {
        List<TimedRead> reads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double slowest = reads.stream().mapToDouble(TimedRead::millis).max().orElse(0);
            if (i > 0 && !deadline.allows(Duration.ofMillis(Math.round(2 * slowest)))) {
                LOG.warn("{}: {} of {} repetitions, the run's time budget is spent", what, i, count);
                break;
            }
            reads.add(time(read));
            LOG.info("{} {}: {} pairs in {} ms", what, i + 1, reads.get(i).pairs(), Math.round(reads.get(i).millis()));
        }
        return reads;
    }

    static List<Double> millis(List<TimedRead> reads) {
        return reads.stream().map(TimedRead::millis).toList();
    }

    static List<Long> pairs(List<TimedRead> reads) {
        return reads.stream().map(TimedRead::pairs).toList();
    }
}
