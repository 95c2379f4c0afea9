package tuplespace.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tuplespace.bench.load.LoadGenerator;
import tuplespace.bench.load.LoadOptions;
import tuplespace.bench.load.LoadResult;
import tuplespace.bench.load.OperationMix;
import tuplespace.bench.load.Target;
import tuplespace.bench.report.Figures;
import tuplespace.bench.systems.RedisTarget;
import tuplespace.bench.systems.TupleSpaceTarget;
import tuplespace.codec.Durations;

/** {@code bench suite [--quick]} runs the whole comparison; {@code bench load ...} one load against a running system. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchMain.SuiteCommand.class, BenchMain.LoadCommand.class},
        description = "tuplespace benchmarks against Redis + Sentinel, side by side")
public final class BenchMain implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 2;
    }

    @Command(name = "suite", mixinStandardHelpOptions = true,
            description = "Runs throughput, failover, resync, slow_readers, scale, durable and security of tuplespace"
                    + " and Redis; writes results.json and results.md.")
    static final class SuiteCommand implements Callable<Integer> {

        @Option(names = "--quick", description = "short runs, small data, 1 repetition (development; under 3 minutes)")
        boolean quick;

        @Option(names = "--results", paramLabel = "DIR", defaultValue = "bench/results", description = "where results and logs go (default: ${DEFAULT-VALUE})")
        Path results;

        @Option(names = "--only", paramLabel = "PART", split = ",", description = "some of: ${COMPLETION-CANDIDATES} (default: all)")
        Set<Suite.Part> only;

        @Option(names = "--server-java-opts", paramLabel = "OPTS", defaultValue = "-Xmx2g",
                description = "JVM options of the proxy, primary and backup, space-separated (default: ${DEFAULT-VALUE})")
        String serverJavaOptions;

        @Override
        public Integer call() throws Exception {
            Suite suite = new Suite(quick ? Profile.QUICK : Profile.FULL, results, splitOptions(serverJavaOptions));
            var outcome = suite.run(only == null || only.isEmpty() ? EnumSet.allOf(Suite.Part.class) : EnumSet.copyOf(only));
            System.out.println();
            System.out.println(Suite.summary(outcome));
            System.out.println("\nFull report: " + results.resolve("results.md") + " and " + results.resolve("results.json"));
            return outcome.failures().isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true, description = "Runs one load against a running tuplespace proxy (JSON lines) or Redis server (RESP) from raw sockets.")
    static final class LoadCommand implements Callable<Integer> {

        enum Kind { TUPLESPACE, REDIS }

        @Option(names = "--target", required = true, paramLabel = "SYSTEM", description = "tuplespace or redis")
        Kind system;

        @Option(names = "--address", required = true, paramLabel = "HOST:PORT", description = "the proxy's client SAP, or the Redis server")
        String address;

        @Option(names = "--connections", defaultValue = "50", description = "connections (default: ${DEFAULT-VALUE})")
        int connections;

        @Option(names = "--pipeline", defaultValue = "1", description = "requests in flight per connection (default: ${DEFAULT-VALUE})")
        int pipeline;

        @Option(names = "--mix", defaultValue = "put=1", converter = MixConverter.class,
                description = "weights of put, post, get (exact), prefix (default: ${DEFAULT-VALUE})")
        OperationMix mix;

        @Option(names = "--keys", defaultValue = "100000", description = "preloaded keys that GET and POST address (default: ${DEFAULT-VALUE})")
        int keys;

        @Option(names = "--value-size", defaultValue = "20", description = "characters per value (default: ${DEFAULT-VALUE})")
        int valueSize;

        @Option(names = "--duration", defaultValue = "10s", converter = DurationConverter.class, description = "measured time (default: ${DEFAULT-VALUE})")
        Duration duration;

        @Option(names = "--warmup", defaultValue = "3s", converter = DurationConverter.class, description = "unmeasured time first (default: ${DEFAULT-VALUE})")
        Duration warmup;

        @Option(names = "--wait-replica", description = "redis: end each batch of writes with WAIT 1 0 in the same pipeline")
        boolean waitReplica;

        @Option(names = "--no-preload", description = "do not preload the keys")
        boolean noPreload;

        @Override
        public Integer call() {
            InetSocketAddress sap = parseAddress(address);
            LoadOptions options = new LoadOptions(connections, pipeline, mix, keys, valueSize, warmup, duration);
            Target target = system == Kind.REDIS ? new RedisTarget(sap.getHostString(), sap.getPort(), waitReplica, Map::of)
                    : new TupleSpaceTarget("tuplespace", sap, Map::of);
            LoadResult result = LoadGenerator.run(target, options, "l" + Long.toString(System.currentTimeMillis(), 36), !noPreload);
            System.out.printf(Locale.ROOT, "%s: %s ops/s, p50 %s us, p99 %s us, p99.9 %s us, max %s us, errors %d%s;"
                    + " load generator CPU %s us/op%n",
                    target.name(), Figures.count(result.opsPerSecond()), Figures.count(result.latency().p50Micros()),
                    Figures.count(result.latency().p99Micros()), Figures.count(result.latency().p999Micros()),
                    Figures.count(result.latency().maxMicros()), result.errors(),
                    result.firstError() == null ? "" : " (" + result.firstError() + ")",
                    Figures.count(result.cpuMicrosPerOperation().getOrDefault(LoadResult.LOAD_GENERATOR, Double.NaN)));
            return result.errors() == 0 ? 0 : 1;
        }
    }

    /** {@code host:port}, {@code [v6]:port}. */
    static InetSocketAddress parseAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, found '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a port 1-65535 after the last ':', found '" + text.substring(colon + 1) + "'", e);
        }
    }

    static List<String> splitOptions(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }

    static final class MixConverter implements CommandLine.ITypeConverter<OperationMix> {
        @Override
        public OperationMix convert(String value) {
            return OperationMix.parse(value);
        }
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}, or an ISO-8601 duration ({@code PT3S}): {@link Durations#parse}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }

    static Duration parseDuration(String text) {
        return Durations.parse(text);
    }
}
