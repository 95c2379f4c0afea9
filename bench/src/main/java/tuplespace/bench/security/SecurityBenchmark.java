package tuplespace.bench.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.bench.load.LoadGenerator;
import tuplespace.bench.load.LoadOptions;
import tuplespace.bench.load.LoadResult;
import tuplespace.bench.load.OperationMix;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.TupleSpaceService;
import tuplespace.bench.report.Figures;
import tuplespace.bench.systems.TupleSpaceTarget;
import tuplespace.client.ClientOptions;
import tuplespace.client.ClientTls;

/**
 * What "who may talk to it" costs: the same load (50 connections pipelining 16, PUT, then exact GET) on three
 * services running side by side — plain, with {@code --cluster-secret-file}, with TLS on the client port — measured
 * in turn for {@link #ROUNDS} rounds, so that the drift of a shared machine falls on all three alike; each figure is
 * the median round, and its ratio is to the plain service's median.
 */
public final class SecurityBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityBenchmark.class);

    /** One variant's figures: the median ops/s by operation, and every round's. */
    public record Variant(String name, Map<String, Double> opsPerSecond, Map<String, List<Double>> rounds) {
    }

    private SecurityBenchmark() {
    }

    /** Rounds of short measurements, each variant in turn: slow drift of the shared machine hits all alike. */
    static final int ROUNDS = 3;

    /**
     * @param warmUp runs an unmeasured load on a fresh service (the suite's warm-up)
     * @param load   the measured load's options (connections, pipeline, keys, durations); its mix is replaced
     */
    public static List<Variant> run(Path logs, List<String> javaOptions, LoadOptions load,
                                    java.util.function.Consumer<TupleSpaceTarget> warmUp) throws IOException {
        Path directory = Files.createTempDirectory("tuplespace-bench-security");
        Path secret = directory.resolve("cluster.secret");
        Files.writeString(secret, "bench cluster secret, made for this run only\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        BenchCertificates certificates = BenchCertificates.create(directory);
        Map<String, TupleSpaceService.Access> accesses = new LinkedHashMap<>();
        accesses.put("plain", TupleSpaceService.Access.open());
        accesses.put("cluster secret", new TupleSpaceService.Access(List.of(), List.of(), Optional.of(secret)));
        accesses.put("TLS client port", new TupleSpaceService.Access(List.of("--tls-cert=" + certificates.certificate(),
                "--tls-key=" + certificates.privateKey(), "--tls-ca=" + certificates.certificate()), List.of(),
                Optional.empty()));
        ClientOptions tlsClient = TupleSpaceTarget.clientOptions().withTls(ClientTls.trusting(certificates.certificate()));

        try (ManagedProcesses processes = new ManagedProcesses(logs)) {
            Map<String, TupleSpaceService> services = new LinkedHashMap<>();
            Map<String, TupleSpaceTarget> targets = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, TupleSpaceService.Access> access : accesses.entrySet()) {
                    String name = access.getKey();
                    TupleSpaceService service = TupleSpaceService.start(processes, "security-" + tag(name), "sync",
                            javaOptions, access.getValue());
                    services.put(name, service);
                    ClientOptions client = name.startsWith("TLS") ? tlsClient : TupleSpaceTarget.clientOptions();
                    targets.put(name, TupleSpaceTarget.throughLibrary("tuplespace " + name, service.clientSap(), client));
                }
                targets.values().forEach(warmUp);
                return measureInRounds(targets, load);
            } finally {
                services.values().forEach(TupleSpaceService::close);
            }
        }
    }

    /** Each round measures PUT then exact GET on every variant in turn; a variant's figure is its median round. */
    private static List<Variant> measureInRounds(Map<String, TupleSpaceTarget> targets, LoadOptions load) {
        Map<String, Map<String, List<Double>>> rounds = new LinkedHashMap<>();
        for (int round = 1; round <= ROUNDS; round++) {
            for (Map.Entry<String, TupleSpaceTarget> target : targets.entrySet()) {
                String tag = tag(target.getKey()) + round;
                Map<String, List<Double>> figures = rounds.computeIfAbsent(target.getKey(), k -> new LinkedHashMap<>());
                figures.computeIfAbsent("PUT", k -> new ArrayList<>()).add(errorFree(LoadGenerator.run(target.getValue(),
                        load.withMix(OperationMix.writesOnly()), "s" + tag + "p", false)));
                figures.computeIfAbsent("GET exact", k -> new ArrayList<>()).add(errorFree(LoadGenerator.run(
                        target.getValue(), load.withMix(OperationMix.exactGetsOnly()), "s" + tag + "g", round == 1)));
                LOG.info("security round {} {}: PUT {} ops/s, GET exact {} ops/s", round, target.getKey(),
                        last(figures.get("PUT")), last(figures.get("GET exact")));
            }
        }
        List<Variant> variants = new ArrayList<>();
        rounds.forEach((name, figures) -> {
            Map<String, Double> medians = new LinkedHashMap<>();
            figures.forEach((operation, values) -> medians.put(operation, Figures.median(values)));
            variants.add(new Variant(name, medians, figures));
        });
        return variants;
    }

    private static String tag(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private static double errorFree(LoadResult result) {
        if (result.errors() > 0) {
            throw new IllegalStateException(result.errors() + " errors in " + result.target() + ": " + result.firstError());
        }
        return result.opsPerSecond();
    }

    /** One line per variant and operation: median ops/s, the ratio to plain, and the rounds. */
    public static List<String> describe(List<Variant> variants) {
        Variant plain = variants.get(0);
        List<String> lines = new ArrayList<>();
        for (Variant variant : variants) {
            variant.opsPerSecond().forEach((operation, ops) -> lines.add(String.format(Locale.ROOT,
                    "%s %s 50x16: median %.0f ops/s, %.2fx plain (rounds: %s)", variant.name(), operation, ops,
                    ops / plain.opsPerSecond().get(operation), variant.rounds().get(operation).stream()
                            .map(v -> String.format(Locale.ROOT, "%.0f", v)).toList())));
        }
        return lines;
    }
}
