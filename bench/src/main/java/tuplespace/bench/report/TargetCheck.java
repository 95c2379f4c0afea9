package tuplespace.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import tuplespace.bench.durability.RecoveryResult;
import tuplespace.bench.failover.FailoverRepetition;
import tuplespace.bench.failover.FailoverSystem;
import tuplespace.bench.load.LoadResult;
import tuplespace.bench.report.Results.Round;
import tuplespace.bench.resync.ResyncResult;
import tuplespace.bench.slowreaders.SlowReadersResult;

/** The targets the project holds itself to against Redis (bench/README.md lists them), checked on one run's results. */
public final class TargetCheck {

    static final double FAILOVER_P50_MILLIS = 100;
    /** The issue "throughput with pipelining": from kill -9 of the primary to a new backup live, median. */
    static final double PROTECTED_AGAIN_MILLIS = 1_500;
    static final double BYTES_PER_PAIR = 160;
    /** The issue "reads and deletes at scale": with 64 slow readers, proxy and primary each under this. */
    static final long SLOW_READERS_RSS = 512L << 20;
    static final double SLOW_READERS_P99_MICROS = 10_000;

    private TargetCheck() {
    }

    public static List<Comparison> compare(Results results) {
        List<Comparison> rows = new ArrayList<>();
        rows.add(ratio(results, "writes, 50 conn, pipeline 1", Scenario.TUPLESPACE_PUT_P1, Scenario.REDIS_SET_WAIT_P1, 1.0));
        rows.add(ratio(results, "writes, 50 conn, pipeline 1", Scenario.TUPLESPACE_PUT_P1, Scenario.REDIS_SET_P1, 0.7));
        rows.add(ratio(results, "writes, 50 conn, pipeline 16", Scenario.TUPLESPACE_PUT_P16, Scenario.REDIS_SET_WAIT_P16, 1.0));
        rows.add(ratio(results, "reads, 50 conn, pipeline 1", Scenario.TUPLESPACE_GET_P1, Scenario.REDIS_GET_P1, 0.9));
        rows.add(ratio(results, "reads, 50 conn, pipeline 16", Scenario.TUPLESPACE_GET_P16, Scenario.REDIS_GET_P16, 0.7));
        rows.add(atMost(results, "write latency, 50 conn, pipeline 16: p99 (µs)", Scenario.TUPLESPACE_PUT_P16,
                Scenario.REDIS_SET_WAIT_P16, TargetCheck::p99Micros, 2.0));
        rows.add(atMost(results, "read latency, 50 conn, pipeline 16: p99 (µs)", Scenario.TUPLESPACE_GET_P16,
                Scenario.REDIS_GET_P16, TargetCheck::p99Micros, 2.0));
        rows.add(atMost(results, "CPU per replicated write, 50 conn, pipeline 16: system's processes (µs)",
                Scenario.TUPLESPACE_PUT_P16, Scenario.REDIS_SET_WAIT_P16, LoadResult::systemCpuMicrosPerOperation, 1.0));
        rows.add(ratio(results, "durable writes, 50 conn, pipeline 1", Scenario.TUPLESPACE_FSYNC_ALWAYS_PUT_P1,
                Scenario.REDIS_AOF_ALWAYS_SET_WAIT_P1, 1.0));
        // The durable part's memory-only service runs beside its durable ones, in the same rounds.
        rows.add(ratio(results, "durable writes against our own non-durable", Scenario.TUPLESPACE_FSYNC_ALWAYS_PUT_P1,
                Scenario.TUPLESPACE_MEMORY_PUT_P1, 0.5));
        rows.add(ratio(results, "everysec writes against our own non-durable",
                Scenario.TUPLESPACE_FSYNC_EVERYSEC_PUT_P1, Scenario.TUPLESPACE_MEMORY_PUT_P1, 0.9));
        rows.add(recovery(results));
        rows.add(failover(results));
        rows.add(protectedAgain(results));
        rows.add(lostWrites(results));
        rows.add(hung(results));
        rows.add(resync(results));
        rows.add(memory(results));
        rows.addAll(ScaleReport.targets(results));
        rows.add(slowReaders(results));
        return rows;
    }

    /** Our throughput in {@code ours} must reach {@code atLeast} times that of {@code theirs}, round by round. */
    private static Comparison ratio(Results results, String what, Scenario ours, Scenario theirs, double atLeast) {
        return atLeast(what, describe(ours.operation(), results.rounds(ours), TargetCheck::opsPerSecond),
                describe(theirs.operation(), results.rounds(theirs), TargetCheck::opsPerSecond),
                medianRoundRatio(results, ours, theirs, TargetCheck::opsPerSecond), theirs.operation(), atLeast);
    }

    /** A throughput row: met when {@code ratio}, ours over {@code reference}'s, is at least {@code atLeast}. */
    private static Comparison atLeast(String what, String our, String their, Optional<Double> ratio, String reference,
                                      double atLeast) {
        return new Comparison(what + " (ops/s)", our, their, ratio, "≥ " + atLeast + "× " + reference,
                ratio.map(r -> r >= atLeast));
    }

    /** A figure of our run of {@code ours} must be at most {@code atMost} times the same figure of {@code theirs}. */
    private static Comparison atMost(Results results, String what, Scenario ours, Scenario theirs,
                                     Function<LoadResult, Optional<Double>> figure, double atMost) {
        Optional<Double> ratio = medianRoundRatio(results, ours, theirs, figure);
        return new Comparison(what, describe(ours.operation(), results.rounds(ours), figure),
                describe(theirs.operation(), results.rounds(theirs), figure), ratio,
                "≤ " + atMost + "× " + theirs.operation(), ratio.map(r -> r <= atMost));
    }

    /**
     * The median of a figure's ratios, ours over theirs, each taken between rounds of one number: those ran side by
     * side, so the machine's drift from one round to the next falls on both figures of a ratio alike. Empty when no
     * round of one number ran for both, or when a figure is missing in a round that did (a round that answered nothing
     * has no p99 to pass with).
     */
    private static Optional<Double> medianRoundRatio(Results results, Scenario ours, Scenario theirs,
                                                     Function<LoadResult, Optional<Double>> figure) {
        List<Double> ratios = new ArrayList<>();
        for (Round our : results.rounds(ours)) {
            Optional<Round> their = results.rounds(theirs).stream().filter(r -> r.number() == our.number()).findFirst();
            if (their.isEmpty()) {
                continue;
            }
            Optional<Double> o = figure.apply(our.result());
            Optional<Double> t = figure.apply(their.get().result()).filter(value -> value > 0);
            if (o.isEmpty() || t.isEmpty()) {
                return Optional.empty();
            }
            ratios.add(o.get() / t.get());
        }
        return ratios.isEmpty() ? Optional.empty() : Optional.of(Figures.median(ratios));
    }

    /** The median of a figure over the rounds that have it; empty when none has. */
    private static Optional<Double> median(List<Round> rounds, Function<LoadResult, Optional<Double>> figure) {
        List<Double> values = rounds.stream().flatMap(r -> figure.apply(r.result()).stream()).toList();
        return values.isEmpty() ? Optional.empty() : Optional.of(Figures.median(values));
    }

    /**
     * {@code PUT (sync) 30,000}: the median over the rounds; with several, each round's figure by its number,
     * {@code PUT (sync) 30,000 (r1 28,000 / r2 30,000 / r3 31,500)}.
     */
    private static String describe(String operation, List<Round> rounds, Function<LoadResult, Optional<Double>> figure) {
        Optional<Double> median = median(rounds, figure);
        if (median.isEmpty()) {
            return "n/a";
        }
        String each = rounds.size() < 2 ? "" : rounds.stream()
                .map(r -> "r" + r.number() + " " + figure.apply(r.result()).map(Figures::count).orElse("n/a"))
                .collect(Collectors.joining(" / ", " (", ")"));
        return operation + " " + Figures.count(median.get()) + each;
    }

    private static Optional<Double> opsPerSecond(LoadResult result) {
        return Optional.of(result.opsPerSecond());
    }

    /** A run's p99, if it measured any latency (a run that answered nothing has none, not a p99 of 0). */
    private static Optional<Double> p99Micros(LoadResult result) {
        return result.latency().count() == 0 ? Optional.empty() : Optional.of(result.latency().p99Micros());
    }

    private static Comparison recovery(Results results) {
        Optional<RecoveryResult> tuplespace = results.recovery("tuplespace");
        Optional<RecoveryResult> redis = results.recovery("redis");
        String pairs = tuplespace.or(() -> redis).map(r -> Figures.count(r.pairs())).orElse("?");
        return atMostRedis("recovery of " + pairs + " pairs from disk: process start → serving, median (min, max)",
                tuplespace.map(RecoveryResult::startToServingMillis), " (snapshot + log)",
                redis.map(RecoveryResult::startToServingMillis), " (RDB)");
    }

    /** Durations of ours against Redis's, by their medians: ours must take at most as long. */
    private static Comparison atMostRedis(String what, Optional<List<Double>> ours, String ourNote,
                                          Optional<List<Double>> theirs, String theirNote) {
        Optional<Double> ratio = ours.map(Figures::median)
                .flatMap(o -> theirs.map(Figures::median).filter(t -> t > 0).map(t -> o / t));
        return new Comparison(what, ours.map(millis -> Figures.spreadMillis(millis) + ourNote).orElse("n/a"),
                theirs.map(millis -> Figures.spreadMillis(millis) + theirNote).orElse("n/a"), ratio, "≤ 1.0× Redis",
                ratio.map(r -> r <= 1.0));
    }

    private static Comparison failover(Results results) {
        Optional<List<FailoverRepetition>> tuplespace = results.failover("tuplespace");
        Optional<List<FailoverRepetition>> redis = results.failover("redis+sentinel");
        Optional<Double> ours = tuplespace.map(reps -> Figures.median(each(reps, FailoverRepetition::killToFirstAnswerMillis)));
        Optional<Double> theirs = redis.map(reps -> Figures.median(each(reps, FailoverRepetition::killToFirstAnswerMillis)));
        long ourErrors = tuplespace.map(reps -> reps.stream().mapToLong(FailoverRepetition::clientErrors).sum()).orElse(0L);
        long theirErrors = redis.map(reps -> reps.stream().mapToLong(FailoverRepetition::clientErrors).sum()).orElse(0L);
        return new Comparison("failover: kill -9 → first answer, p50 (min, max)",
                tuplespace.map(reps -> Figures.spreadMillis(each(reps, FailoverRepetition::killToFirstAnswerMillis))
                        + ", " + ourErrors + " client errors").orElse("n/a"),
                redis.map(reps -> Figures.spreadMillis(each(reps, FailoverRepetition::killToFirstAnswerMillis))
                        + ", " + theirErrors + " client errors").orElse("n/a"),
                ours.flatMap(o -> theirs.map(t -> o / t)),
                "p50 ≤ " + Math.round(FAILOVER_P50_MILLIS) + " ms, 0 client errors",
                ours.map(o -> o <= FAILOVER_P50_MILLIS && ourErrors == 0));
    }

    /** After each kill -9: until the new primary has a new backup live, while the writers go on for a second. */
    private static Comparison protectedAgain(Results results) {
        Optional<List<FailoverRepetition>> kills = results.failover("tuplespace");
        List<Double> seen = kills.map(reps -> reps.stream().map(FailoverRepetition::protectedAgainMillis)
                .filter(OptionalDouble::isPresent).map(OptionalDouble::getAsDouble).toList()).orElse(List.of());
        long missing = kills.map(reps -> reps.stream().filter(r -> r.protectedAgainMillis().isEmpty()).count())
                .orElse(0L);
        String notSeen = missing == 0 ? "" : missing + " not within " + FailoverSystem.PROTECTION_TIMEOUT.toSeconds()
                + " s";
        return new Comparison("re-protection: kill -9 → a new backup live, median (min, max)",
                kills.map(reps -> seen.isEmpty() ? notSeen
                        : Figures.spreadMillis(seen) + (notSeen.isEmpty() ? "" : ", " + notSeen)).orElse("n/a"),
                "n/a (no new replica by itself)", Optional.empty(),
                "median ≤ " + Figures.count(PROTECTED_AGAIN_MILLIS) + " ms",
                kills.map(reps -> missing == 0 && Figures.median(seen) <= PROTECTED_AGAIN_MILLIS));
    }

    private static Comparison lostWrites(Results results) {
        Optional<List<FailoverRepetition>> tuplespace = results.failover("tuplespace");
        Optional<List<FailoverRepetition>> redis = results.failover("redis+sentinel");
        Optional<Long> ours = tuplespace.map(TargetCheck::totalLost);
        Optional<Long> duplicates = tuplespace.map(reps -> reps.stream().mapToLong(FailoverRepetition::duplicateEffects).sum());
        return new Comparison("acknowledged writes lost at failover (all repetitions)",
                ours.map(lost -> lost + " of " + totalAcked(tuplespace.get()) + " (" + duplicates.orElse(0L) + " applied twice)").orElse("n/a"),
                redis.map(reps -> totalLost(reps) + " of " + totalAcked(reps)).orElse("n/a"),
                Optional.empty(), "0 lost, 0 applied twice", ours.map(lost -> lost == 0 && duplicates.orElse(0L) == 0));
    }

    private static Comparison hung(Results results) {
        Optional<List<FailoverRepetition>> tuplespace = results.failover("tuplespace SIGSTOP");
        Optional<List<FailoverRepetition>> redis = results.failover("redis+sentinel SIGSTOP");
        Optional<Long> lost = tuplespace.map(TargetCheck::totalLost);
        Optional<Boolean> allKilled = tuplespace.map(reps -> reps.stream().allMatch(FailoverRepetition::hungProcessGone));
        return new Comparison("hung primary (SIGSTOP): lost acknowledged writes; first answer p50",
                tuplespace.map(reps -> lost.get() + " of " + totalAcked(reps) + " lost, hung process "
                        + (allKilled.get() ? "killed" : "NOT killed") + " every time; "
                        + Figures.spreadMillis(each(reps, FailoverRepetition::killToFirstAnswerMillis))).orElse("n/a"),
                redis.map(reps -> totalLost(reps) + " of " + totalAcked(reps) + " lost, "
                        + reps.stream().mapToLong(FailoverRepetition::clientErrors).sum() + " client errors; "
                        + Figures.spreadMillis(each(reps, FailoverRepetition::killToFirstAnswerMillis))).orElse("n/a"),
                Optional.empty(), "0 lost; the hung process is killed", lost.map(l -> l == 0 && allKilled.get()));
    }

    private static Comparison resync(Results results) {
        Optional<ResyncResult> tuplespace = results.resync("tuplespace");
        Optional<ResyncResult> redis = results.resync("redis");
        String keys = tuplespace.or(() -> redis).map(r -> Figures.count(r.keys())).orElse("?");
        return atMostRedis("full resync of " + keys + " keys, median (min, max)", tuplespace.map(ResyncResult::resyncMillis),
                "", redis.map(ResyncResult::resyncMillis), "");
    }

    private static Comparison memory(Results results) {
        Optional<ResyncResult> tuplespace = results.resync("tuplespace");
        Optional<ResyncResult> redis = results.resync("redis");
        Optional<Double> ratio = tuplespace.flatMap(t -> redis.filter(r -> r.bytesPerKey() > 0).map(r -> t.bytesPerKey() / r.bytesPerKey()));
        return new Comparison("memory per one-field pair / key (20-byte value)",
                tuplespace.map(t -> Figures.count(t.bytesPerKey()) + " B (heap after GC)").orElse("n/a"),
                redis.map(r -> Figures.count(r.bytesPerKey()) + " B (used_memory)").orElse("n/a"),
                ratio, "≤ " + Math.round(BYTES_PER_PAIR) + " B", tuplespace.map(t -> t.bytesPerKey() <= BYTES_PER_PAIR));
    }

    private static Comparison slowReaders(Results results) {
        Optional<SlowReadersResult> tuplespace = results.slowReaders();
        return new Comparison(tuplespace.map(r -> r.slowReaders() + " ").orElse("") + "slow readers: peak RSS proxy /"
                + " primary; a well-behaved client's exact GET p99; failovers",
                tuplespace.map(r -> ReportWriter.mebibytes(r.proxyPeakRss()) + " / " + ReportWriter.mebibytes(r.primaryPeakRss())
                        + "; " + Figures.count(r.exactGets().p99Micros() / 1000) + " ms (" + r.exactGetErrors() + " errors); "
                        + r.failovers() + (r.stoppedEarly() == null ? "" : "; stopped early")).orElse("n/a"),
                "n/a", Optional.empty(), "each ≤ " + (SLOW_READERS_RSS >> 20) + " MiB; p99 ≤ "
                        + Math.round(SLOW_READERS_P99_MICROS / 1000) + " ms, 0 errors; 0 failovers",
                tuplespace.map(r -> r.proxyPeakRss() <= SLOW_READERS_RSS && r.primaryPeakRss() <= SLOW_READERS_RSS
                        && r.exactGets().p99Micros() <= SLOW_READERS_P99_MICROS && r.exactGetErrors() == 0
                        && r.failovers() == 0 && r.stoppedEarly() == null));
    }

    private static List<Double> each(List<FailoverRepetition> repetitions, ToDoubleFunction<FailoverRepetition> figure) {
        return repetitions.stream().map(r -> figure.applyAsDouble(r)).toList();
    }

    private static long totalLost(List<FailoverRepetition> repetitions) {
        return repetitions.stream().mapToLong(r -> r.lostWrites().lost()).sum();
    }

    private static long totalAcked(List<FailoverRepetition> repetitions) {
        return repetitions.stream().mapToLong(FailoverRepetition::acknowledgedWrites).sum();
    }
}
