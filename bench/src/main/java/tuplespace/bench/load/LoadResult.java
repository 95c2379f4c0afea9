package tuplespace.bench.load;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one load run measured: answered operations per second in the measured window, latency, errors, and the CPU
 * time each process of the target (and the load generator, {@link #LOAD_GENERATOR}) spent per operation in that
 * window, in microseconds (NaN for a process that could not be read, e.g. one replaced meanwhile).
 */
public record LoadResult(String target, LoadOptions options, long operations, double seconds, long errors,
                         LatencySummary latency, String firstError, Map<String, Double> cpuMicrosPerOperation) {

    /** The name of the load generator's own process in {@link #cpuMicrosPerOperation}. */
    public static final String LOAD_GENERATOR = "load generator";

    public LoadResult {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(latency, "latency");
        cpuMicrosPerOperation = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(cpuMicrosPerOperation));
        if (seconds <= 0) {
            throw new IllegalArgumentException("seconds: expected > 0, found " + seconds);
        }
    }

    public double opsPerSecond() {
        return operations / seconds;
    }

    /**
     * The CPU time per operation of the measured system's processes together (the load generator's apart); empty when
     * none was measured or one could not be read.
     */
    public Optional<Double> systemCpuMicrosPerOperation() {
        List<Double> system = cpuMicrosPerOperation.entrySet().stream()
                .filter(process -> !process.getKey().equals(LOAD_GENERATOR))
                .map(Map.Entry::getValue)
                .toList();
        if (system.isEmpty() || system.stream().anyMatch(micros -> micros.isNaN())) {
            return Optional.empty();
        }
        return Optional.of(system.stream().mapToDouble(Double::doubleValue).sum());
    }
}
