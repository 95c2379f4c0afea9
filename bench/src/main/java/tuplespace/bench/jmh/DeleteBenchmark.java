package tuplespace.bench.jmh;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.ChangeRecorder;
import tuplespace.space.Command;
import tuplespace.space.Outcome;
import tuplespace.space.Result;
import tuplespace.space.TupleSpace;

/**
 * The part of a large DELETE that holds the serving loop: {@link TupleSpace#deleteFound}, which takes effect on the
 * live space after the matching ran on a snapshot off the loop. {@code DELETE bench,.* .*} over a space of
 * {@code size} pairs {@code bench,<i> -> v<19 digits>}, nothing changed since the snapshot (the usual case): every
 * pair removed, its key parsed for the effect. Each invocation gets a freshly filled space (set-up, not measured).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar DeleteBenchmark -f 1 -wi 3 -i 5}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3)
@Measurement(iterations = 5)
public class DeleteBenchmark {

    private static final Command.Delete DELETE_ALL = new Command.Delete("bench,.*", ".*");

    @Param("1000000")
    int size;

    private TupleSpace space;
    private ChangeRecorder changes;
    private Result.Matched found;

    @Setup(Level.Invocation)
    public void fillAndFind() {
        space = SpaceFixtures.oneField(size);
        changes = space.recordChanges();
        found = changes.snapshot().find(DELETE_ALL.keyexp(), DELETE_ALL.valexp(), MatchBudget.unlimited());
        if (found.pairs().size() != size) {
            throw new IllegalStateException("expected " + size + " pairs found, found " + found.pairs().size());
        }
    }

    @Benchmark
    public Outcome deleteFoundAll() {
        return space.deleteFound(DELETE_ALL, found, changes, MatchBudget.unlimited());
    }

    @TearDown(Level.Invocation)
    public void check() {
        changes.close();
        if (space.size() != 0) {
            throw new IllegalStateException("expected every pair removed, found " + space.size() + " left");
        }
    }
}
