package tuplespace.bench.report;

import java.util.Objects;
import java.util.Optional;

/**
 * One row of the verdict: a tuplespace figure against a Redis figure (or an absolute bound), the ratio, the
 * target (bench/README.md) and whether it is met. {@code met} is empty when a figure is missing.
 */
public record Comparison(String what, String tuplespace, String redis, Optional<Double> ratio, String target,
                         Optional<Boolean> met) {

    public Comparison {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(tuplespace, "tuplespace");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(ratio, "ratio");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(met, "met");
    }

    public String verdict() {
        return met.map(ok -> ok ? "met" : "MISSED").orElse("n/a");
    }
}
