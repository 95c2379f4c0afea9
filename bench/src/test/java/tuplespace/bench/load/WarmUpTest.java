package tuplespace.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The warm-up's stopping rule and bookkeeping; no figure is asserted. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WarmUpTest {

    private static final LoadOptions LOAD = new LoadOptions(2, 4, new OperationMix(1, 0, 1, 0), 10, 20,
            Duration.ZERO, Duration.ofSeconds(1));

    @Test
    void steadyMeansTheLastTwoWindowsDifferByLessThanTheTolerance() {
        assertThat(WarmUp.isSteady(List.of(5_000.0, 10_000.0, 10_500.0), 0.10)).isTrue();
        assertThat(WarmUp.isSteady(List.of(10_500.0, 10_000.0), 0.10)).isTrue();
        assertThat(WarmUp.isSteady(List.of(10_000.0, 20_000.0), 0.10)).isFalse();
        assertThat(WarmUp.isSteady(List.of(10_000.0, 8_000.0), 0.10)).isFalse();
        assertThat(WarmUp.isSteady(List.of(10_000.0), 0.10)).isFalse();
        assertThat(WarmUp.isSteady(List.of(0.0, 0.0), 0.10)).isFalse();
    }

    @Test
    void runsWindowAfterWindowUntilTheMinimumAndNeverPastTheCap() {
        CountingTarget target = new CountingTarget();
        Duration window = Duration.ofMillis(100);
        WarmUp.Settings settings = new WarmUp.Settings(window, Duration.ofMillis(300), Duration.ofMillis(300), 0.10);
        WarmUp.Outcome outcome = WarmUp.run(target, LOAD, settings, "w", true);

        assertThat(outcome.opsPerSecond()).hasSize(3);
        assertThat(target.opened.get()).isEqualTo(3 * LOAD.connections());
        assertThat(target.preloads.get()).isEqualTo(1);
        assertThat(outcome.describe()).startsWith("0.3 s (").contains("ops/s per 0.1 s window").doesNotContain("NaN");
    }

    @Test
    void aSteadyOutcomeEndsWithTwoWindowsWithinTheTolerance() {
        WarmUp.Settings settings = new WarmUp.Settings(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(2), 0.10);
        WarmUp.Outcome outcome = WarmUp.run(new CountingTarget(), LOAD, settings, "w", false);

        assertThat(outcome.opsPerSecond().size()).isBetween(2, 20);
        assertThat(outcome.steady()).isEqualTo(WarmUp.isSteady(outcome.opsPerSecond(), 0.10));
    }

    @Test
    void settingsMustMakeSense() {
        assertThatThrownBy(() -> new WarmUp.Settings(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(45), 0.1))
                .hasMessageContaining("minimum <= cap");
        assertThatThrownBy(() -> new WarmUp.Settings(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(45), 0.1))
                .hasMessageContaining("0 < window");
        assertThatThrownBy(() -> new WarmUp.Settings(Duration.ofSeconds(5), Duration.ZERO, Duration.ofSeconds(45), 1.5))
                .hasMessageContaining("tolerance");
    }

    /** Answers every batch at once, in the caller. */
    private static final class CountingTarget implements Target {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger preloads = new AtomicInteger();

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Session open(int index) {
            opened.incrementAndGet();
            return new Session() {
                @Override
                public CompletableFuture<long[]> execute(List<Operation> batch) {
                    long[] times = new long[batch.size()];
                    java.util.Arrays.fill(times, System.nanoTime());
                    return CompletableFuture.completedFuture(times);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void preload(int keyCount, int valueSize) {
            preloads.incrementAndGet();
        }

        @Override
        public boolean supports(Operation operation) {
            return true;
        }

        @Override
        public java.util.Map<String, Long> processes() {
            return java.util.Map.of();
        }
    }
}
