package tuplespace.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import tuplespace.bench.failover.FailoverRepetition;
import tuplespace.bench.load.LoadResult;
import tuplespace.bench.resync.ResyncResult;
import tuplespace.bench.slowreaders.SlowReadersResult;

/** The suite's results as Markdown (the printed table) and as JSON (results.json). */
public final class ReportWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportWriter() {
    }

    /** The verdict table alone: what {@code run.sh} prints at the end. */
    public static String targetsTable(List<Comparison> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| what | tuplespace | Redis | ratio | target | verdict |\n|---|---|---|---|---|---|\n");
        for (Comparison row : rows) {
            out.append("| ").append(row.what()).append(" | ").append(row.tuplespace()).append(" | ").append(row.redis())
                    .append(" | ").append(row.ratio().map(Figures::ratio).orElse("")).append(" | ").append(row.target())
                    .append(" | ").append(row.verdict()).append(" |\n");
        }
        return out.toString();
    }

    /** One row per measured run; a scenario measured in rounds has a row per round (named by its number), in order. */
    public static String throughputTable(Map<Scenario, List<Results.Round>> throughput) {
        StringBuilder out = new StringBuilder();
        out.append("| run | ops/s | p50 µs | p99 µs | p99.9 µs | max µs | errors | CPU µs per op |\n|---|---|---|---|---|---|---|---|\n");
        throughput.forEach((scenario, rounds) -> rounds.forEach(round -> {
            LoadResult result = round.result();
            boolean inRounds = rounds.size() > 1 || round.number() > 1;
            out.append("| ").append(scenario.label()).append(inRounds ? ", round " + round.number() : "")
                    .append(" | ").append(Figures.count(result.opsPerSecond())).append(" | ")
                    .append(Figures.count(result.latency().p50Micros())).append(" | ")
                    .append(Figures.count(result.latency().p99Micros())).append(" | ")
                    .append(Figures.count(result.latency().p999Micros())).append(" | ")
                    .append(Figures.count(result.latency().maxMicros())).append(" | ").append(result.errors())
                    .append(result.firstError() == null ? "" : " (" + result.firstError() + ")").append(" | ")
                    .append(cpuPerOperation(result.cpuMicrosPerOperation())).append(" |\n");
        }));
        return out.toString();
    }

    /** {@code proxy 3.1 + primary 5.2 + backup 2.0 = 10.3 (load generator 4.0)}: the service's sum, the generator apart. */
    static String cpuPerOperation(Map<String, Double> micros) {
        StringBuilder out = new StringBuilder();
        double sum = 0;
        for (Map.Entry<String, Double> process : micros.entrySet()) {
            if (!process.getKey().equals(LoadResult.LOAD_GENERATOR)) {
                out.append(out.length() == 0 ? "" : " + ").append(process.getKey()).append(' ').append(Figures.count(process.getValue()));
                sum += process.getValue();
            }
        }
        if (out.length() > 0) {
            out.append(" = ").append(Figures.count(sum));
        }
        Double generator = micros.get(LoadResult.LOAD_GENERATOR);
        if (generator != null) {
            out.append(out.length() == 0 ? "" : " ").append("(").append(LoadResult.LOAD_GENERATOR).append(' ')
                    .append(Figures.count(generator)).append(')');
        }
        return out.toString();
    }

    /** The slow-readers scenario: memory of proxy and primary, the well-behaved client's latency, failovers. */
    public static String slowReadersTable(SlowReadersResult r) {
        return "| slow readers | answer | proxy RSS idle → peak (heap after GC) | primary RSS idle → peak (heap after GC)"
                + " | well-behaved exact GET p50"
                + " / p99 / max | GETs (errors) | slow readers held back after | exact GET p50 / p99 from then on"
                + " | failovers | requests the slow readers got in |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n"
                + "| " + r.slowReaders() + " × GET of " + Figures.count(r.pairs()) + " pairs, " + Figures.count(r.seconds())
                + " s | " + Figures.count(r.answerBytes() / 1024.0) + " KiB | " + mebibytes(r.proxyIdleRss()) + " → "
                + mebibytes(r.proxyPeakRss()) + " (" + heap(r.proxyHeapAfterGc()) + ") | " + mebibytes(r.primaryIdleRss())
                + " → " + mebibytes(r.primaryPeakRss()) + " (" + heap(r.primaryHeapAfterGc()) + ")"
                + " | " + Figures.count(r.exactGets().p50Micros()) + " / " + Figures.count(r.exactGets().p99Micros())
                + " / " + Figures.count(r.exactGets().maxMicros()) + " µs | " + r.exactGets().count() + " ("
                + r.exactGetErrors() + ") | " + (r.heldBackSeconds() < 0 ? "not within the run"
                : Figures.count(r.heldBackSeconds()) + " s") + " | " + Figures.count(r.exactGetsOnceHeldBack().p50Micros())
                + " / " + Figures.count(r.exactGetsOnceHeldBack().p99Micros()) + " µs (" + r.exactGetsOnceHeldBack().count()
                + ") | " + r.failovers() + " | " + Figures.count(r.slowReaderBytes() / 1024.0)
                + " KiB" + (r.stoppedEarly() == null ? "" : "; stopped early: " + r.stoppedEarly()) + " |\n";
    }

    private static String heap(long bytes) {
        return bytes < 0 ? "n/a" : mebibytes(bytes);
    }

    static String mebibytes(long bytes) {
        return Figures.count(bytes / 1048576.0) + " MiB";
    }

    public static String markdown(Results results) {
        StringBuilder out = new StringBuilder("# tuplespace vs Redis, measured side by side\n\n");
        results.environment().forEach((name, value) -> out.append("- ").append(name).append(": ").append(value).append('\n'));
        out.append("\n## Targets\n\n").append(targetsTable(TargetCheck.compare(results)));
        out.append("\n## Throughput and latency (latency per operation, from its batch's send to its answer)\n\n")
                .append(throughputTable(results.throughput()));
        out.append("\n## Failover repetitions\n\n| system | # | unavailable (last answer before → first after) | kill → first answer | client errors | acked writes | lost | applied twice | fault → a new replica live |\n|---|---|---|---|---|---|---|---|---|\n");
        results.failover().forEach((system, repetitions) -> {
            for (int i = 0; i < repetitions.size(); i++) {
                FailoverRepetition r = repetitions.get(i);
                out.append("| ").append(system).append(" | ").append(i + 1).append(" | ").append(Figures.millis(r.unavailableMillis()))
                        .append(" | ").append(Figures.millis(r.killToFirstAnswerMillis())).append(" | ").append(r.clientErrors())
                        .append(" | ").append(r.acknowledgedWrites()).append(" | ").append(r.lostWrites().lost())
                        .append(" | ").append(r.duplicateEffects()).append(" | ")
                        .append(r.protectedAgainMillis().isPresent()
                                ? Figures.millis(r.protectedAgainMillis().getAsDouble()) : "n/a")
                        .append(" |\n");
            }
        });
        out.append("\n## Resync and memory\n\n| system | keys | resync per repetition | of which catch-up (syncing → live) | longest GET stall during resync | bytes per key | method | primary RSS |\n|---|---|---|---|---|---|---|---|\n");
        results.resync().values().forEach(r -> out.append("| ").append(r.system()).append(" | ").append(Figures.count(r.keys()))
                .append(" | ").append(r.resyncMillis().stream().map(Figures::millis).toList()).append(" | ")
                .append(r.catchUpMillis().isEmpty() ? "n/a" : r.catchUpMillis().stream().map(Figures::millis).toList().toString()).append(" | ")
                .append(r.longestStallMillis() < 0 ? "n/a" : Figures.millis(r.longestStallMillis())).append(" | ")
                .append(Figures.count(r.bytesPerKey())).append(" | ").append(r.memoryMethod()).append(" | ")
                .append(Figures.count(r.residentBytes() / 1048576.0)).append(" MiB |\n"));
        out.append(ScaleReport.markdown(results));
        results.slowReaders().ifPresent(slow -> out.append("\n## Slow readers (clients that pipeline and never read)\n\n")
                .append(slowReadersTable(slow)));
        if (!results.failures().isEmpty()) {
            out.append("\n## Parts that failed\n\n");
            results.failures().forEach((part, why) -> out.append("- ").append(part).append(": ").append(why).append('\n'));
        }
        return out.toString();
    }

    public static String json(Results results) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode environment = root.putObject("environment");
        results.environment().forEach(environment::put);
        ArrayNode targets = root.putArray("targets");
        for (Comparison row : TargetCheck.compare(results)) {
            ObjectNode node = targets.addObject().put("what", row.what()).put("tuplespace", row.tuplespace())
                    .put("redis", row.redis()).put("target", row.target()).put("verdict", row.verdict());
            row.ratio().ifPresent(ratio -> node.put("ratio", ratio));
        }
        ObjectNode throughput = root.putObject("throughput");
        results.throughput().forEach((scenario, rounds) -> {
            ArrayNode list = throughput.putArray(scenario.name());
            rounds.forEach(round -> list.add(load(scenario, round)));
        });
        ObjectNode failover = root.putObject("failover");
        results.failover().forEach((system, repetitions) -> {
            ArrayNode list = failover.putArray(system);
            repetitions.forEach(r -> {
                ObjectNode node = list.addObject().put("unavailableMillis", r.unavailableMillis())
                        .put("killToFirstAnswerMillis", r.killToFirstAnswerMillis()).put("clientErrors", r.clientErrors())
                        .put("acknowledgedWrites", r.acknowledgedWrites()).put("lostWrites", r.lostWrites().lost())
                        .put("appliedTwice", r.duplicateEffects()).put("fault", r.fault().name())
                        .put("hungProcessGone", r.hungProcessGone());
                r.protectedAgainMillis().ifPresent(millis -> node.put("protectedAgainMillis", millis));
                node.set("examples", JSON.valueToTree(concat(r.errorExamples(), r.lostWrites().examples())));
            });
        });
        ObjectNode resync = root.putObject("resync");
        results.resync().forEach((system, r) -> resync.set(system, resync(r)));
        root.set("scale", ScaleReport.json(results));
        results.slowReaders().ifPresent(slow -> root.set("slowReaders", slowReaders(slow)));
        ObjectNode failures = root.putObject("failures");
        results.failures().forEach(failures::put);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    private static ObjectNode load(Scenario scenario, Results.Round round) {
        LoadResult result = round.result();
        ObjectNode node = JSON.createObjectNode().put("label", scenario.label()).put("round", round.number())
                .put("system", scenario.system())
                .put("operation", scenario.operation()).put("connections", result.options().connections())
                .put("pipelineDepth", result.options().pipelineDepth()).put("keys", result.options().keyCount())
                .put("valueSize", result.options().valueSize()).put("seconds", result.seconds())
                .put("operations", result.operations()).put("opsPerSecond", result.opsPerSecond())
                .put("p50Micros", result.latency().p50Micros()).put("p99Micros", result.latency().p99Micros())
                .put("p999Micros", result.latency().p999Micros()).put("maxMicros", result.latency().maxMicros())
                .putPOJO("cpuMicrosPerOperation", result.cpuMicrosPerOperation())
                .put("errors", result.errors());
        if (result.firstError() != null) {
            node.put("firstError", result.firstError());
        }
        return node;
    }

    private static ObjectNode slowReaders(SlowReadersResult r) {
        ObjectNode node = JSON.createObjectNode().put("slowReaders", r.slowReaders()).put("pairs", r.pairs())
                .put("answerBytes", r.answerBytes()).put("seconds", r.seconds()).put("proxyIdleRss", r.proxyIdleRss())
                .put("primaryIdleRss", r.primaryIdleRss()).put("proxyPeakRss", r.proxyPeakRss())
                .put("proxyHeapAfterGc", r.proxyHeapAfterGc()).put("primaryHeapAfterGc", r.primaryHeapAfterGc())
                .put("primaryPeakRss", r.primaryPeakRss()).put("exactGets", r.exactGets().count())
                .put("exactGetP50Micros", r.exactGets().p50Micros()).put("exactGetP99Micros", r.exactGets().p99Micros())
                .put("exactGetMaxMicros", r.exactGets().maxMicros()).put("exactGetErrors", r.exactGetErrors())
                .put("heldBackSeconds", r.heldBackSeconds())
                .put("exactGetOnceHeldBackP50Micros", r.exactGetsOnceHeldBack().p50Micros())
                .put("exactGetOnceHeldBackP99Micros", r.exactGetsOnceHeldBack().p99Micros())
                .put("failovers", r.failovers()).put("slowReaderBytes", r.slowReaderBytes());
        if (r.stoppedEarly() != null) {
            node.put("stoppedEarly", r.stoppedEarly());
        }
        return node;
    }

    private static ObjectNode resync(ResyncResult r) {
        ObjectNode node = JSON.createObjectNode().put("keys", r.keys()).put("bytesPerKey", r.bytesPerKey())
                .put("memoryMethod", r.memoryMethod()).put("residentBytes", r.residentBytes())
                .put("longestStallMillis", r.longestStallMillis());
        node.set("resyncMillis", JSON.valueToTree(r.resyncMillis()));
        node.set("catchUpMillis", JSON.valueToTree(r.catchUpMillis()));
        return node;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
