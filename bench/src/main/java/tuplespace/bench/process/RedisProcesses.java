package tuplespace.bench.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import redis.clients.jedis.Jedis;
import tuplespace.bench.systems.RedisTarget;

/**
 * Starts Debian's {@code redis-server} and {@code redis-sentinel} on loopback ports of their own, without
 * persistence, and reads {@code INFO}. The settings are listed in {@link #SERVER_SETTINGS} and
 * {@link #SENTINEL_SETTINGS} so that the report prints them beside the figures.
 */
public final class RedisProcesses {

    public static final String MASTER_NAME = "benchmaster";

    /** Every server gets these (plus port, dir, and {@code replicaof} for a replica). */
    public static final List<String> SERVER_SETTINGS = List.of(
            "bind 127.0.0.1", "protected-mode yes", "save \"\"", "appendonly no", "daemonize no", "logfile \"\"",
            // Diskless full sync without the default 5 s wait for more replicas: Redis at its fastest.
            "repl-diskless-sync yes", "repl-diskless-sync-delay 0");

    /** Every sentinel gets these (quorum 2 of 3). */
    public static final List<String> SENTINEL_SETTINGS = List.of(
            "down-after-milliseconds 1000", "failover-timeout 10000", "parallel-syncs 1", "quorum 2 of 3 sentinels");

    private final ManagedProcesses processes;
    private final Path directory;

    public RedisProcesses(ManagedProcesses processes, Path directory) {
        this.processes = processes;
        this.directory = directory;
    }

    public static String version() {
        try {
            Process process = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes()).trim();
            process.waitFor();
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is not installed (run bench/run.sh, which installs it): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts a server on {@code port}, a replica of {@code replicaOf} if given, and waits until it answers PING. */
    public Process startServer(String name, int port, OptionalInt replicaOf) {
        return startServer(name, port, replicaOf, List.of());
    }

    /** The same with {@code overrides} after the common settings (the later of two lines wins in redis.conf). */
    public Process startServer(String name, int port, OptionalInt replicaOf, List<String> overrides) {
        List<String> config = new ArrayList<>(SERVER_SETTINGS);
        config.addAll(overrides);
        config.add("port " + port);
        config.add("dir " + directory);
        config.add("dbfilename " + name + ".rdb");
        replicaOf.ifPresent(masterPort -> config.add("replicaof 127.0.0.1 " + masterPort));
        Process process = processes.start(name, List.of("redis-server", writeConfig(name, config).toString()));
        Waits.until(name + " to answer PING on port " + port, Duration.ofSeconds(10), Duration.ofMillis(20), () -> {
            try (Jedis jedis = connect(port)) {
                return Optional.of(jedis.ping()).filter("PONG"::equals);
            }
        });
        return process;
    }

    /** A master and its replica. */
    public record Replicated(int masterPort, Process master, Process replica) {

        /** Their pids by role, as a load run reports each process's CPU time. */
        public Map<String, Long> pids() {
            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("redis primary", master.pid());
            pids.put("redis replica", replica.pid());
            return pids;
        }
    }

    /**
     * Starts {@code name}-master and {@code name}-replica, a replica of it, each with {@code overrides}, and waits until
     * the replica is in sync.
     */
    public Replicated startReplicated(String name, List<String> overrides) {
        int masterPort = FreePorts.next();
        int replicaPort = FreePorts.next();
        Process master = startServer(name + "-master", masterPort, OptionalInt.empty(), overrides);
        Process replica = startServer(name + "-replica", replicaPort, OptionalInt.of(masterPort), overrides);
        Waits.until("the replica to be in sync", Duration.ofSeconds(20), Duration.ofMillis(20), () ->
                infoField(replicaPort, "replication", "master_link_status").filter("up"::equals));
        return new Replicated(masterPort, master, replica);
    }

    /** Starts a sentinel on {@code port} watching the master on {@code masterPort}. */
    public Process startSentinel(String name, int port, int masterPort) {
        List<String> config = new ArrayList<>(List.of("bind 127.0.0.1", "port " + port, "daemonize no", "logfile \"\"",
                "dir " + directory,
                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
                "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                "sentinel failover-timeout " + MASTER_NAME + " 10000",
                "sentinel parallel-syncs " + MASTER_NAME + " 1"));
        return processes.start(name, List.of("redis-sentinel", writeConfig(name, config).toString()));
    }

    /** Waits until the sentinel on {@code port} knows the replica and the two other sentinels. */
    public static void awaitSentinelReady(int port, Duration timeout) {
        Waits.until("sentinel on port " + port + " to see 1 replica and 2 other sentinels", timeout, Duration.ofMillis(100), () -> {
            try (Jedis jedis = connect(port)) {
                Map<String, String> master = jedis.sentinelMaster(MASTER_NAME);
                boolean ready = Integer.parseInt(master.getOrDefault("num-other-sentinels", "0")) >= 2
                        && Integer.parseInt(master.getOrDefault("num-slaves", "0")) >= 1
                        && jedis.sentinelReplicas(MASTER_NAME).stream().anyMatch(r -> !r.getOrDefault("flags", "").contains("down"));
                return ready ? Optional.of(true) : Optional.empty();
            }
        });
    }

    public static Jedis connect(int port) {
        return new Jedis("127.0.0.1", port, RedisTarget.clientConfig());
    }

    /** One field of {@code INFO section}, e.g. {@code used_memory} of {@code memory}. */
    public static Optional<String> infoField(int port, String section, String field) {
        try (Jedis jedis = connect(port)) {
            return infoField(jedis.info(section), field);
        }
    }

    public static Optional<String> infoField(String info, String field) {
        return info.lines().filter(line -> line.startsWith(field + ":"))
                .map(line -> line.substring(field.length() + 1).trim()).findFirst();
    }

    private Path writeConfig(String name, List<String> lines) {
        try {
            Path file = directory.resolve(name + ".conf");
            Files.write(file, lines);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the config of " + name, e);
        }
    }
}
