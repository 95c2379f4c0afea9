package tuplespace.bench.jmh;

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
 * characters): a literal key (one lookup), a literal prefix {@code user,42,.*} (a range of 100 keys) and a pattern
 * with no literal prefix (a scan of every key); and POST of one present key, the write path. The prefix/full-scan
 * ratio shows what the index buys (target ≥ 1000× on 1,000,000 pairs).
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

    private TupleSpace space;
    private final MatchBudget budget = MatchBudget.unlimited();

    @Setup(Level.Trial)
    public void fill() {
        space = SpaceFixtures.users(size, ITEMS_PER_USER);
        if (space.size() != size) {
            throw new IllegalStateException("expected a space of " + size + " pairs, found " + space.size());
        }
    }

    /** One key named exactly: the engine's {@code literal()} turns this into one map lookup. */
    @Benchmark
    public Outcome literalKey() {
        return space.apply(new Command.Get("user,4242,42", ".*"), budget);
    }

    /** A literal prefix: the engine's {@code literalPrefix()} turns this into a scan of 100 keys. */
    @Benchmark
    public Outcome prefixPattern() {
        return space.apply(new Command.Get("user,42,.*", ".*"), budget);
    }

    /**
     * The write path on a full space: POST one present key (look up, replace, digest out and in). The value
     * alternates so every call changes the state.
     */
    @Benchmark
    public Outcome postOneKey() {
        posts++;
        return space.apply(new Command.Post((posts & 1) == 0 ? EVEN_POST : ODD_POST), budget);
    }

    private static final List<Optional<Pair>> EVEN_POST = List.of(Optional.of(Pair.of("user,4242,7", "v0000000000000000000")));
    private static final List<Optional<Pair>> ODD_POST = List.of(Optional.of(Pair.of("user,4242,7", "v1111111111111111111")));
    private long posts;

    /** No literal prefix: every key is matched against the pattern. */
    @Benchmark
    public Outcome fullScan() {
        return space.apply(new Command.Get(".*,42,7", ".*"), budget);
    }
}
