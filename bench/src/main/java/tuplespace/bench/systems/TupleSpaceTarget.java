package tuplespace.bench.systems;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.Map;
import java.util.function.Supplier;
import tuplespace.bench.load.JsonLinesProtocol;
import tuplespace.bench.load.Operation;
import tuplespace.bench.load.RawSession;
import tuplespace.bench.load.Session;
import tuplespace.bench.load.Target;
import tuplespace.bench.load.Workload;
import tuplespace.client.Answer;
import tuplespace.client.ClientOptions;
import tuplespace.client.TupleSpaceClient;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * tuplespace under load through the proxy. Keys are the tuples {@code ("bench", id)}, values one-field tuples. Each
 * connection is a {@link RawSession} speaking {@link JsonLinesProtocol} (the lean generator, the same code as for
 * Redis), or, for a target made {@link #throughLibrary}, a connection of the client library (TLS, an auth token: what
 * the raw generator does not speak), with a batch pipelined and each operation completing on its own. Preloading
 * goes through the client library.
 */
public final class TupleSpaceTarget implements Target {

    private static final JsonLinesProtocol PROTOCOL = new JsonLinesProtocol();

    private final String name;
    private final InetSocketAddress clientSap;
    private final Supplier<Map<String, Long>> processes;
    private final ClientOptions options;
    private final boolean library;

    /** Raw-socket sessions; {@code processes} names the service's JVMs by role, for CPU per operation. */
    public TupleSpaceTarget(String name, InetSocketAddress clientSap, Supplier<Map<String, Long>> processes) {
        this(name, clientSap, processes, clientOptions(), false);
    }

    private TupleSpaceTarget(String name, InetSocketAddress clientSap, Supplier<Map<String, Long>> processes,
                             ClientOptions options, boolean library) {
        this.name = name;
        this.clientSap = clientSap;
        this.processes = processes;
        this.options = options;
        this.library = library;
    }

    /** Sessions of the client library with {@code options}, e.g. TLS ({@code clientOptions().withTls(...)}). */
    public static TupleSpaceTarget throughLibrary(String name, InetSocketAddress clientSap, ClientOptions options) {
        return new TupleSpaceTarget(name, clientSap, Map::of, options, true);
    }

    public static Tuple key(String keyId) {
        return Tuple.of("bench", keyId);
    }

    public static ClientOptions clientOptions() {
        return ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(5)).withRequestTimeout(Duration.ofSeconds(60));
    }

    public static CompletableFuture<Answer> send(TupleSpaceClient client, Operation operation) {
        if (operation instanceof Operation.Put put) {
            return client.putAsync(List.of(new Pair(key(put.keyId()), Tuple.of(put.value()))));
        }
        if (operation instanceof Operation.Post post) {
            return client.postAsync(List.of(new Pair(key(post.keyId()), Tuple.of(post.value()))));
        }
        if (operation instanceof Operation.ExactGet get) {
            // The text form of key(id): ids are alphanumeric, so no field needs quoting.
            return client.getAsync("bench," + get.keyId(), ".*");
        }
        return client.getAsync("bench," + ((Operation.PrefixGet) operation).idPrefix() + ".*", ".*");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Session open(int index) {
        return library ? new TupleSpaceSession(TupleSpaceClient.connect(clientSap, options))
                : new RawSession(clientSap, PROTOCOL);
    }

    @Override
    public void preload(int keyCount, int valueSize) {
        try (TupleSpaceClient client = TupleSpaceClient.connect(clientSap, options)) {
            putAll(client, keyCount, valueSize, 1000, 8);
        }
    }

    /**
     * PUTs the ids {@code 0..keyCount-1} in requests of {@code pairsPerRequest} pairs, {@code inFlight} requests
     * pipelined at a time.
     */
    public static void putAll(TupleSpaceClient client, int keyCount, int valueSize, int pairsPerRequest, int inFlight) {
        SplittableRandom random = new SplittableRandom(42);
        List<CompletableFuture<Answer>> window = new ArrayList<>();
        for (int start = 0; start < keyCount; start += pairsPerRequest) {
            List<Pair> pairs = new ArrayList<>(pairsPerRequest);
            for (int id = start; id < Math.min(keyCount, start + pairsPerRequest); id++) {
                pairs.add(new Pair(key(Integer.toString(id)), Tuple.of(Workload.value(random, valueSize))));
            }
            window.add(client.putAsync(pairs));
            if (window.size() >= inFlight) {
                window.remove(0).join();
            }
        }
        window.forEach(CompletableFuture::join);
    }

    @Override
    public boolean supports(Operation operation) {
        return library || PROTOCOL.supports(operation);
    }

    @Override
    public Map<String, Long> processes() {
        return processes.get();
    }

    private record TupleSpaceSession(TupleSpaceClient client) implements Session {

        @Override
        public CompletableFuture<long[]> execute(List<Operation> batch) {
            if (batch.size() == 1) {
                return send(client, batch.get(0)).thenApply(answer -> new long[] {System.nanoTime()});
            }
            BatchAnswers answers = new BatchAnswers(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                send(client, batch.get(i)).whenComplete(answers.slot(i));
            }
            return answers.all();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * Collects the completion times of a pipelined batch with one counter instead of a future per operation and
     * {@code allOf}: completes with every time once all are answered, or with the first failure.
     */
    private static final class BatchAnswers {

        private final long[] completions;
        private final AtomicInteger remaining;
        private final CompletableFuture<long[]> all = new CompletableFuture<>();

        BatchAnswers(int size) {
            completions = new long[size];
            remaining = new AtomicInteger(size);
        }

        CompletableFuture<long[]> all() {
            return all;
        }

        BiConsumer<Answer, Throwable> slot(int index) {
            return (answer, failure) -> {
                if (failure != null) {
                    // Wrapped as allOf would: the driver reports the cause, the library's exception.
                    all.completeExceptionally(failure instanceof CompletionException ? failure : new CompletionException(failure));
                    return;
                }
                completions[index] = System.nanoTime();
                // The decrement publishes this slot's time to whoever completes the batch.
                if (remaining.decrementAndGet() == 0) {
                    all.complete(completions);
                }
            };
        }
    }
}
