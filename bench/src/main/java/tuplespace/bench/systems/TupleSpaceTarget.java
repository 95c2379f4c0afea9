package tuplespace.bench.systems;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
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
 * tuplespace under load through the proxy: each connection a {@link RawSession} speaking {@link JsonLinesProtocol}.
 * Keys are the tuples {@code ("bench", id)}, values one-field tuples. Preloading goes through the client library.
 */
public final class TupleSpaceTarget implements Target {

    private static final JsonLinesProtocol PROTOCOL = new JsonLinesProtocol();

    private final String name;
    private final InetSocketAddress clientSap;
    private final Supplier<Map<String, Long>> processes;

    public TupleSpaceTarget(String name, InetSocketAddress clientSap, Supplier<Map<String, Long>> processes) {
        this.name = name;
        this.clientSap = clientSap;
        this.processes = processes;
    }

    public static Tuple key(String keyId) {
        return Tuple.of("bench", keyId);
    }

    public static ClientOptions clientOptions() {
        return ClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(5)).withRequestTimeout(Duration.ofSeconds(60));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Session open(int index) {
        return new RawSession(clientSap, PROTOCOL);
    }

    @Override
    public void preload(int keyCount, int valueSize) {
        try (TupleSpaceClient client = TupleSpaceClient.connect(clientSap, clientOptions())) {
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
        return PROTOCOL.supports(operation);
    }

    @Override
    public Map<String, Long> processes() {
        return processes.get();
    }
}
