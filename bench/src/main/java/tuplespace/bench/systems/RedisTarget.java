package tuplespace.bench.systems;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import tuplespace.bench.load.Operation;
import tuplespace.bench.load.RawSession;
import tuplespace.bench.load.RespProtocol;
import tuplespace.bench.load.Session;
import tuplespace.bench.load.Target;

/**
 * Redis under load: each connection a {@link RawSession} speaking {@link RespProtocol} (PUT and POST are
 * {@code SET}; with {@code waitForReplica} a batch with writes ends with {@code WAIT 1 0}). Preloading goes
 * through Jedis.
 */
public final class RedisTarget implements Target {

    /** Redis spells the tuple key {@code bench,<id>} as {@code bench:<id>}. */
    public static String key(String keyId) {
        return "bench:" + keyId;
    }

    private final String host;
    private final int port;
    private final RespProtocol protocol;
    private final boolean waitForReplica;
    private final Supplier<Map<String, Long>> processes;

    public RedisTarget(String host, int port, boolean waitForReplica, Supplier<Map<String, Long>> processes) {
        this.host = host;
        this.port = port;
        this.waitForReplica = waitForReplica;
        this.protocol = new RespProtocol(waitForReplica);
        this.processes = processes;
    }

    public static JedisClientConfig clientConfig() {
        return DefaultJedisClientConfig.builder().connectionTimeoutMillis(5_000).socketTimeoutMillis(30_000).build();
    }

    @Override
    public String name() {
        return waitForReplica ? "redis SET+WAIT" : "redis";
    }

    @Override
    public Session open(int index) {
        return new RawSession(new InetSocketAddress(host, port), protocol);
    }

    @Override
    public void preload(int keyCount, int valueSize) {
        try (Jedis jedis = new Jedis(host, port, clientConfig())) {
            preload(jedis, keyCount, valueSize);
        }
    }

    /** SETs ids {@code 0..keyCount-1} in pipelines of 1000. */
    public static void preload(Jedis jedis, int keyCount, int valueSize) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int start = 0; start < keyCount; start += 1000) {
            Pipeline pipeline = jedis.pipelined();
            for (int id = start; id < Math.min(keyCount, start + 1000); id++) {
                pipeline.set(key(Integer.toString(id)), tuplespace.bench.load.Workload.value(random, valueSize));
            }
            pipeline.sync();
        }
    }

    @Override
    public boolean supports(Operation operation) {
        return protocol.supports(operation);
    }

    @Override
    public Map<String, Long> processes() {
        return processes.get();
    }
}
