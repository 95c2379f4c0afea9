package tuplespace.bench.scale;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU seconds per run of something, by process ({@link ProcessCpu}), averaged over the runs during which no process
 * was replaced: a failover in the middle of a read leaves that read's figures meaningless, not the others'.
 */
final class CpuPerRun {

    private final Supplier<Map<String, Long>> pids;
    private final Map<String, Double> totals = new LinkedHashMap<>();
    private int runs;

    /** {@code pids}: the processes to watch, by name, as they are at the moment it is called. */
    CpuPerRun(Supplier<Map<String, Long>> pids) {
        this.pids = pids;
    }

    <T> T measure(Supplier<T> run) {
        Map<String, Long> before = pids.get();
        Map<String, Double> start = ProcessCpu.snapshot(before);
        T result = run.get();
        if (before.equals(pids.get())) {
            ProcessCpu.perRun(start, ProcessCpu.snapshot(before), 1).forEach((name, seconds) -> totals.merge(name, seconds, Double::sum));
            runs++;
        }
        return result;
    }

    /** Mean CPU seconds per counted run, by process; empty when no run counted. */
    Map<String, Double> perRun() {
        Map<String, Double> mean = new LinkedHashMap<>();
        totals.forEach((name, seconds) -> mean.put(name, seconds / runs));
        return mean;
    }
}
