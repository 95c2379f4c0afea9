package tuplespace.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static tuplespace.bench.report.TestLoads.ops;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.bench.failover.FailoverRepetition;
import tuplespace.bench.failover.LostWrites;
import tuplespace.bench.load.LatencySummary;
import tuplespace.bench.load.LoadOptions;
import tuplespace.bench.load.LoadResult;
import tuplespace.bench.load.OperationMix;
import tuplespace.bench.durability.RecoveryResult;
import tuplespace.bench.resync.ResyncResult;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TargetCheckTest {

    private static LoadResult run(double perSecond, double p99Micros, java.util.Map<String, Double> cpuMicros) {
        return run(Math.round(perSecond * 10), new LatencySummary(1, p99Micros / 2, p99Micros, p99Micros * 2,
                p99Micros * 3), cpuMicros);
    }

    /** 10 s at pipeline 16. */
    private static LoadResult run(long operations, LatencySummary latency, java.util.Map<String, Double> cpuMicros) {
        LoadOptions options = new LoadOptions(50, 16, OperationMix.writesOnly(), 10, 20, Duration.ZERO, Duration.ofSeconds(10));
        return new LoadResult("x", options, operations, 10, 0, latency, null, cpuMicros);
    }

    private static FailoverRepetition repetition(double killToFirst, long errors, long lost) {
        return protectedAgainAfter(killToFirst, errors, lost, OptionalDouble.of(600));
    }

    private static FailoverRepetition protectedAgainAfter(double killToFirst, long errors, long lost,
                                                          OptionalDouble protectedAgainMillis) {
        return new FailoverRepetition(FailoverRepetition.Fault.KILL, false, killToFirst, killToFirst, errors, 0, 1000,
                new LostWrites(1000, lost, 0, List.of()), protectedAgainMillis, List.of());
    }

    private static Comparison row(List<Comparison> rows, String prefix, String target) {
        return rows.stream().filter(r -> r.what().startsWith(prefix) && r.target().contains(target)).findFirst().orElseThrow();
    }

    @Test
    void throughputRatiosAreCheckedAgainstEachTarget() {
        Results results = new Results();
        results.put(Scenario.TUPLESPACE_PUT_P1, 1, ops(30_000));
        results.put(Scenario.REDIS_SET_WAIT_P1, 1, ops(20_000));
        results.put(Scenario.REDIS_SET_P1, 1, ops(70_000));
        List<Comparison> rows = TargetCheck.compare(results);
        Comparison versusWait = row(rows, "writes, 50 conn, pipeline 1 ", "WAIT");
        assertThat(versusWait.ratio()).contains(1.5);
        assertThat(versusWait.met()).contains(true);
        Comparison versusSet = row(rows, "writes, 50 conn, pipeline 1 ", "≥ 0.7× SET");
        assertThat(versusSet.ratio().orElseThrow()).isCloseTo(0.4286, org.assertj.core.data.Offset.offset(0.001));
        assertThat(versusSet.verdict()).isEqualTo("MISSED");
        assertThat(row(rows, "writes, 50 conn, pipeline 16", "WAIT").verdict()).isEqualTo("n/a");
    }

    @Test
    void roundsAreComparedRoundByRoundAndTheMedianRatioJudged() {
        Results results = new Results();
        // The machine slows in round 2 for both: ratios 0.95, 0.92, 0.80; the ratio of the medians would be 0.90.
        results.put(Scenario.REDIS_GET_P1, 1, ops(80_000));
        results.put(Scenario.TUPLESPACE_GET_P1, 1, ops(76_000));
        results.put(Scenario.TUPLESPACE_GET_P1, 2, ops(46_000));
        results.put(Scenario.REDIS_GET_P1, 2, ops(50_000));
        results.put(Scenario.REDIS_GET_P1, 3, ops(90_000));
        results.put(Scenario.TUPLESPACE_GET_P1, 3, ops(72_000));
        Comparison reads = row(TargetCheck.compare(results), "reads, 50 conn, pipeline 1 ", "GET");
        assertThat(reads.ratio().orElseThrow()).isCloseTo(0.92, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(reads.verdict()).isEqualTo("met");
        assertThat(reads.tuplespace()).isEqualTo("exact GET 72,000 (r1 76,000 / r2 46,000 / r3 72,000)");
        assertThat(reads.redis()).isEqualTo("GET 80,000 (r1 80,000 / r2 50,000 / r3 90,000)");
    }

    @Test
    void aRoundThatRanForOneSystemOnlyIsLeftOutOfTheRatios() {
        Results results = new Results();
        results.put(Scenario.REDIS_GET_P1, 1, ops(80_000));
        results.put(Scenario.TUPLESPACE_GET_P1, 1, ops(60_000));
        results.put(Scenario.TUPLESPACE_GET_P1, 2, ops(200_000));
        assertThat(row(TargetCheck.compare(results), "reads, 50 conn, pipeline 1 ", "GET").ratio()).contains(0.75);

        Results noneSideBySide = new Results();
        noneSideBySide.put(Scenario.REDIS_GET_P1, 1, ops(80_000));
        noneSideBySide.put(Scenario.TUPLESPACE_GET_P1, 2, ops(200_000));
        assertThat(row(TargetCheck.compare(noneSideBySide), "reads, 50 conn, pipeline 1 ", "GET").verdict())
                .isEqualTo("n/a");
    }

    @Test
    void aRoundWithoutAFigureLeavesTheTargetUnjudged() {
        Results results = new Results();
        results.put(Scenario.TUPLESPACE_GET_P16, 1, run(500_000, 4_000, java.util.Map.of()));
        results.put(Scenario.REDIS_GET_P16, 1, run(650_000, 2_300, java.util.Map.of()));
        results.put(Scenario.TUPLESPACE_GET_P16, 2, run(0, new LatencySummary(0, 0, 0, 0, 0), java.util.Map.of()));
        results.put(Scenario.REDIS_GET_P16, 2, run(650_000, 2_300, java.util.Map.of()));
        Comparison latency = row(TargetCheck.compare(results), "read latency", "");
        assertThat(latency.verdict()).isEqualTo("n/a");
        assertThat(latency.tuplespace()).isEqualTo("exact GET 4,000 (r1 4,000 / r2 n/a)");
    }

    @Test
    void readsAtDepthOneMustReachNineTenthsOfRedis() {
        Results results = new Results();
        results.put(Scenario.TUPLESPACE_GET_P1, 1, ops(68_000));
        results.put(Scenario.REDIS_GET_P1, 1, ops(80_000));
        Comparison reads = row(TargetCheck.compare(results), "reads, 50 conn, pipeline 1 ", "GET");
        assertThat(reads.ratio()).contains(0.85);
        assertThat(reads.target()).isEqualTo("≥ 0.9× GET");
        assertThat(reads.verdict()).isEqualTo("MISSED");
    }

    @Test
    void tailLatencyAtDepthSixteenIsAtMostTwiceRedissP99() {
        Results results = new Results();
        results.put(Scenario.TUPLESPACE_PUT_P16, 1, run(200_000, 14_000, java.util.Map.of()));
        results.put(Scenario.REDIS_SET_WAIT_P16, 1, run(150_000, 9_000, java.util.Map.of()));
        results.put(Scenario.TUPLESPACE_GET_P16, 1, run(500_000, 8_400, java.util.Map.of()));
        results.put(Scenario.REDIS_GET_P16, 1, run(650_000, 2_300, java.util.Map.of()));
        List<Comparison> rows = TargetCheck.compare(results);
        Comparison writes = row(rows, "write latency", "");
        assertThat(writes.tuplespace()).isEqualTo("PUT (sync) 14,000");
        assertThat(writes.ratio().orElseThrow()).isCloseTo(1.556, org.assertj.core.data.Offset.offset(0.001));
        assertThat(writes.verdict()).isEqualTo("met");
        Comparison reads = row(rows, "read latency", "");
        assertThat(reads.ratio().orElseThrow()).isCloseTo(3.652, org.assertj.core.data.Offset.offset(0.001));
        assertThat(reads.verdict()).isEqualTo("MISSED");
    }

    @Test
    void aRunThatAnsweredNothingHasNoP99ToPassWith() {
        Results results = new Results();
        results.put(Scenario.TUPLESPACE_GET_P16, 1, run(0, new LatencySummary(0, 0, 0, 0, 0), java.util.Map.of()));
        results.put(Scenario.REDIS_GET_P16, 1, run(650_000, 2_300, java.util.Map.of()));
        assertThat(row(TargetCheck.compare(results), "read latency", "").verdict()).isEqualTo("n/a");
    }

    @Test
    void cpuPerReplicatedWriteSumsTheSystemsProcessesWithoutTheLoadGenerator() {
        Results results = new Results();
        results.put(Scenario.TUPLESPACE_PUT_P16, 1, run(200_000, 1, java.util.Map.of("proxy", 1.3, "primary", 3.0,
                "backup", 1.7, LoadResult.LOAD_GENERATOR, 9.0)));
        results.put(Scenario.REDIS_SET_WAIT_P16, 1, run(150_000, 1, java.util.Map.of("redis primary", 5.5,
                "redis replica", 4.1, LoadResult.LOAD_GENERATOR, 9.0)));
        Comparison cpu = row(TargetCheck.compare(results), "CPU per replicated write", "");
        assertThat(cpu.ratio().orElseThrow()).isCloseTo(6.0 / 9.6, org.assertj.core.data.Offset.offset(0.001));
        assertThat(cpu.verdict()).isEqualTo("met");

        Results unread = new Results();
        unread.put(Scenario.TUPLESPACE_PUT_P16, 1, run(200_000, 1, java.util.Map.of("proxy", Double.NaN, "primary", 3.0)));
        unread.put(Scenario.REDIS_SET_WAIT_P16, 1, run(150_000, 1, java.util.Map.of("redis primary", 5.5)));
        assertThat(row(TargetCheck.compare(unread), "CPU per replicated write", "").verdict()).isEqualTo("n/a");
    }

    @Test
    void durableRatiosCompareWithTheMemoryOnlyRunBesideThemNotTheThroughputPartsRun() {
        Results results = new Results();
        results.put(Scenario.TUPLESPACE_PUT_P1, 1, ops(60_000));
        results.put(Scenario.TUPLESPACE_MEMORY_PUT_P1, 1, ops(40_000));
        results.put(Scenario.TUPLESPACE_FSYNC_ALWAYS_PUT_P1, 1, ops(22_000));
        results.put(Scenario.TUPLESPACE_FSYNC_EVERYSEC_PUT_P1, 1, ops(38_000));
        List<Comparison> rows = TargetCheck.compare(results);
        assertThat(row(rows, "durable writes against", "").ratio()).contains(0.55);
        assertThat(row(rows, "everysec writes against", "").ratio()).contains(0.95);
        assertThat(row(rows, "writes, 50 conn, pipeline 1 ", "WAIT").tuplespace()).contains("60,000");
    }

    @Test
    void durableRatiosAreTheMedianOfEachRoundsRatioToTheMemoryOnlyRunOfTheSameRound() {
        Results results = new Results();
        // The machine slows down in round 2: both systems' runs of it are slower; the median of the rounds' own
        // ratios is 0.9, where the median of each system's runs would give 36,000 / 50,000 = 0.72.
        results.put(Scenario.TUPLESPACE_MEMORY_PUT_P1, 1, ops(50_000));
        results.put(Scenario.TUPLESPACE_FSYNC_EVERYSEC_PUT_P1, 1, ops(46_000));
        results.put(Scenario.TUPLESPACE_MEMORY_PUT_P1, 2, ops(30_000));
        results.put(Scenario.TUPLESPACE_FSYNC_EVERYSEC_PUT_P1, 2, ops(27_000));
        results.put(Scenario.TUPLESPACE_MEMORY_PUT_P1, 3, ops(60_000));
        results.put(Scenario.TUPLESPACE_FSYNC_EVERYSEC_PUT_P1, 3, ops(36_000));
        Comparison everysec = row(TargetCheck.compare(results), "everysec writes against", "");
        assertThat(everysec.ratio()).hasValueSatisfying(ratio -> assertThat(ratio).isCloseTo(0.9, within(1e-9)));
        assertThat(everysec.met()).contains(true);
        assertThat(everysec.tuplespace()).contains("r1 46,000 / r2 27,000 / r3 36,000");
        assertThat(everysec.redis()).contains("r1 50,000 / r2 30,000 / r3 60,000");
    }

    @Test
    void failoverNeedsTheMedianUnder100MsAndNoClientErrors() {
        Results fast = new Results();
        fast.putFailover("tuplespace", List.of(repetition(40, 0, 0), repetition(90, 0, 0), repetition(900, 0, 0)));
        fast.putFailover("redis+sentinel", List.of(repetition(2000, 50, 3)));
        List<Comparison> rows = TargetCheck.compare(fast);
        assertThat(row(rows, "failover", "").met()).contains(true);
        assertThat(row(rows, "failover", "").tuplespace()).startsWith("90 ms (min 40, max 900)");
        assertThat(row(rows, "acknowledged", "").met()).contains(true);
        assertThat(row(rows, "acknowledged", "").redis()).isEqualTo("3 of 1000");

        Results withErrors = new Results();
        withErrors.putFailover("tuplespace", List.of(repetition(50, 1, 0)));
        assertThat(row(TargetCheck.compare(withErrors), "failover", "").met()).contains(false);

        Results slow = new Results();
        slow.putFailover("tuplespace", List.of(repetition(120, 0, 0)));
        assertThat(row(TargetCheck.compare(slow), "failover", "").met()).contains(false);
    }

    @Test
    void reProtectionIsTheMedianFromTheKillToANewBackupLiveAndEveryKillMustGetOne() {
        Results met = new Results();
        met.putFailover("tuplespace", List.of(protectedAgainAfter(40, 0, 0, OptionalDouble.of(400)),
                protectedAgainAfter(40, 0, 0, OptionalDouble.of(2_000)),
                protectedAgainAfter(40, 0, 0, OptionalDouble.of(700))));
        Comparison row = row(TargetCheck.compare(met), "re-protection", "");
        assertThat(row.tuplespace()).isEqualTo("700 ms (min 400, max 2000)");
        assertThat(row.met()).contains(true);

        Results slow = new Results();
        slow.putFailover("tuplespace", List.of(protectedAgainAfter(40, 0, 0, OptionalDouble.of(1_600)),
                protectedAgainAfter(40, 0, 0, OptionalDouble.of(1_400)),
                protectedAgainAfter(40, 0, 0, OptionalDouble.of(1_700))));
        assertThat(row(TargetCheck.compare(slow), "re-protection", "").met()).contains(false);

        Results oneNever = new Results();
        oneNever.putFailover("tuplespace", List.of(protectedAgainAfter(40, 0, 0, OptionalDouble.of(400)),
                protectedAgainAfter(40, 0, 0, OptionalDouble.empty()),
                protectedAgainAfter(40, 0, 0, OptionalDouble.of(500))));
        Comparison never = row(TargetCheck.compare(oneNever), "re-protection", "");
        assertThat(never.met()).contains(false);
        assertThat(never.tuplespace()).endsWith(", 1 not within 30 s");

        Results noneSeen = new Results();
        noneSeen.putFailover("tuplespace", List.of(protectedAgainAfter(40, 0, 0, OptionalDouble.empty())));
        assertThat(row(TargetCheck.compare(noneSeen), "re-protection", "").met()).contains(false);
        assertThat(row(TargetCheck.compare(noneSeen), "re-protection", "").tuplespace()).isEqualTo("1 not within 30 s");

        assertThat(row(TargetCheck.compare(new Results()), "re-protection", "").met()).isEmpty();
    }

    @Test
    void aHungPrimaryMustBeKilledAndLoseNothing() {
        FailoverRepetition killed = new FailoverRepetition(FailoverRepetition.Fault.STOP, true, 900, 900, 0, 0, 100,
                new LostWrites(100, 0, 0, List.of()), OptionalDouble.empty(), List.of());
        FailoverRepetition leftAlive = new FailoverRepetition(FailoverRepetition.Fault.STOP, false, 900, 900, 0, 0, 100,
                new LostWrites(100, 0, 0, List.of()), OptionalDouble.empty(), List.of());
        Results good = new Results();
        good.putFailover("tuplespace SIGSTOP", List.of(killed, killed));
        assertThat(row(TargetCheck.compare(good), "hung", "").met()).contains(true);
        Results bad = new Results();
        bad.putFailover("tuplespace SIGSTOP", List.of(killed, leftAlive));
        assertThat(row(TargetCheck.compare(bad), "hung", "").met()).contains(false);
        assertThat(row(TargetCheck.compare(bad), "hung", "").tuplespace()).contains("NOT killed");
    }

    @Test
    void resyncIsARatioToRedisAndMemoryAnAbsoluteBound() {
        Results results = new Results();
        results.putResync(new ResyncResult("tuplespace", 1000, List.of(3000.0, 1000.0, 2000.0), List.of(), 5, 150, "heap", 1));
        results.putResync(new ResyncResult("redis", 1000, List.of(1000.0), List.of(), -1, 100, "used_memory", 1));
        List<Comparison> rows = TargetCheck.compare(results);
        assertThat(row(rows, "full resync", "").ratio()).contains(2.0);
        assertThat(row(rows, "full resync", "").met()).contains(false);
        assertThat(row(rows, "memory", "").met()).contains(true);
        assertThat(row(rows, "memory", "").ratio()).contains(1.5);
    }

    @Test
    void recoveryIsTheMedianStartToServingAgainstRedisLoadingItsRdb() {
        Results results = new Results();
        assertThat(row(TargetCheck.compare(results), "recovery of ? pairs", "").met()).isEmpty();
        results.putRecovery(new RecoveryResult("tuplespace", 1_000_000, List.of(900.0, 700.0, 3000.0), 50L << 20, "log"));
        results.putRecovery(new RecoveryResult("redis", 1_000_000, List.of(1000.0, 600.0, 800.0), 33L << 20, "rdb"));

        Comparison recovery = row(TargetCheck.compare(results), "recovery of 1,000,000 pairs", "≤ 1.0× Redis");

        assertThat(recovery.ratio()).contains(900.0 / 800.0);
        assertThat(recovery.met()).contains(false);
        assertThat(recovery.tuplespace()).contains("(snapshot + log)");
        assertThat(recovery.redis()).contains("(RDB)");
    }

    @Test
    void markdownAndJsonCarryEveryPartAndTheFailures() {
        Results results = new Results();
        results.environment().put("redis", "Redis server v=7.0.15");
        results.put(Scenario.REDIS_GET_P16, 1, ops(500_000));
        results.fail("failover tuplespace", new IllegalStateException("no primary"));
        String markdown = ReportWriter.markdown(results);
        assertThat(markdown).contains("- redis: Redis server v=7.0.15", "| redis GET, pipeline 16 | 500,000 | 100 | 200 | 300 | 400 | 0 |",
                "## Parts that failed", "failover tuplespace: java.lang.IllegalStateException: no primary");
        String json = ReportWriter.json(results);
        assertThat(json).contains("\"REDIS_GET_P16\"", "\"opsPerSecond\" : 500000.0", "\"failover tuplespace\"");
    }

    @Test
    void figuresFormatCountsAndMedians() {
        assertThat(Figures.count(12345.6)).isEqualTo("12,346");
        assertThat(Figures.count(3.25)).isEqualTo("3.3");
        assertThat(Figures.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Figures.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(Figures.median(List.of())).isNaN();
        assertThat(Figures.ratio(0.5)).isEqualTo("0.50×");
        assertThat(Optional.of(Figures.spreadMillis(List.of(10.0, 30.0, 20.0)))).contains("20 ms (min 10, max 30)");
    }

    @Test
    void slowReadersNeedBothProcessesUnder512MiBAFastWellBehavedClientAndNoFailover() {
        Results good = new Results();
        good.putSlowReaders(slowReaders(300L << 20, 400L << 20, 8_000, 0, null));
        Comparison met = row(TargetCheck.compare(good), "64 slow readers", "");
        assertThat(met.met()).contains(true);
        assertThat(met.tuplespace()).startsWith("300 MiB / 400 MiB; 8.0 ms (0 errors); 0");

        Results tooBig = new Results();
        tooBig.putSlowReaders(slowReaders(300L << 20, 600L << 20, 8_000, 0, null));
        assertThat(row(TargetCheck.compare(tooBig), "64 slow readers", "").met()).contains(false);
        Results failedOver = new Results();
        failedOver.putSlowReaders(slowReaders(300L << 20, 400L << 20, 8_000, 1, null));
        assertThat(row(TargetCheck.compare(failedOver), "64 slow readers", "").met()).contains(false);
        Results stopped = new Results();
        stopped.putSlowReaders(slowReaders(300L << 20, 400L << 20, 8_000, 0, "over the safety limit"));
        assertThat(row(TargetCheck.compare(stopped), "64 slow readers", "").met()).contains(false);
        assertThat(row(TargetCheck.compare(new Results()), "slow readers", "").verdict()).isEqualTo("n/a");
    }

    private static tuplespace.bench.slowreaders.SlowReadersResult slowReaders(long proxyPeak, long primaryPeak,
            double p99Micros, long failovers, String stoppedEarly) {
        return new tuplespace.bench.slowreaders.SlowReadersResult(64, 2000, 70_000, 15, 100L << 20, 120L << 20,
                proxyPeak, primaryPeak, 40L << 20, 60L << 20, new LatencySummary(1000, 500, p99Micros, p99Micros, p99Micros), 0, 4.5,
                new LatencySummary(800, 400, 900, 900, 900), failovers, 1 << 20, stoppedEarly);
    }
}
