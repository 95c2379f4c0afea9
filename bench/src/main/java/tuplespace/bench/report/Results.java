package tuplespace.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tuplespace.bench.durability.RecoveryResult;
import tuplespace.bench.failover.FailoverRepetition;
import tuplespace.bench.load.LoadResult;
import tuplespace.bench.resync.ResyncResult;
import tuplespace.bench.scale.ScaleResult;
import tuplespace.bench.slowreaders.SlowReadersResult;

/** Everything one suite run measured, filled as it goes; a part that failed stays absent and its error is kept. */
public final class Results {

    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<Scenario, List<Round>> throughput = new EnumMap<>(Scenario.class);
    private final Map<String, List<FailoverRepetition>> failover = new LinkedHashMap<>();
    private final Map<String, ResyncResult> resync = new LinkedHashMap<>();
    private final Map<String, RecoveryResult> recovery = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final Map<String, ScaleResult> scale = new LinkedHashMap<>();
    private SlowReadersResult slowReaders;

    public Map<String, String> environment() {
        return environment;
    }

    /**
     * One measured run of a scenario. The throughput part measures each scenario in rounds, the systems in turn, so
     * that rounds of the same number ran side by side; the other parts measure a scenario once, as round 1.
     */
    public record Round(int number, LoadResult result) {
    }

    public void put(Scenario scenario, int round, LoadResult result) {
        throughput.computeIfAbsent(scenario, s -> new ArrayList<>()).add(new Round(round, result));
    }

    /** The scenario's rounds in the order they ran; empty when it did not run. */
    public List<Round> rounds(Scenario scenario) {
        return Collections.unmodifiableList(throughput.getOrDefault(scenario, List.of()));
    }

    public Map<Scenario, List<Round>> throughput() {
        return Collections.unmodifiableMap(throughput);
    }

    public void putFailover(String system, List<FailoverRepetition> repetitions) {
        failover.put(system, List.copyOf(repetitions));
    }

    public Optional<List<FailoverRepetition>> failover(String system) {
        return Optional.ofNullable(failover.get(system)).filter(list -> !list.isEmpty());
    }

    public Map<String, List<FailoverRepetition>> failover() {
        return failover;
    }

    public void putResync(ResyncResult result) {
        resync.put(result.system(), result);
    }

    public Optional<ResyncResult> resync(String system) {
        return Optional.ofNullable(resync.get(system));
    }

    public Map<String, ResyncResult> resync() {
        return resync;
    }

    public void putRecovery(RecoveryResult result) {
        recovery.put(result.system(), result);
    }

    public Optional<RecoveryResult> recovery(String system) {
        return Optional.ofNullable(recovery.get(system));
    }

    public void putScale(ScaleResult result) {
        scale.put(result.system(), result);
    }

    public Optional<ScaleResult> scale(String system) {
        return Optional.ofNullable(scale.get(system));
    }

    public Map<String, ScaleResult> scale() {
        return scale;
    }

    public void putSlowReaders(SlowReadersResult result) {
        slowReaders = result;
    }

    public Optional<SlowReadersResult> slowReaders() {
        return Optional.ofNullable(slowReaders);
    }

    /** A part of the run that failed: named, with why, so the report shows it instead of a silent gap. */
    public void fail(String part, Throwable why) {
        failures.put(part, String.valueOf(why));
    }

    public Map<String, String> failures() {
        return failures;
    }
}
