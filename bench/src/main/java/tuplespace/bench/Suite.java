package tuplespace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.bench.durability.RecoveryStart;
import tuplespace.bench.failover.FailoverBenchmark;
import tuplespace.bench.failover.FailoverRepetition;
import tuplespace.bench.failover.FailoverSystem;
import tuplespace.bench.failover.RedisFailover;
import tuplespace.bench.failover.TupleSpaceFailover;
import tuplespace.bench.load.LoadGenerator;
import tuplespace.bench.load.LoadOptions;
import tuplespace.bench.load.Target;
import tuplespace.bench.load.WarmUp;
import tuplespace.bench.process.Deadline;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.RedisProcesses;
import tuplespace.bench.process.TupleSpaceService;
import tuplespace.bench.report.Figures;
import tuplespace.bench.report.ReportWriter;
import tuplespace.bench.report.Results;
import tuplespace.bench.report.ScaleReport;
import tuplespace.bench.report.Scenario;
import tuplespace.bench.report.TargetCheck;
import tuplespace.bench.resync.RedisResync;
import tuplespace.bench.resync.TupleSpaceResync;
import tuplespace.bench.scale.RedisScale;
import tuplespace.bench.scale.ScaleSettings;
import tuplespace.bench.scale.TupleSpaceScale;
import tuplespace.bench.slowreaders.SlowReadersBenchmark;
import tuplespace.bench.systems.RedisTarget;
import tuplespace.bench.systems.TupleSpaceTarget;
import tuplespace.bench.security.SecurityBenchmark;
import tuplespace.bench.load.OperationMix;

/** The whole comparison: throughput, failover, resync and memory, reads and deletes at scale of both systems, then the report. */
public final class Suite {

    /** The parts of the suite, runnable alone with {@code --only}. */
    public enum Part { THROUGHPUT, FAILOVER, RESYNC, SLOW_READERS, SCALE, DURABLE, SECURITY }

    private static final Logger LOG = LoggerFactory.getLogger(Suite.class);

    /** Restarts measured per system in the durable part; the log replayed after tuplespace's snapshot. */
    private static final int RECOVERY_REPETITIONS = 3;
    private static final int RECOVERY_LOG_ENTRIES = 100_000;

    private final Profile profile;
    private final Path resultsDirectory;
    private final List<String> serverJavaOptions;
    private final Results results = new Results();
    private final Path logs;
    private final Path redisData;
    private final Path durableRoot;
    private Deadline deadline;

    public Suite(Profile profile, Path resultsDirectory, List<String> serverJavaOptions) throws IOException {
        this.profile = profile;
        this.resultsDirectory = Files.createDirectories(resultsDirectory);
        this.serverJavaOptions = List.copyOf(serverJavaOptions);
        deleteQuietly(resultsDirectory.resolve("logs"));
        this.logs = Files.createDirectories(resultsDirectory.resolve("logs"));
        this.redisData = Files.createTempDirectory("tuplespace-bench-redis");
        // On the disk the results go to, never a tmpfs: the durable figures are about fsync.
        this.durableRoot = this.resultsDirectory.resolve("durable-data");
    }

    public Results run(Set<Part> parts) throws IOException {
        // The scale part brings its own allowance: the other parts' share of the budget stays what it was.
        deadline = Deadline.in(parts.contains(Part.SCALE) ? profile.budget().plus(ScaleSettings.of(profile).allowance()) : profile.budget());
        describeEnvironment();
        if (parts.contains(Part.THROUGHPUT)) {
            attempt("throughput redis and tuplespace sync, in rounds", this::throughputInRounds);
            if (profile.includeAsync()) {
                attempt("throughput tuplespace async", this::tupleSpaceAsyncThroughput);
            }
        }
        if (parts.contains(Part.FAILOVER)) {
            attempt("failover redis", () -> failover(new RedisFailover(logs, redisData)));
            attempt("failover tuplespace", () -> failover(new TupleSpaceFailover(logs, serverJavaOptions)));
        }
        if (parts.contains(Part.RESYNC)) {
            attempt("resync redis", () -> results.putResync(RedisResync.run(logs, redisData, profile.resyncKeys(), profile.resyncRepetitions(), deadline)));
            attempt("resync tuplespace", () -> results.putResync(TupleSpaceResync.run(logs, serverJavaOptions, profile.resyncKeys(), profile.resyncRepetitions(), deadline)));
        }
        if (parts.contains(Part.SLOW_READERS)) {
            attempt("slow readers tuplespace", this::slowReaders);
        }
        if (parts.contains(Part.DURABLE)) {
            // Side by side in one run, every data file on this machine's disk (never tmpfs).
            attempt("durable writes redis and tuplespace, in rounds", this::durableInRounds);
            // Recovery of as many pairs as the resync part copies (a million in the full run), from process start.
            attempt("durable recovery redis", () -> results.putRecovery(RecoveryStart.redis(logs,
                    durableRoot.resolve("redis-recovery"), profile.resyncKeys(), RECOVERY_REPETITIONS)));
            attempt("durable recovery tuplespace", () -> results.putRecovery(RecoveryStart.tupleSpace(logs,
                    serverJavaOptions, durableRoot.resolve("recovery"), profile.resyncKeys(), RECOVERY_LOG_ENTRIES,
                    RECOVERY_REPETITIONS)));
            results.environment().put("durable", "PUT/SET of new keys, 50 connections x 1; data directories and Redis's"
                    + " append-only files on " + durableRoot + " (" + fileSystemOf(durableRoot) + "); Redis master and"
                    + " replica both with appendonly yes, appendfsync always, each SET followed by WAIT 1 0; recovery: "
                    + recoveryDetail());
            deleteQuietly(durableRoot);
        }
        if (parts.contains(Part.SECURITY)) {
            attempt("security tuplespace", this::securityCosts);
        }
        if (parts.contains(Part.SCALE)) {
            ScaleSettings scale = ScaleSettings.of(profile);
            results.environment().put("scale", scale.describe());
            // Its figures swing with the other engineers' builds more than any other part's: say how busy it was.
            String atStart = loadAverage();
            attempt("scale redis", () -> results.putScale(RedisScale.run(logs, redisData, scale, deadline)));
            String between = loadAverage();
            attempt("scale tuplespace", () -> results.putScale(TupleSpaceScale.run(logs, serverJavaOptions, scale, deadline)));
            results.environment().put("scale load average", "before Redis " + atStart + ", before tuplespace " + between
                    + ", at the end " + loadAverage());
        }
        results.environment().put("finished", Instant.now().toString());
        Files.writeString(resultsDirectory.resolve("results.json"), ReportWriter.json(results));
        Files.writeString(resultsDirectory.resolve("results.md"), ReportWriter.markdown(results));
        deleteQuietly(redisData);
        return results;
    }

    /** What run.sh prints: the verdict and the throughput detail. */
    public static String summary(Results results) {
        StringBuilder out = new StringBuilder();
        out.append(ReportWriter.targetsTable(TargetCheck.compare(results))).append('\n');
        out.append(ReportWriter.throughputTable(results.throughput()));
        ScaleReport.summaryLine(results).ifPresent(line -> out.append('\n').append(line).append('\n'));
        results.slowReaders().ifPresent(slow -> out.append('\n').append(ReportWriter.slowReadersTable(slow)));
        results.environment().forEach((name, value) -> {
            if (name.startsWith("security ")) {
                out.append('\n').append(value);
            }
        });
        results.failures().forEach((part, why) -> out.append("\nFAILED: ").append(part).append(": ").append(why));
        return out.toString();
    }

    /**
     * Redis (primary + replica) and a sync tuplespace service running side by side, each warmed, then each load
     * measured {@link Profile#throughputRounds()} times in a row, Redis's runs of it and ours one after the other in
     * each round ({@link #inTurn}). The reads come first ({@link #loadsSideBySide}): every round of them runs on the
     * same space, the warm-up's pairs and the preloaded ones, where each round of writes adds its own.
     */
    private void throughputInRounds() throws IOException {
        try (ManagedProcesses processes = new ManagedProcesses(logs);
             TupleSpaceService service = TupleSpaceService.start(processes, "throughput", "sync", serverJavaOptions)) {
            RedisProcesses.Replicated redis = new RedisProcesses(processes,
                    Files.createDirectories(redisData.resolve("throughput"))).startReplicated("throughput-redis", List.of());
            Supplier<Map<String, Long>> ourPids = () -> processesOf(service);
            // The load generator's own JVM (its RESP path) is as cold as a fresh service: warm it on Redis too.
            warmUp("redis (load generator JVM)", new RedisTarget("127.0.0.1", redis.masterPort(), false, redis::pids));
            warmUp("tuplespace", new TupleSpaceTarget("tuplespace warm-up", service.clientSap(), ourPids));
            Function<Scenario, Target> targetOf = scenario -> scenario.system().equals("redis")
                    ? new RedisTarget("127.0.0.1", redis.masterPort(), scenario.synchronousReplication(), redis::pids)
                    : new TupleSpaceTarget("tuplespace " + scenario.operation(), service.clientSap(), ourPids);
            for (List<Scenario> load : loadsSideBySide("redis", "tuplespace")) {
                for (int round = 1; round <= profile.throughputRounds(); round++) {
                    for (Scenario scenario : inTurn(load, round)) {
                        measure(scenario, round, scenario.label() + ", round " + round, targetOf.apply(scenario),
                                profile.warmup(), profile.roundDuration());
                    }
                }
            }
        }
    }

    /**
     * The scenarios of both systems grouped by load (operations and pipeline depth): the reads first, then the writes,
     * each in the order of {@link Scenario}; within a load, {@code first}'s scenarios before {@code second}'s.
     */
    static List<List<Scenario>> loadsSideBySide(String first, String second) {
        Map<String, List<Scenario>> loads = new LinkedHashMap<>();
        Stream.concat(scenarios(first).stream(), scenarios(second).stream())
                .sorted(Comparator.comparing((Scenario s) -> !s.mix().needsPreload()).thenComparing(Scenario::ordinal))
                .forEach(s -> loads.computeIfAbsent(s.mix() + " x" + s.pipelineDepth(), k -> new ArrayList<>()).add(s));
        loads.values().forEach(load -> load.sort(Comparator.comparing((Scenario s) -> !s.system().equals(first))));
        return List.copyOf(loads.values());
    }

    /**
     * The order of a load's runs in round {@code round}: as given in odd rounds, reversed in even ones, so that a
     * machine slowing or speeding up during a round does not always favour the same system (with an odd number of
     * rounds the first system runs first once more than the second).
     */
    static List<Scenario> inTurn(List<Scenario> load, int round) {
        List<Scenario> inTurn = new ArrayList<>(load);
        if (round % 2 == 0) {
            Collections.reverse(inTurn);
        }
        return inTurn;
    }

    /**
     * The durable part's writes: Redis with its append-only file and three tuplespace services (memory only, {@code
     * --fsync everysec}, {@code --fsync always}) running side by side, each warmed, then measured {@link
     * Profile#throughputRounds()} times in a row, all four one after the other in each round ({@link #inTurn}), as
     * the throughput part does. A durable ratio is the median of the rounds' own ratios: one run of each, minutes
     * apart, put {@code everysec} at 0.81x to 0.95x our memory-only PUT in runs of one build (2026-12-04 and -05).
     */
    private void durableInRounds() throws IOException {
        try (ManagedProcesses processes = new ManagedProcesses(logs);
             TupleSpaceService memory = TupleSpaceService.start(processes, "tuplespace-memory", "sync",
                     serverJavaOptions, List.of());
             TupleSpaceService everysec = TupleSpaceService.start(processes, "tuplespace-fsync-everysec", "sync",
                     serverJavaOptions, List.of("--data-dir=" + durableData("everysec"), "--fsync=everysec"));
             TupleSpaceService always = TupleSpaceService.start(processes, "tuplespace-fsync-always", "sync",
                     serverJavaOptions, List.of("--data-dir=" + durableData("always"), "--fsync=always"))) {
            RedisProcesses.Replicated redis = new RedisProcesses(processes,
                    Files.createDirectories(durableRoot.resolve("redis")))
                    .startReplicated("durable-redis", List.of("appendonly yes", "appendfsync always"));
            warmUp("redis appendfsync always (load generator JVM)", new RedisTarget("127.0.0.1", redis.masterPort(),
                    false, redis::pids));
            Map<Scenario, TupleSpaceService> ours = new EnumMap<>(Scenario.class);
            ours.put(Scenario.TUPLESPACE_MEMORY_PUT_P1, memory);
            ours.put(Scenario.TUPLESPACE_FSYNC_EVERYSEC_PUT_P1, everysec);
            ours.put(Scenario.TUPLESPACE_FSYNC_ALWAYS_PUT_P1, always);
            for (Map.Entry<Scenario, TupleSpaceService> service : ours.entrySet()) {
                TupleSpaceService running = service.getValue();
                warmUp(service.getKey().system(), new TupleSpaceTarget("tuplespace warm-up", running.clientSap(),
                        () -> processesOf(running)));
            }
            List<Scenario> load = List.of(Scenario.TUPLESPACE_MEMORY_PUT_P1, Scenario.TUPLESPACE_FSYNC_EVERYSEC_PUT_P1,
                    Scenario.TUPLESPACE_FSYNC_ALWAYS_PUT_P1, Scenario.REDIS_AOF_ALWAYS_SET_WAIT_P1);
            for (int round = 1; round <= profile.throughputRounds(); round++) {
                for (Scenario scenario : inTurn(load, round)) {
                    Target target = scenario.system().startsWith("redis")
                            ? new RedisTarget("127.0.0.1", redis.masterPort(), true, redis::pids)
                            : new TupleSpaceTarget("tuplespace " + scenario.operation(), ours.get(scenario).clientSap(),
                                    () -> processesOf(ours.get(scenario)));
                    measure(scenario, round, scenario.label() + ", round " + round, target, profile.durableWarmup(),
                            profile.roundDuration());
                }
            }
        }
    }

    /** Each system's recovery per repetition, and what it loaded. */
    private String recoveryDetail() {
        return Stream.of("tuplespace", "redis").flatMap(system -> results.recovery(system).stream())
                .map(r -> r.system() + " from " + r.what() + " (" + r.dataBytes() / (1 << 20) + " MiB): "
                        + r.startToServingMillis().stream().map(Figures::millis).toList())
                .collect(Collectors.joining("; "));
    }

    private Path durableData(String name) throws IOException {
        return Files.createDirectories(durableRoot.resolve(name));
    }

    private static String fileSystemOf(Path path) {
        try {
            return Files.getFileStore(path).type();
        } catch (IOException e) {
            return "file system unknown";
        }
    }

    /** Asynchronous replication, for reference (no target): a service of its own, after the rounds, measured once. */
    private void tupleSpaceAsyncThroughput() throws IOException {
        try (ManagedProcesses processes = new ManagedProcesses(logs);
             TupleSpaceService service = TupleSpaceService.start(processes, "throughput-async", "async", serverJavaOptions)) {
            Supplier<Map<String, Long>> pids = () -> processesOf(service);
            warmUp("tuplespace-async", new TupleSpaceTarget("tuplespace warm-up", service.clientSap(), pids));
            for (Scenario scenario : scenarios("tuplespace-async")) {
                runScenario(scenario, new TupleSpaceTarget("tuplespace " + scenario.operation(), service.clientSap(), pids));
            }
        }
    }

    /** The service's three JVMs by role, as STATUS tells them now. */
    private static Map<String, Long> processesOf(TupleSpaceService service) {
        var primary = service.primaryStatus();
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("proxy", service.proxyPid());
        pids.put("primary", primary.path("pid").asLong());
        pids.put("backup", primary.path("backup").path("pid").asLong());
        return pids;
    }

    /**
     * JIT warm-up, not measured: PUT and GET, pipelined, until two windows in a row agree (or the cap). For
     * tuplespace it warms proxy, primary and backup and the client library; for Redis the load generator's JVM.
     */
    private void warmUp(String what, Target target) {
        LoadOptions options = new LoadOptions(profile.connections(), 16, new tuplespace.bench.load.OperationMix(1, 1, 2, 0),
                1000, LoadOptions.DEFAULT_VALUE_SIZE, Duration.ZERO, profile.warmUp().window());
        WarmUp.Outcome outcome = WarmUp.run(target, options, profile.warmUp(), "w", true);
        LOG.info("warm-up of {}: {}", what, outcome.describe());
        results.environment().put("warm-up " + what, outcome.describe());
    }

    private void runScenario(Scenario scenario, Target target) {
        measure(scenario, 1, scenario.label(), target, profile.warmup(), profile.duration());
    }

    /** Round {@code round} of a scenario; its PUT keys are its own (tagged with scenario and round). */
    private void measure(Scenario scenario, int round, String label, Target target, Duration warmup, Duration duration) {
        LoadOptions options = new LoadOptions(profile.connections(), scenario.pipelineDepth(), scenario.mix(),
                profile.getKeys(), LoadOptions.DEFAULT_VALUE_SIZE, warmup, duration);
        if (!deadline.allows(warmup.plus(duration).plus(Duration.ofSeconds(5)))) {
            results.fail(label, new IllegalStateException("skipped: the run's time budget is spent"));
            return;
        }
        boolean firstGet = scenario.mix().needsPreload() && results.throughput().keySet().stream()
                .noneMatch(done -> done.system().equals(scenario.system()) && done.mix().needsPreload());
        try {
            results.put(scenario, round, LoadGenerator.run(target, options, "t" + scenario.ordinal() + "r" + round, firstGet));
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", label, e.toString());
            results.fail(label, e);
        }
    }

    /** PUT and exact GET at 50 x 16: plain, with the cluster secret, with TLS on the client port. */
    private void securityCosts() throws IOException {
        LoadOptions load = new LoadOptions(profile.connections(), 16, OperationMix.writesOnly(), profile.getKeys(),
                LoadOptions.DEFAULT_VALUE_SIZE, profile.warmup(), profile.duration());
        List<String> lines = SecurityBenchmark.describe(SecurityBenchmark.run(logs, serverJavaOptions, load,
                target -> warmUp(target.name(), target)));
        for (int i = 0; i < lines.size(); i++) {
            results.environment().put(String.format("security %02d", i + 1), lines.get(i));
        }
    }

    private void slowReaders() throws IOException, InterruptedException {
        SlowReadersBenchmark.Settings settings = SlowReadersBenchmark.Settings.of(profile.slowReaders());
        // a fresh service, preloading, warm-up, the run, and the well-behaved client's last timeout
        if (!deadline.allows(settings.duration().plus(Duration.ofSeconds(45)))) {
            results.fail("slow readers tuplespace", new IllegalStateException("skipped: the run's time budget is spent"));
            return;
        }
        results.putSlowReaders(SlowReadersBenchmark.run(logs, settings));
    }

    private void failover(FailoverSystem system) {
        FailoverBenchmark.Settings settings = new FailoverBenchmark.Settings(profile.failoverWriters(),
                profile.failoverWritesPerSecond(), profile.failoverSteady(), profile.failoverAfterRecovery(), Duration.ofSeconds(45));
        try (system) {
            repeat(system, settings, FailoverRepetition.Fault.KILL, profile.failoverRepetitions(), system.name());
            repeat(system, settings, FailoverRepetition.Fault.STOP, profile.hangRepetitions(), system.name() + " SIGSTOP");
        }
    }

    private void repeat(FailoverSystem system, FailoverBenchmark.Settings settings, FailoverRepetition.Fault fault,
                        int count, String name) {
        List<FailoverRepetition> repetitions = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                if (i > 1 && !deadline.allows(Duration.ofSeconds(150))) {
                    results.fail(name + " failover repetitions " + i + "-" + count,
                            new IllegalStateException("skipped: the run's time budget is spent (resync still to come)"));
                    break;
                }
                try {
                    repetitions.add(FailoverBenchmark.runOnce(system, settings, (fault == FailoverRepetition.Fault.KILL ? "f" : "h") + i, fault));
                } catch (RuntimeException e) {
                    LOG.error("{} failover repetition {} failed: {}", name, i, e.toString());
                    results.fail(name + " failover repetition " + i, e);
                }
            }
        } finally {
            if (count > 0) {
                results.putFailover(name, repetitions);
            }
        }
    }

    private static List<Scenario> scenarios(String system) {
        return EnumSet.allOf(Scenario.class).stream().filter(s -> s.system().equals(system)).toList();
    }

    private void describeEnvironment() {
        var environment = results.environment();
        environment.put("started", Instant.now().toString());
        environment.put("profile", profile.name() + " (" + profile.connections() + " connections, warm-up "
                + profile.warmup().toSeconds() + " s (" + profile.durableWarmup().toSeconds() + " s in the durable part),"
                + " measured " + profile.duration().toSeconds() + " s per run; the throughput part measures each load "
                + profile.throughputRounds() + " times in a row, the reads first, " + profile.roundDuration().toSeconds()
                + " s each, Redis and tuplespace in turn (Redis first in odd rounds, last in even ones), and a ratio is"
                + " the median of the rounds' ratios; the durable part measures its four writes so too, each run "
                + profile.roundDuration().toSeconds() + " s after " + profile.durableWarmup().toSeconds() + " s; "
                + profile.getKeys() + " keys for GET, 20-byte values; unmeasured PUT/POST/GET warm-up load, 50 connections"
                + " pipelined 16, on each tuplespace service and before the first Redis run (for the load generator's"
                + " JVM): " + profile.warmUp().describe() + "; what each did: the warm-up lines below)");
        environment.put("machine", Runtime.getRuntime().availableProcessors() + " cores, load average at start "
                + loadAverage() + " (the CPU is shared with other engineers' builds and tests)");
        environment.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        environment.put("tuplespace", "proxy + primary + backup, each a JVM with " + (serverJavaOptions.isEmpty()
                ? "default options" : String.join(" ", serverJavaOptions)) + "; load through the proxy (JSON mode); " + TupleSpaceService.settings("sync"));
        environment.put("redis", RedisProcesses.version());
        environment.put("redis settings", String.join("; ", RedisProcesses.SERVER_SETTINGS));
        environment.put("sentinel settings", String.join("; ", RedisProcesses.SENTINEL_SETTINGS));
        environment.put("load generator", "raw sockets, one blocking connection and thread per load connection, the"
                + " same code for both systems but the protocol: JSON lines (no id) for tuplespace, RESP for Redis; a"
                + " batch is written in one call, then read until all its answers are in; one operation per request"
                + " line; CPU per operation of each process (/proc/PID/stat) over the measured window");
        environment.put("redis client", "SET+WAIT: WAIT 1 0 ends each batch in the same pipeline (depth 1: SET, WAIT;"
                + " depth 16: 16 SETs, WAIT); preloading, failover (JedisSentinelPool) and resync through Jedis");
        environment.put("failover", profile.failoverRepetitions() + " repetitions, " + profile.failoverWriters()
                + " writers at " + profile.failoverWritesPerSecond() + " writes/s in all (paced; fewer when latency limits them);"
                + " a failed write is retried and counted; then " + profile.hangRepetitions() + " repetitions with SIGSTOP"
                + " instead of kill -9 (a hung primary); Jedis socket timeout 2 s in the failover client");
        environment.put("slow readers", "a fresh service, proxy and nodes with default JVM options; "
                + SlowReadersBenchmark.Settings.of(profile.slowReaders()).slowReaders() + " clients pipelining GET"
                + " bench,.* .* on " + SlowReadersBenchmark.Settings.of(profile.slowReaders()).pairs() + " pairs and"
                + " never reading, for " + profile.slowReaders().toSeconds() + " s, while one client does exact GETs one"
                + " at a time (after 3 s of them unmeasured); resident sets sampled every 100 ms");
        environment.put("resync", profile.resyncKeys() + " keys, " + profile.resyncRepetitions() + " repetitions; tuplespace: kill -9 of the"
                + " backup → STATUS live at the primary's index (includes the new backup JVM's start); Redis: start of a fresh"
                + " replica process → master_link_status:up");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void attempt(String part, ThrowingRunnable body) {
        LOG.info("== {}", part);
        try {
            body.run();
        } catch (Exception e) {
            LOG.error("{} failed", part, e);
            results.fail(part, e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", directory, e.toString());
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
