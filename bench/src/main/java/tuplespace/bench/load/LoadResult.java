package tuplespace.bench.load;

import java.util.Objects;

/** What one load run measured: answered operations per second in the measured window, latency, errors. */
public record LoadResult(String target, LoadOptions options, long operations, double seconds, long errors,
                         LatencySummary latency, String firstError) {

    public LoadResult {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(latency, "latency");
        if (seconds <= 0) {
            throw new IllegalArgumentException("seconds: expected > 0, found " + seconds);
        }
    }

    public double opsPerSecond() {
        return operations / seconds;
    }
}
