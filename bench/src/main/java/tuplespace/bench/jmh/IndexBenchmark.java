package tuplespace.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.Command;
import tuplespace.space.Outcome;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;

/**
 * GET over a space of {@code size} pairs keyed {@code user,U,I} (U in 0..size/100, I in 0..99, values of 20
 * characters): a literal key (one lookup; the same key, or a random one each call), a literal prefix {@code user,42,.*} (a range of 100 keys), a pattern
 * with no literal prefix (a scan of every key) and {@code .* .*} (every pair answered); the write path: POST of one
 * present key, PUT of a new key, and POST right after a snapshot (the write copies its path in the tree). The
 * prefix/full-scan ratio shows what the index buys (target ≥ 1000× on 1,000,000 pairs).
 *
 * <p>{@code budget}: {@code unlimited}, or {@code threadCpu}, a budget per request charged the thread's CPU time (100 ms
 * per text, no request limit to speak of), as the node charges it: what the clock readings cost.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar IndexBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IndexBenchmark {

    static final int ITEMS_PER_USER = 100;

    @Param("1000000")
    int size;

    @Param("unlimited")
    String budget;

    private TupleSpace space;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Setup(Level.Trial)
    public void fill() {
        space = SpaceFixtures.users(size, ITEMS_PER_USER);
        if (space.size() != size) {
            throw new IllegalStateException("expected a space of " + size + " pairs, found " + space.size());
        }
    }

    /** The budget of one request. */
    private MatchBudget budget() {
        return switch (budget) {
            case "unlimited" -> MatchBudget.unlimited();
            case "threadCpu" -> MatchBudget.of(Duration.ofMillis(100), Duration.ofHours(1),
                    threads::getCurrentThreadCpuTime);
            default -> throw new IllegalArgumentException("budget: expected unlimited or threadCpu, found " + budget);
        };
    }

    /** One key named exactly: the engine's {@code literal()} turns this into one map lookup. */
    @Benchmark
    public Outcome literalKey() {
        return space.apply(new Command.Get("user,4242,42", ".*"), budget());
    }

    /**
     * One key named exactly, a different one each call, spread over the whole space: the lookup as a space too large
     * for the CPU's caches sees it (keys made up front, so that only the GET is timed).
     */
    @Benchmark
    public Outcome literalRandomKey() {
        return space.apply(new Command.Get(randomKeys[(int) (lookups++ & (randomKeys.length - 1))], ".*"), budget());
    }

    private String[] randomKeys;
    private long lookups;

    @Setup(Level.Trial)
    public void pickKeys() {
        java.util.Random random = new java.util.Random(42);
        randomKeys = new String[1 << 16];
        for (int i = 0; i < randomKeys.length; i++) {
            int pair = random.nextInt(size);
            randomKeys[i] = "user," + pair / ITEMS_PER_USER + "," + pair % ITEMS_PER_USER;
        }
    }

    /** A literal prefix: the engine's {@code literalPrefix()} turns this into a scan of 100 keys. */
    @Benchmark
    public Outcome prefixPattern() {
        return space.apply(new Command.Get("user,42,.*", ".*"), budget());
    }

    /**
     * The write path on a full space: POST one present key (look up, replace, digest out and in). The value
     * alternates so every call changes the state.
     */
    @Benchmark
    public Outcome postOneKey() {
        posts++;
        return space.apply(new Command.Post((posts & 1) == 0 ? EVEN_POST : ODD_POST), budget());
    }

    private static final List<Optional<Pair>> EVEN_POST = List.of(Optional.of(Pair.of("user,4242,7", "v0000000000000000000")));
    private static final List<Optional<Pair>> ODD_POST = List.of(Optional.of(Pair.of("user,4242,7", "v1111111111111111111")));
    private long posts;

    /**
     * A snapshot, then the POST of {@link #postOneKey}: every write after a snapshot copies the tree nodes on its path
     * once, so this is the write path at its most expensive (the snapshot itself is O(1) and dropped at once).
     */
    @Benchmark
    public Outcome postAfterSnapshot() {
        space.snapshot();
        return postOneKey();
    }

    /** No literal prefix: every key is matched against the pattern. */
    @Benchmark
    public Outcome fullScan() {
        return space.apply(new Command.Get(".*,42,7", ".*"), budget());
    }

    /** Every pair matched and answered: the largest GET there is, per pair the cost of a scan that answers. */
    @Benchmark
    public Outcome getAll() {
        return space.apply(new Command.Get(".*", ".*"), budget());
    }

    /** A space of {@code size} pairs that grows by one new key per call, filled afresh before each iteration. */
    @State(Scope.Benchmark)
    public static class Growing {
        @Param("1000000")
        int size;

        TupleSpace space;
        int added;

        @Setup(Level.Iteration)
        public void fill() {
            space = SpaceFixtures.users(size, ITEMS_PER_USER);
            added = 0;
        }
    }

    /** PUT of a key that is not there yet, in among the users' keys (each call a different user). */
    @Benchmark
    public Outcome putNewKey(Growing growing) {
        int added = growing.added++;
        int user = (int) ((added * 7919L) % (growing.size / ITEMS_PER_USER));
        return growing.space.apply(new Command.Put(List.of(Optional.of(Pair.of("user," + user + ",n" + added,
                "v0000000000000000000")))), MatchBudget.unlimited());
    }
}
