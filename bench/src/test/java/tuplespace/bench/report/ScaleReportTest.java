package tuplespace.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.bench.load.LatencySummary;
import tuplespace.bench.scale.ScaleResult;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ScaleReportTest {

    private static final int PAIRS = 1000;

    private static ScaleResult.Probe probe(double p99Micros, long failovers) {
        return new ScaleResult.Probe(10, 5, List.of(100.0), List.of(1000L), new LatencySummary(500, 400, p99Micros, p99Micros, p99Micros),
                0, null, failovers, 0, Map.of("client", 3.0));
    }

    private static ScaleResult tuplespace(List<Double> full, List<Double> prefix, ScaleResult.Delete delete, double p99Micros, long failovers) {
        // 1 MB answer; a collection left 102.5 MB of the 100 MB live before: 2.5 times the answer (4 with garbage).
        ScaleResult.Memory memory = new ScaleResult.Memory(1_000_000, 100_000_000, 104_000_000, 102_500_000, 3, 300_000_000, 350_000_000);
        return new ScaleResult("tuplespace", PAIRS, "GET .* .*", full, full.stream().map(m -> (long) PAIRS).toList(), prefix,
                prefix.stream().map(m -> 111L).toList(), 111, Map.of("primary", 1.0), memory, probe(p99Micros, 0), Optional.of(delete), failovers);
    }

    private static ScaleResult redis(List<Double> full, double p99Micros) {
        return new ScaleResult("redis", PAIRS, "KEYS * + MGET", full, full.stream().map(m -> (long) PAIRS).toList(), List.of(), List.of(),
                111, Map.of("master", 0.5), ScaleResult.Memory.residentOnly(900_000, 10_000_000, 12_000_000), probe(p99Micros, -1),
                Optional.empty(), -1);
    }

    private static final ScaleResult.Delete DELETED = new ScaleResult.Delete(50, 111, 111, 0, 1000, 889, 7, 7, 0, Map.of("primary", 0.5));

    private static Comparison row(List<Comparison> rows, String prefix) {
        return rows.stream().filter(r -> r.what().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void eachTargetIsCheckedAgainstItsGoal() {
        Results results = new Results();
        results.putScale(tuplespace(List.of(900.0, 800.0, 1000.0), List.of(100.0, 120.0, 110.0), DELETED, 8_000, 0));
        results.putScale(redis(List.of(1000.0), 50_000));
        List<Comparison> rows = TargetCheck.compare(results);
        assertThat(row(rows, "read all 1,000 pairs").ratio()).contains(0.9);
        assertThat(row(rows, "read all").met()).contains(true);
        assertThat(row(rows, "GET k,1.*").ratio().orElseThrow()).isCloseTo(110 / 900.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(row(rows, "GET k,1.*").met()).contains(true);
        assertThat(row(rows, "DELETE").met()).contains(true);
        assertThat(row(rows, "DELETE").tuplespace()).contains("111 of 111 deleted, 0 left; backup digest = primary's");
        assertThat(row(rows, "10 clients").met()).contains(true);
        assertThat(row(rows, "10 clients").ratio()).contains(0.16);
        assertThat(row(rows, "failovers").met()).contains(true);
        assertThat(row(rows, "server memory").ratio().orElseThrow()).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(row(rows, "server memory").met()).contains(false);
    }

    @Test
    void theMemoryTargetIsJudgedOnWhatTheReadHeldNotOnTheGarbageG1LetPileUp() {
        ScaleResult.Memory memory = new ScaleResult.Memory(1_000_000, 100_000_000, 104_000_000, 101_500_000, 3, 1, 1);
        assertThat(memory.heapGrowthPerAnswerByte()).isEqualTo(1.5);
        assertThat(memory.heapInUseGrowthPerAnswerByte()).isEqualTo(4.0);
        assertThat(ScaleResult.Memory.NOT_MEASURED.heapGrowthPerAnswerByte()).isNaN();
    }

    @Test
    void withNoCollectionDuringTheReadTheMemoryTargetIsJudgedOnAllThatWasInUse() {
        ScaleResult.Memory noCollection = new ScaleResult.Memory(1_000_000, 100_000_000, 102_500_000, -1, 0, 1, 1);
        assertThat(noCollection.heapGrowthPerAnswerByte()).isEqualTo(2.5);
        assertThat(noCollection.heapInUseGrowthPerAnswerByte()).isEqualTo(2.5);
    }

    @Test
    void aDigestMismatchAFailoverOrAShortAnswerIsAMiss() {
        Results results = new Results();
        ScaleResult.Delete diverged = new ScaleResult.Delete(50, 111, 111, 0, 1000, 889, 7, 8, 0, Map.of());
        ScaleResult ours = tuplespace(List.of(900.0), List.of(100.0), diverged, 20_000, 1);
        results.putScale(new ScaleResult(ours.system(), PAIRS, ours.fullRead(), ours.fullReadMillis(), List.of(999L),
                ours.prefixReadMillis(), ours.prefixReadCounts(), 111, ours.cpuSecondsPerFullRead(), ours.memory(), ours.probe(),
                ours.delete(), ours.failovers()));
        results.putScale(redis(List.of(1000.0), 50_000));
        List<Comparison> rows = TargetCheck.compare(results);
        assertThat(row(rows, "read all").met()).contains(false);
        assertThat(row(rows, "read all").tuplespace()).contains("INCOMPLETE");
        assertThat(row(rows, "DELETE").met()).contains(false);
        assertThat(row(rows, "10 clients").met()).contains(false);
        assertThat(row(rows, "failovers").met()).contains(false);
    }

    @Test
    void equalDigestsAfterAFailoverDuringTheDeleteProveNothing() {
        Results results = new Results();
        // the DELETE's primary died; the backup compared was copied from the new primary afterwards
        ScaleResult.Delete afterFailover = new ScaleResult.Delete(50, 111, 111, 0, 1000, 889, 7, 7, 1, Map.of());
        results.putScale(tuplespace(List.of(900.0), List.of(100.0), afterFailover, 8_000, 1));
        Comparison delete = row(TargetCheck.compare(results), "DELETE");
        assertThat(delete.met()).contains(false);
        assertThat(delete.tuplespace()).contains("= primary's but 1 failover(s) during it: a fresh backup");
    }

    @Test
    void withoutThePartEveryRowIsNotApplicableAndNothingIsPrinted() {
        Results results = new Results();
        assertThat(ScaleReport.targets(results)).allSatisfy(row -> assertThat(row.verdict()).isEqualTo("n/a"));
        assertThat(ScaleReport.markdown(results)).isEmpty();
        assertThat(ScaleReport.summaryLine(results)).isEmpty();
    }

    @Test
    void theReportCarriesEveryFigure() {
        Results results = new Results();
        results.putScale(tuplespace(List.of(900.0), List.of(100.0), DELETED, 8_000, 0));
        results.putScale(redis(List.of(1000.0), 50_000));
        assertThat(ReportWriter.markdown(results)).contains("## Reads and deletes at scale", "| full read | GET .* .* | KEYS * + MGET |",
                "111 deleted (expected 111), 0 left after; size 1,000 → 889; digest primary 7, backup 7; 0 failovers during it");
        assertThat(ReportWriter.json(results)).contains("\"scale\"", "\"fullReadMillis\" : [ 900.0 ]", "\"primaryDigest\" : 7");
        assertThat(ScaleReport.summaryLine(results).orElseThrow()).startsWith("Scale, 1,000 pairs: read all ÷ Redis 0.90× met;");
    }
}
