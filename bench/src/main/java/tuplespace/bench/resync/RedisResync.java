package tuplespace.bench.resync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import tuplespace.bench.process.FreePorts;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.RedisProcesses;
import tuplespace.bench.process.Waits;
import tuplespace.bench.systems.RedisTarget;

/**
 * A Redis master with {@code keys} keys (20-byte values): {@code used_memory} growth per key, then a fresh replica
 * started {@code repetitions} times, each timed from its start to {@code master_link_status:up} (full sync).
 */
public final class RedisResync {

    private static final Logger LOG = LoggerFactory.getLogger(RedisResync.class);

    private RedisResync() {
    }

    public static ResyncResult run(Path logDirectory, Path dataRoot, int keys, int repetitions,
                                   tuplespace.bench.process.Deadline deadline) throws IOException {
        Path directory = Files.createDirectories(dataRoot.resolve("resync"));
        try (ManagedProcesses processes = new ManagedProcesses(logDirectory)) {
            RedisProcesses redis = new RedisProcesses(processes, directory);
            int masterPort = FreePorts.next();
            Process master = redis.startServer("resync-master", masterPort, OptionalInt.empty());
            long before = usedMemory(masterPort);
            try (Jedis jedis = RedisProcesses.connect(masterPort)) {
                RedisTarget.preload(jedis, keys, 20);
                if (jedis.dbSize() < keys) {
                    throw new IllegalStateException("expected " + keys + " keys in Redis, found " + jedis.dbSize());
                }
            }
            long after = usedMemory(masterPort);
            long resident = JvmMemory.residentBytes(master.pid());
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < repetitions; i++) {
                // Another repetition only if one more (as long as the slowest so far, twice over) fits the budget.
                if (i > 0 && !deadline.allows(Duration.ofMillis(Math.round(2 * millis.stream().mapToDouble(Double::doubleValue).max().orElse(0))))) {
                    LOG.warn("{} resync: {} of {} repetitions, the run's time budget is spent", "redis", i, repetitions);
                    break;
                }
                int replicaPort = FreePorts.next();
                long start = System.nanoTime();
                Process replica = redis.startServer("resync-replica" + (i + 1), replicaPort, OptionalInt.of(masterPort));
                Waits.until("the fresh replica's full sync", Duration.ofSeconds(120), Duration.ofMillis(5), () ->
                        RedisProcesses.infoField(replicaPort, "replication", "master_link_status").filter("up"::equals));
                millis.add((System.nanoTime() - start) / 1e6);
                ManagedProcesses.killNow(replica.pid(), Duration.ofSeconds(5));
                LOG.info("redis resync {}: {} ms", i + 1, Math.round(millis.get(i)));
            }
            return new ResyncResult("redis", keys, millis, List.of(), -1, (after - before) / (double) keys,
                    "INFO memory used_memory, after load minus empty", resident);
        }
    }

    private static long usedMemory(int port) {
        return Long.parseLong(RedisProcesses.infoField(port, "memory", "used_memory")
                .orElseThrow(() -> new IllegalStateException("INFO memory has no used_memory")));
    }
}
