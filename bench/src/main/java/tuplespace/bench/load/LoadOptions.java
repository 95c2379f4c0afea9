package tuplespace.bench.load;

import java.time.Duration;
import java.util.Objects;
import tuplespace.codec.Durations;

/**
 * One load run: {@code connections} connections, each sending batches of {@code pipelineDepth} operations drawn
 * from {@code mix}, for {@code warmup} (not measured) then {@code duration} (measured).
 */
public record LoadOptions(int connections, int pipelineDepth, OperationMix mix, int keyCount, int valueSize,
                          Duration warmup, Duration duration) {

    public static final int DEFAULT_VALUE_SIZE = 20;

    public LoadOptions {
        requireAtLeast("connections", connections, 1);
        requireAtLeast("pipelineDepth", pipelineDepth, 1);
        requireAtLeast("keyCount", keyCount, 1);
        requireAtLeast("valueSize", valueSize, 1);
        Objects.requireNonNull(mix, "mix");
        Objects.requireNonNull(warmup, "warmup");
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: expected a duration >= 0, found " + Durations.text(warmup));
        }
        Durations.requirePositive("duration", duration);
    }

    public LoadOptions withConnections(int count) {
        return new LoadOptions(count, pipelineDepth, mix, keyCount, valueSize, warmup, duration);
    }

    public LoadOptions withPipelineDepth(int depth) {
        return new LoadOptions(connections, depth, mix, keyCount, valueSize, warmup, duration);
    }

    public LoadOptions withMix(OperationMix operationMix) {
        return new LoadOptions(connections, pipelineDepth, operationMix, keyCount, valueSize, warmup, duration);
    }

    public String describe() {
        return connections + " conn, pipeline " + pipelineDepth + ", mix " + mix + ", " + keyCount + " keys, "
                + valueSize + " B values, warm-up " + warmup.toMillis() + " ms, measured " + duration.toMillis() + " ms";
    }

    private static void requireAtLeast(String name, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + ": expected an integer >= " + minimum + ", found " + value);
        }
    }
}
