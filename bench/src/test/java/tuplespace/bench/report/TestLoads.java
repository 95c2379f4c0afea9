package tuplespace.bench.report;

import java.time.Duration;
import java.util.Map;
import tuplespace.bench.load.LatencySummary;
import tuplespace.bench.load.LoadOptions;
import tuplespace.bench.load.LoadResult;
import tuplespace.bench.load.OperationMix;

/** Load results made up for the report's tests, where only their throughput matters. */
final class TestLoads {

    private TestLoads() {
    }

    /** 10 s at pipeline 1 that answered {@code perSecond} operations a second. */
    static LoadResult ops(double perSecond) {
        LoadOptions options = new LoadOptions(50, 1, OperationMix.writesOnly(), 10, 20, Duration.ZERO, Duration.ofSeconds(10));
        return new LoadResult("x", options, Math.round(perSecond * 10), 10, 0, new LatencySummary(1, 100, 200, 300, 400),
                null, Map.of());
    }
}
