package tuplespace.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Unmeasured load until the JVMs involved have settled: the JIT of the tuplespace service's three JVMs and of the
 * load generator itself needs 30-40 s of load on 2 shared cores, so a fixed short warm-up measures a half-compiled
 * system. Load runs in windows of equal length; it stops once {@code minimum} has passed and the last two windows'
 * throughputs differ by less than {@code tolerance}, or at {@code cap} whatever the windows say.
 */
public final class WarmUp {

    /** How long to warm up: windows of {@code window}, at least {@code minimum}, at most {@code cap}. */
    public record Settings(Duration window, Duration minimum, Duration cap, double tolerance) {
        public Settings {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(minimum, "minimum");
            Objects.requireNonNull(cap, "cap");
            if (window.isZero() || window.isNegative() || cap.compareTo(window) < 0 || minimum.compareTo(cap) > 0) {
                throw new IllegalArgumentException("warm-up: expected 0 < window <= cap and minimum <= cap, found window "
                        + window + ", minimum " + minimum + ", cap " + cap);
            }
            if (!(tolerance > 0 && tolerance < 1)) {
                throw new IllegalArgumentException("warm-up: expected a tolerance between 0 and 1, found " + tolerance);
            }
        }

        public String describe() {
            return "windows of " + seconds(window) + " until two in a row differ by < "
                    + Math.round(tolerance * 100) + " % (at least " + seconds(minimum) + ", at most " + seconds(cap) + ")";
        }
    }

    /** What a warm-up did: the throughput of each window and whether it ended steady or at the cap. */
    public record Outcome(Duration window, List<Double> opsPerSecond, boolean steady) {
        public Outcome {
            opsPerSecond = List.copyOf(opsPerSecond);
        }

        public String describe() {
            StringBuilder windows = new StringBuilder();
            for (double ops : opsPerSecond) {
                windows.append(windows.length() == 0 ? "" : ", ").append(Math.round(ops));
            }
            return seconds(window.multipliedBy(opsPerSecond.size())) + " (" + windows + " ops/s per " + seconds(window)
                    + " window; " + (steady ? "steady" : "cap reached, not steady") + ")";
        }
    }

    private WarmUp() {
    }

    /**
     * Runs {@code load} (its warm-up and duration are replaced by one window) against {@code target} until steady.
     * The keys are preloaded before the first window when {@code preload} is set and the mix needs them.
     */
    public static Outcome run(Target target, LoadOptions load, Settings settings, String runTag, boolean preload) {
        LoadOptions window = new LoadOptions(load.connections(), load.pipelineDepth(), load.mix(), load.keyCount(),
                load.valueSize(), Duration.ZERO, settings.window());
        List<Double> opsPerSecond = new ArrayList<>();
        Duration elapsed = Duration.ZERO;
        while (elapsed.compareTo(settings.cap()) < 0) {
            LoadResult result = LoadGenerator.run(target, window, runTag + opsPerSecond.size(), preload && opsPerSecond.isEmpty());
            opsPerSecond.add(result.opsPerSecond());
            elapsed = elapsed.plus(settings.window());
            if (elapsed.compareTo(settings.minimum()) >= 0 && isSteady(opsPerSecond, settings.tolerance())) {
                return new Outcome(settings.window(), opsPerSecond, true);
            }
        }
        return new Outcome(settings.window(), opsPerSecond, false);
    }

    /** {@code 5 s}, {@code 0.5 s}. */
    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return (millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0)) + " s";
    }

    /** Whether the last two windows differ by less than {@code tolerance} of the larger. */
    static boolean isSteady(List<Double> opsPerSecond, double tolerance) {
        if (opsPerSecond.size() < 2) {
            return false;
        }
        double last = opsPerSecond.get(opsPerSecond.size() - 1);
        double before = opsPerSecond.get(opsPerSecond.size() - 2);
        double larger = Math.max(last, before);
        return larger > 0 && Math.abs(last - before) < tolerance * larger;
    }
}
