package tuplespace.bench.failover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;
import tuplespace.bench.process.FreePorts;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.RedisProcesses;
import tuplespace.bench.process.Waits;
import tuplespace.bench.systems.RedisTarget;

/**
 * Redis primary + replica + 3 sentinels ({@code down-after-milliseconds 1000}), fresh for each repetition; the
 * writers follow Sentinel's new master through {@link JedisSentinelPool}. Plain {@code SET}: Redis replicates
 * asynchronously, so acknowledged writes may be lost.
 */
public final class RedisFailover implements FailoverSystem {

    private final Path logDirectory;
    private final Path dataRoot;
    private int repetition;
    private ManagedProcesses processes;
    private JedisSentinelPool pool;
    private Map<Integer, Process> serverByPort;
    private Process hung;

    public RedisFailover(Path logDirectory, Path dataRoot) {
        this.logDirectory = logDirectory;
        this.dataRoot = dataRoot;
    }

    @Override
    public String name() {
        return "redis+sentinel";
    }

    @Override
    public void prepare() {
        repetition++;
        try {
            Path directory = Files.createDirectories(dataRoot.resolve("failover-" + repetition));
            processes = new ManagedProcesses(logDirectory);
            RedisProcesses redis = new RedisProcesses(processes, directory);
            int masterPort = FreePorts.next();
            int replicaPort = FreePorts.next();
            serverByPort = new HashMap<>();
            serverByPort.put(masterPort, redis.startServer("failover-" + repetition + "-master", masterPort, OptionalInt.empty()));
            serverByPort.put(replicaPort, redis.startServer("failover-" + repetition + "-replica", replicaPort, OptionalInt.of(masterPort)));
            Waits.until("the replica to be in sync", Duration.ofSeconds(20), Duration.ofMillis(20), () ->
                    RedisProcesses.infoField(replicaPort, "replication", "master_link_status").filter("up"::equals));
            Set<HostAndPort> sentinels = new java.util.LinkedHashSet<>();
            for (int i = 1; i <= 3; i++) {
                int port = FreePorts.next();
                redis.startSentinel("failover-" + repetition + "-sentinel" + i, port, masterPort);
                sentinels.add(new HostAndPort("127.0.0.1", port));
            }
            for (HostAndPort sentinel : sentinels) {
                RedisProcesses.awaitSentinelReady(sentinel.getPort(), Duration.ofSeconds(30));
            }
            GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
            poolConfig.setMaxTotal(32);
            poolConfig.setMaxWait(Duration.ofSeconds(5));
            // Jedis's default 2 s socket timeout: a hung (SIGSTOPped) master shows as an error, not a 30 s wait.
            pool = new JedisSentinelPool(RedisProcesses.MASTER_NAME, sentinels, poolConfig,
                    DefaultJedisClientConfig.builder().connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).build(),
                    DefaultJedisClientConfig.builder().connectionTimeoutMillis(2_000).socketTimeoutMillis(5_000).build());
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the Redis failover setup: " + e.getMessage(), e);
        }
    }

    @Override
    public Writer openWriter(int index) {
        return new Writer() {
            @Override
            public void write(String key, String value) {
                try (Jedis jedis = pool.getResource()) {
                    jedis.set(RedisTarget.key(key), value);
                }
            }

            @Override
            public void close() {
                // Connections belong to the pool.
            }
        };
    }

    @Override
    public long killPrimary() {
        int port = pool.getCurrentHostMaster().getPort();
        Process master = Optional.ofNullable(serverByPort.get(port))
                .orElseThrow(() -> new IllegalStateException("the current master on port " + port + " is not one we started"));
        long now = System.nanoTime();
        ManagedProcesses.killNow(master.pid(), Duration.ofSeconds(5));
        return now;
    }

    /** SIGSTOP of the master: Sentinel fails over after down-after-milliseconds; the stopped master stays stopped. */
    @Override
    public long hangPrimary() {
        int port = pool.getCurrentHostMaster().getPort();
        hung = Optional.ofNullable(serverByPort.get(port))
                .orElseThrow(() -> new IllegalStateException("the current master on port " + port + " is not one we started"));
        long now = System.nanoTime();
        ManagedProcesses.signal(hung.pid(), "STOP");
        return now;
    }

    /** Sentinel never kills a hung master: it is demoted when (if) it wakes up. */
    @Override
    public boolean hungPrimaryGone() {
        return hung != null && ManagedProcesses.isDead(hung.pid());
    }

    @Override
    public Map<String, String> readBack(List<String> keys) {
        Map<String, String> found = new HashMap<>();
        try (Jedis jedis = pool.getResource()) {
            for (int start = 0; start < keys.size(); start += 1000) {
                List<String> slice = keys.subList(start, Math.min(keys.size(), start + 1000));
                List<String> values = jedis.mget(slice.stream().map(RedisTarget::key).toArray(String[]::new));
                for (int i = 0; i < slice.size(); i++) {
                    if (values.get(i) != null) {
                        found.put(slice.get(i), values.get(i));
                    }
                }
            }
        }
        return found;
    }

    @Override
    public void finishRepetition() {
        try {
            if (pool != null) {
                pool.close();
            }
        } finally {
            pool = null;
            if (processes != null) {
                processes.close();
            }
        }
    }

    @Override
    public void close() {
        finishRepetition();
    }
}
