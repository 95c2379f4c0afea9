package tuplespace.bench.systems;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import tuplespace.bench.load.Operation;
import tuplespace.bench.load.Session;
import tuplespace.bench.load.Target;

/**
 * Redis through Jedis, one blocking connection per session. PUT and POST are {@code SET}; a batch of more than one
 * operation is one pipeline. With {@code waitForReplica} a batch with writes ends with {@code WAIT 1 0} in the same
 * pipeline: at depth 1 that is SET+WAIT in one round trip, at depth 16 sixteen SETs and one WAIT, which covers them
 * all (WAIT waits for the replication offset reached when it runs) — the fastest way Redis offers to know each
 * write is on the replica. (A WAIT after each SET of a pipeline costs one replica round trip per SET and runs at
 * about the depth-1 rate.)
 */
public final class RedisTarget implements Target {

    /** Redis spells the tuple key {@code bench,<id>} as {@code bench:<id>}. */
    public static String key(String keyId) {
        return "bench:" + keyId;
    }

    private final String host;
    private final int port;
    private final boolean waitForReplica;

    public RedisTarget(String host, int port, boolean waitForReplica) {
        this.host = host;
        this.port = port;
        this.waitForReplica = waitForReplica;
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
        return new RedisSession(new Jedis(host, port, clientConfig()), waitForReplica);
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
        return !(operation instanceof Operation.PrefixGet);
    }

    private record RedisSession(Jedis jedis, boolean waitForReplica) implements Session {

        @Override
        public CompletableFuture<long[]> execute(List<Operation> batch) {
            try {
                if (batch.size() == 1 && !(waitForReplica && batch.get(0).isWrite())) {
                    single(batch.get(0));
                } else {
                    pipelined(batch);
                }
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            long now = System.nanoTime();
            long[] completions = new long[batch.size()];
            java.util.Arrays.fill(completions, now);
            return CompletableFuture.completedFuture(completions);
        }

        private void single(Operation operation) {
            if (operation instanceof Operation.ExactGet get) {
                jedis.get(key(get.keyId()));
            } else {
                jedis.set(key(writtenId(operation)), writtenValue(operation));
            }
        }

        private void pipelined(List<Operation> batch) {
            Pipeline pipeline = jedis.pipelined();
            for (Operation operation : batch) {
                if (operation instanceof Operation.ExactGet get) {
                    pipeline.get(key(get.keyId()));
                } else {
                    pipeline.set(key(writtenId(operation)), writtenValue(operation));
                }
            }
            // One WAIT after the batch covers every SET before it (WAIT waits for the replication offset at the
            // moment it runs): no write of the batch counts as done before the replica has it.
            if (waitForReplica && batch.stream().anyMatch(Operation::isWrite)) {
                pipeline.waitReplicas(1, 0);
            }
            pipeline.sync();
        }

        private static String writtenId(Operation operation) {
            if (operation instanceof Operation.Put put) {
                return put.keyId();
            }
            if (operation instanceof Operation.Post post) {
                return post.keyId();
            }
            throw new UnsupportedOperationException("redis has no prefix GET; expected PUT, POST or exact GET, found " + operation);
        }

        private static String writtenValue(Operation operation) {
            return operation instanceof Operation.Put put ? put.value() : ((Operation.Post) operation).value();
        }

        @Override
        public void close() {
            jedis.close();
        }
    }
}
