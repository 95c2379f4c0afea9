package tuplespace.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tuplespace.codec.ParsedRequest;
import tuplespace.codec.Requests;

/**
 * The primary's reading of one request line from its bytes ({@link Requests#parse(ByteBuf)}): a JSON PUT of one pair
 * as the bench's load generator sends it (its tuples validated on the way) and an exact-key GET.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RequestParseBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RequestParseBenchmark {

    private final ByteBuf put = line("{\"id\":7,\"op\":\"PUT\",\"pairs\":[[[\"bench\",\"123456\"],[\"v0000000000000123456\"]]]}");
    private final ByteBuf get = line("{\"id\":8,\"op\":\"GET\",\"key\":\"bench,123456\",\"value\":\".*\"}");

    private static ByteBuf line(String json) {
        return Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public ParsedRequest putOnePair() {
        return Requests.parse(put);
    }

    @Benchmark
    public ParsedRequest getExactKey() {
        return Requests.parse(get);
    }
}
