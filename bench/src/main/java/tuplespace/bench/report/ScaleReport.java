package tuplespace.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import tuplespace.bench.load.LatencySummary;
import tuplespace.bench.scale.ScaleKeys;
import tuplespace.bench.scale.ScaleResult;

/**
 * The scale part in the report (issue "reads and deletes at scale"): its rows of the targets table, its section of
 * results.md, its object in results.json and its line of the printed summary. Kept apart from {@link TargetCheck}
 * and {@link ReportWriter} so that those only call in here.
 */
public final class ScaleReport {

    static final double FULL_READ_RATIO = 1.0;
    static final double PREFIX_SHARE = 0.15;
    static final double PROBE_P99_MILLIS = 10;
    static final double HEAP_PER_ANSWER_BYTE = 2.0;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ScaleReport() {
    }

    /** The rows of the targets table; "n/a" where the part did not run. */
    public static List<Comparison> targets(Results results) {
        Optional<ScaleResult> tuplespace = results.scale("tuplespace");
        Optional<ScaleResult> redis = results.scale("redis");
        return List.of(fullRead(tuplespace, redis), prefixRead(tuplespace), delete(tuplespace), probe(tuplespace, redis),
                failovers(tuplespace), memory(tuplespace, redis));
    }

    private static Comparison fullRead(Optional<ScaleResult> tuplespace, Optional<ScaleResult> redis) {
        Optional<Double> ratio = median(tuplespace, ScaleResult::fullReadMillis)
                .flatMap(ours -> median(redis, ScaleResult::fullReadMillis).filter(theirs -> theirs > 0).map(theirs -> ours / theirs));
        String pairs = tuplespace.or(() -> redis).map(r -> Figures.count(r.pairs())).orElse("?");
        return new Comparison("read all " + pairs + " pairs, median (min, max)",
                tuplespace.map(r -> "GET .* .* " + fullReadFigure(r)).orElse("n/a"),
                redis.map(r -> "KEYS * + MGET " + fullReadFigure(r)).orElse("n/a"),
                ratio, "≤ " + FULL_READ_RATIO + "× Redis, every pair",
                ratio.map(value -> value <= FULL_READ_RATIO && tuplespace.get().fullReadsComplete()));
    }

    private static String fullReadFigure(ScaleResult r) {
        return Figures.spreadMillis(r.fullReadMillis()) + (r.fullReadsComplete() ? ", every pair" : ", INCOMPLETE: " + r.fullReadCounts());
    }

    private static Comparison prefixRead(Optional<ScaleResult> tuplespace) {
        Optional<Double> share = median(tuplespace, ScaleResult::prefixReadMillis)
                .flatMap(prefix -> median(tuplespace, ScaleResult::fullReadMillis).filter(full -> full > 0).map(full -> prefix / full));
        return new Comparison("GET " + ScaleKeys.PREFIX_KEYEXP + " .* (" + tuplespace.map(r -> Figures.count(r.expectedPrefixPairs())
                        + " of " + Figures.count(r.pairs())).orElse("?") + " pairs), median; ratio to the full GET",
                tuplespace.map(r -> Figures.spreadMillis(r.prefixReadMillis()) + (r.prefixReadsComplete() ? ", every match"
                        : ", INCOMPLETE: " + r.prefixReadCounts())).orElse("n/a"),
                "—", share, "≤ " + PREFIX_SHARE + "× the full GET",
                share.map(value -> value <= PREFIX_SHARE && tuplespace.get().prefixReadsComplete()));
    }

    private static Comparison delete(Optional<ScaleResult> tuplespace) {
        Optional<ScaleResult.Delete> delete = tuplespace.flatMap(ScaleResult::delete);
        return new Comparison("DELETE " + ScaleKeys.PREFIX_KEYEXP + " .*, then the backup's digest",
                delete.map(d -> Figures.millis(d.millis()) + ", " + Figures.count(d.deleted()) + " of " + Figures.count(d.expected())
                        + " deleted, " + d.matchesAfter() + " left; backup digest " + (d.primaryDigest() == d.backupDigest() ? "= primary's" : "≠ primary's")
                        + (d.failovers() == 0 ? "" : " but " + d.failovers() + " failover(s) during it: a fresh backup")).orElse("n/a"),
                "—", Optional.empty(), "every match at once; backup digest = primary's",
                delete.map(d -> d.complete() && d.replicated()));
    }

    private static Comparison probe(Optional<ScaleResult> tuplespace, Optional<ScaleResult> redis) {
        Optional<Double> ratio = tuplespace.flatMap(ours -> redis.filter(theirs -> theirs.probe().latency().p99Micros() > 0)
                .map(theirs -> ours.probe().latency().p99Micros() / theirs.probe().latency().p99Micros()));
        String what = tuplespace.or(() -> redis).map(r -> r.probe().clients() + " clients' exact GET/PUT (" + r.probe().pauseMillis()
                + " ms pauses) during " + r.probe().scanMillis().size() + " full reads: p50 / p99 / max").orElse("small requests during full reads");
        return new Comparison(what, tuplespace.map(ScaleReport::probeFigure).orElse("n/a"),
                redis.map(r -> probeFigure(r) + " (SET + WAIT 1 0)").orElse("n/a"), ratio,
                "p99 ≤ " + Math.round(PROBE_P99_MILLIS) + " ms, no errors",
                tuplespace.map(r -> r.probe().latency().p99Micros() <= PROBE_P99_MILLIS * 1000 && r.probe().errors() == 0));
    }

    private static String probeFigure(ScaleResult r) {
        LatencySummary latency = r.probe().latency();
        return String.format(Locale.ROOT, "%s / %s / %s ms, %d errors", millis(latency.p50Micros()), millis(latency.p99Micros()),
                millis(latency.maxMicros()), r.probe().errors());
    }

    private static Comparison failovers(Optional<ScaleResult> tuplespace) {
        return new Comparison("failovers during those full reads (default heartbeats); over the whole part",
                tuplespace.map(r -> r.probe().failovers() + " (" + restarts(r.probe()) + " backup restarts); "
                        + r.failovers() + " over the whole part").orElse("n/a"),
                "not measured (no Sentinel in this part)", Optional.empty(), "0, and none elsewhere in the part",
                tuplespace.map(r -> r.probe().failovers() == 0 && r.failovers() == 0));
    }

    private static Comparison memory(Optional<ScaleResult> tuplespace, Optional<ScaleResult> redis) {
        Optional<Double> growth = tuplespace.map(r -> r.memory().heapGrowthPerAnswerByte()).filter(value -> !value.isNaN());
        return new Comparison("server memory during a full read; live heap growth ÷ answer size",
                tuplespace.map(r -> heapFigure(r.memory()) + "; RSS " + residentFigure(r.memory())).orElse("n/a"),
                redis.map(r -> "RSS " + residentFigure(r.memory()) + ", " + mib(r.memory().answerBytes()) + " sent").orElse("n/a"),
                growth, "live heap growth ≤ " + HEAP_PER_ANSWER_BYTE + "× the answer", growth.map(value -> value <= HEAP_PER_ANSWER_BYTE));
    }

    private static String heapFigure(ScaleResult.Memory m) {
        String after = m.heapPeakAfterGcBytes() < 0 && m.heapBeforeBytes() >= 0
                ? "at most " + mib(m.heapPeakBytes()) + " (no evacuating collection ran during the read: in use,"
                        + " garbage included, "
                : mib(m.heapPeakAfterGcBytes()) + " (in use, garbage included: " + mib(m.heapPeakBytes()) + ", ";
        return String.format(Locale.ROOT, "live heap %s → %s%s×) for a %s answer", mib(m.heapBeforeBytes()), after,
                Figures.count(m.heapInUseGrowthPerAnswerByte()), mib(m.answerBytes()));
    }

    private static String residentFigure(ScaleResult.Memory m) {
        return mib(m.residentBeforeBytes()) + " → " + mib(m.residentPeakBytes());
    }

    /** The section of results.md: every figure of both systems, side by side. */
    public static String markdown(Results results) {
        if (results.scale().isEmpty()) {
            return "";
        }
        List<ScaleResult> systems = new ArrayList<>(results.scale().values());
        StringBuilder out = new StringBuilder("\n## Reads and deletes at scale\n\n| |");
        systems.forEach(r -> out.append(' ').append(r.system()).append(" |"));
        out.append("\n|---|").append("---|".repeat(systems.size())).append('\n');
        row(out, systems, "full read", ScaleResult::fullRead);
        row(out, systems, "each timed repetition", r -> millisList(r.fullReadMillis()));
        row(out, systems, "pairs returned", r -> r.fullReadCounts().toString());
        row(out, systems, "CPU per full read, by process", r -> r.cpuSecondsPerFullRead().isEmpty()
                ? "not measured (a process was replaced meanwhile)" : cpuFigure(r.cpuSecondsPerFullRead()));
        row(out, systems, "GET " + ScaleKeys.PREFIX_KEYEXP + " .*, each (pairs returned)",
                r -> r.prefixReadMillis().isEmpty() ? "—" : millisList(r.prefixReadMillis()) + " (" + r.prefixReadCounts() + ")");
        row(out, systems, "answer on the wire", r -> mib(r.memory().answerBytes()));
        row(out, systems, "server heap during a full read: live before (after a full GC) → largest left by a young/mixed GC"
                        + " during it; most in use, garbage included (GC pauses during it)",
                r -> r.memory().heapBeforeBytes() < 0 ? "—" : mib(r.memory().heapBeforeBytes()) + " → " + mib(r.memory().heapPeakAfterGcBytes())
                        + "; " + mib(r.memory().heapPeakBytes()) + " (" + r.memory().collections() + ")");
        row(out, systems, "server RSS before → peak during a full read", r -> residentFigure(r.memory()));
        row(out, systems, "probe latency p50 / p99 / p99.9 / max (requests)", r -> probeDetail(r.probe()));
        row(out, systems, "full reads during the probe, each", r -> millisList(r.probe().scanMillis()));
        row(out, systems, "longest GC pause during the probe, by JVM", r -> pauseFigure(r.probe().longestGcPauseMillis()));
        row(out, systems, "failovers / backup restarts during the probe; failovers over the whole part",
                r -> r.probe().failovers() < 0 ? "—" : r.probe().failovers() + " / " + restarts(r.probe()) + "; " + r.failovers());
        row(out, systems, "DELETE " + ScaleKeys.PREFIX_KEYEXP + " .*", r -> r.delete().map(ScaleReport::deleteDetail).orElse("—"));
        return out.toString();
    }

    private static void row(StringBuilder out, List<ScaleResult> systems, String what, Function<ScaleResult, String> figure) {
        out.append("| ").append(what).append(" |");
        systems.forEach(r -> out.append(' ').append(figure.apply(r)).append(" |"));
        out.append('\n');
    }

    private static String probeDetail(ScaleResult.Probe probe) {
        LatencySummary l = probe.latency();
        return String.format(Locale.ROOT, "%s / %s / %s / %s ms (%s, %d errors%s)", millis(l.p50Micros()), millis(l.p99Micros()),
                millis(l.p999Micros()), millis(l.maxMicros()), Figures.count(l.count()), probe.errors(),
                probe.firstError() == null ? "" : ": " + probe.firstError());
    }

    private static String deleteDetail(ScaleResult.Delete d) {
        return String.format(Locale.ROOT, "%s, %s deleted (expected %s), %d left after; size %s → %s; digest primary %d, backup %d;"
                        + " %d failovers during it; CPU %s",
                Figures.millis(d.millis()), Figures.count(d.deleted()), Figures.count(d.expected()), d.matchesAfter(),
                Figures.count(d.sizeBefore()), Figures.count(d.sizeAfter()), d.primaryDigest(), d.backupDigest(), d.failovers(),
                d.cpuSeconds().isEmpty() ? "not measured (a process was replaced meanwhile)" : cpuFigure(d.cpuSeconds()));
    }

    /** The object of results.json: every figure, unrounded. */
    public static ObjectNode json(Results results) {
        ObjectNode scale = JSON.createObjectNode();
        results.scale().forEach((system, r) -> {
            ObjectNode node = scale.putObject(system).put("pairs", r.pairs()).put("fullRead", r.fullRead())
                    .put("expectedPrefixPairs", r.expectedPrefixPairs()).put("failovers", r.failovers());
            node.set("fullReadMillis", JSON.valueToTree(r.fullReadMillis()));
            node.set("fullReadCounts", JSON.valueToTree(r.fullReadCounts()));
            node.set("prefixReadMillis", JSON.valueToTree(r.prefixReadMillis()));
            node.set("prefixReadCounts", JSON.valueToTree(r.prefixReadCounts()));
            node.set("cpuSecondsPerFullRead", JSON.valueToTree(r.cpuSecondsPerFullRead()));
            node.set("memory", JSON.valueToTree(r.memory()));
            node.set("probe", JSON.valueToTree(r.probe()));
            r.delete().ifPresent(d -> node.set("delete", JSON.valueToTree(d)));
        });
        return scale;
    }

    /** One line for the printed summary: each target's figure and verdict; empty when the part did not run. */
    public static Optional<String> summaryLine(Results results) {
        Optional<ScaleResult> tuplespace = results.scale("tuplespace");
        Optional<ScaleResult> redis = results.scale("redis");
        if (tuplespace.isEmpty() && redis.isEmpty()) {
            return Optional.empty();
        }
        List<Comparison> rows = targets(results);
        List<String> names = List.of("read all ÷ Redis", "prefix GET ÷ full", "prefix DELETE", "probe p99 ÷ Redis",
                "failovers", "live heap growth ÷ answer");
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Comparison row = rows.get(i);
            parts.add(names.get(i) + row.ratio().map(ratio -> " " + Figures.ratio(ratio)).orElse("") + " " + row.verdict());
        }
        return Optional.of("Scale, " + tuplespace.or(() -> redis).map(r -> Figures.count(r.pairs())).orElse("?") + " pairs: "
                + String.join("; ", parts) + " (figures: the table above)");
    }

    private static Optional<Double> median(Optional<ScaleResult> result, Function<ScaleResult, List<Double>> figures) {
        return result.map(figures).filter(list -> !list.isEmpty()).map(Figures::median);
    }

    private static String millisList(List<Double> millis) {
        return millis.stream().map(value -> Figures.count(value)).collect(Collectors.joining(", ", "", " ms"));
    }

    private static String cpuFigure(Map<String, Double> seconds) {
        return seconds.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> String.format(Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
    }

    private static String restarts(ScaleResult.Probe probe) {
        return probe.backupRestarts() < 0 ? "?" : Long.toString(probe.backupRestarts());
    }

    private static String pauseFigure(Map<String, Double> millis) {
        return millis.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + Figures.millis(e.getValue())).collect(Collectors.joining(", "));
    }

    private static String millis(double micros) {
        return micros >= 100_000 ? Figures.count(micros / 1000) : String.format(Locale.ROOT, "%.1f", micros / 1000);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
