package tuplespace.bench.load;

import org.HdrHistogram.Histogram;

/** Latency percentiles in microseconds, from a histogram recorded in nanoseconds. */
public record LatencySummary(long count, double p50Micros, double p99Micros, double p999Micros, double maxMicros) {

    public LatencySummary {
        if (count < 0) {
            throw new IllegalArgumentException("count: expected >= 0, found " + count);
        }
    }

    public static LatencySummary of(Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0);
        }
        return new LatencySummary(nanos.getTotalCount(), micros(nanos.getValueAtPercentile(50)),
                micros(nanos.getValueAtPercentile(99)), micros(nanos.getValueAtPercentile(99.9)), micros(nanos.getMaxValue()));
    }

    /** A histogram of nanosecond latencies from 1 µs to 2 minutes, 3 significant digits. */
    public static Histogram newNanosHistogram() {
        return new Histogram(1_000, 120_000_000_000L, 3);
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }
}
