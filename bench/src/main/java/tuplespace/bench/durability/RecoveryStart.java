package tuplespace.bench.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import tuplespace.bench.process.FreePorts;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.RedisProcesses;
import tuplespace.bench.process.TupleSpaceService;
import tuplespace.bench.process.Waits;
import tuplespace.bench.systems.RedisTarget;
import tuplespace.bench.systems.TupleSpaceTarget;
import tuplespace.client.TupleSpaceClient;

/**
 * Recovery after a total loss, from process start to serving (issue "Durable across total loss"): a tuplespace
 * server started on a data directory holding {@code pairs} pairs in a snapshot and a log of one-pair updates after it,
 * against redis-server started on an RDB file of as many keys. Each repetition starts from the same files, already in
 * the page cache for both (they were just written or just read); the clock starts when the server process is
 * started and stops when an exact GET of a preloaded key is answered (through the proxy, which was already running:
 * the restart with a proxy that stayed up; Redis answers {@code -LOADING} until its RDB is loaded).
 */
public final class RecoveryStart {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryStart.class);
    private static final Duration SERVING_TIMEOUT = Duration.ofSeconds(180);

    private RecoveryStart() {
    }

    /** tuplespace: a {@code --data-dir} written by {@link RecoveryTimingMain#prepare}, restarted on each time. */
    public static RecoveryResult tupleSpace(Path logs, List<String> javaOptions, Path root, int pairs, int logEntries,
                                            int repetitions) throws IOException {
        Path prepared = root.resolve("prepared");
        RecoveryTimingMain.prepare(prepared, pairs, logEntries);
        long bytes = sizeOf(prepared);
        List<Double> millis = new ArrayList<>();
        for (int i = 1; i <= repetitions; i++) {
            Path dataDir = root.resolve("run-" + i);
            copyTree(prepared, dataDir);
            try (ManagedProcesses processes = new ManagedProcesses(logs);
                 TupleSpaceService service = TupleSpaceService.startProxy(processes, "recovery-" + i, javaOptions,
                         new TupleSpaceService.Access(List.of(), List.of("--data-dir=" + dataDir, "--fsync=always"),
                                 Optional.empty()))) {
                long started = System.nanoTime();
                service.startServer("sync", javaOptions);
                try (TupleSpaceClient client = TupleSpaceClient.connect(service.clientSap(),
                        TupleSpaceTarget.clientOptions())) {
                    Waits.until("the restarted primary to answer a GET", SERVING_TIMEOUT, Duration.ofMillis(5), () ->
                            Optional.of(client.get("bench,0", ".*")).filter(answer -> !answer.pairs().isEmpty()));
                }
                millis.add((System.nanoTime() - started) / 1e6);
                service.status(); // adopts the backup's pid, so that it is stopped too
            }
            LOG.info("tuplespace recovery {}: {} ms from the server's start to serving", i, Math.round(millis.get(i - 1)));
            RecoveryTimingMain.deleteRecursively(dataDir);
        }
        RecoveryTimingMain.deleteRecursively(prepared);
        return new RecoveryResult("tuplespace", pairs, millis, bytes, "a snapshot of " + pairs + " pairs and a log of "
                + logEntries + " one-pair updates after it");
    }

    /** Redis: an RDB of {@code keys} keys with 20-byte values (SAVE), loaded by redis-server {@code repetitions} times. */
    public static RecoveryResult redis(Path logs, Path directory, int keys, int repetitions) throws IOException {
        Files.createDirectories(directory);
        String name = "recovery-redis";
        List<Double> millis = new ArrayList<>();
        try (ManagedProcesses processes = new ManagedProcesses(logs)) {
            RedisProcesses redis = new RedisProcesses(processes, directory);
            int port = FreePorts.next();
            Process filler = redis.startServer(name, port, OptionalInt.empty());
            try (Jedis jedis = RedisProcesses.connect(port)) {
                RedisTarget.preload(jedis, keys, 20);
                jedis.save();
            }
            ManagedProcesses.killNow(filler.pid(), Duration.ofSeconds(5));
            for (int i = 1; i <= repetitions; i++) {
                int restartPort = FreePorts.next();
                long started = System.nanoTime();
                Process server = redis.startServer(name, restartPort, OptionalInt.empty()); // loads name.rdb
                Waits.until("redis to answer a GET after loading its RDB", SERVING_TIMEOUT, Duration.ofMillis(5), () -> {
                    try (Jedis jedis = RedisProcesses.connect(restartPort)) {
                        return Optional.ofNullable(jedis.get(RedisTarget.key("0")));
                    }
                });
                millis.add((System.nanoTime() - started) / 1e6);
                ManagedProcesses.killNow(server.pid(), Duration.ofSeconds(5));
                LOG.info("redis recovery {}: {} ms from the server's start to serving", i, Math.round(millis.get(i - 1)));
            }
        }
        long bytes = Files.size(directory.resolve(name + ".rdb"));
        return new RecoveryResult("redis", keys, millis, bytes, "an RDB file of " + keys + " keys (SAVE)");
    }

    private static long sizeOf(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        RecoveryTimingMain.deleteRecursively(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.getFileName().toString().equals("lock")) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                }
            }
        }
    }
}
