package tuplespace.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The generator's bookkeeping with in-memory targets; no figure is asserted, only what was counted. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoadGeneratorTest {

    private static final LoadOptions SHORT = new LoadOptions(3, 4, OperationMix.writesOnly(), 10, 20,
            Duration.ofMillis(50), Duration.ofMillis(200));

    @Test
    void countsEveryAnsweredOperationOfSynchronousAndAsynchronousSessions() {
        ScheduledExecutorService io = Executors.newSingleThreadScheduledExecutor();
        try {
            for (boolean asynchronous : new boolean[] {false, true}) {
                CountingTarget target = new CountingTarget(asynchronous, io, false);
                LoadResult result = LoadGenerator.run(target, SHORT, "x", false);
                assertThat(result.errors()).isZero();
                assertThat(result.operations()).isPositive().isLessThanOrEqualTo(target.sent.get());
                assertThat(result.latency().count()).isPositive().isLessThanOrEqualTo(result.operations());
                assertThat(target.opened.get()).isEqualTo(3);
                assertThat(target.closed.get()).isEqualTo(3);
                assertThat(result.cpuMicrosPerOperation()).containsOnlyKeys("itself", LoadResult.LOAD_GENERATOR);
            }
        } finally {
            io.shutdownNow();
        }
    }

    @Test
    void aFailingSessionIsReportedAsErrorsWithTheCause() {
        CountingTarget target = new CountingTarget(false, null, true);
        LoadResult result = LoadGenerator.run(target, SHORT, "x", false);
        assertThat(result.errors()).isEqualTo(3 * 4);
        assertThat(result.firstError()).contains("boom");
    }

    @Test
    void refusesPrefixGetsForATargetThatCannotServeThem() {
        CountingTarget target = new CountingTarget(false, null, false);
        assertThatThrownBy(() -> LoadGenerator.run(target, SHORT.withMix(new OperationMix(0, 0, 0, 1)), "x", false))
                .hasMessageContaining("prefix GET");
    }

    private static final class CountingTarget implements Target {
        final boolean asynchronous;
        final ScheduledExecutorService io;
        final boolean fail;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();

        CountingTarget(boolean asynchronous, ScheduledExecutorService io, boolean fail) {
            this.asynchronous = asynchronous;
            this.io = io;
            this.fail = fail;
        }

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
                    sent.addAndGet(batch.size());
                    if (fail) {
                        return CompletableFuture.failedFuture(new IllegalStateException("boom"));
                    }
                    if (!asynchronous) {
                        sleepBriefly();
                        return CompletableFuture.completedFuture(times(batch.size()));
                    }
                    CompletableFuture<long[]> answer = new CompletableFuture<>();
                    io.schedule(() -> answer.complete(times(batch.size())), 1, TimeUnit.MILLISECONDS);
                    return answer;
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }

        @Override
        public void preload(int keyCount, int valueSize) {
        }

        @Override
        public boolean supports(Operation operation) {
            return !(operation instanceof Operation.PrefixGet);
        }

        @Override
        public java.util.Map<String, Long> processes() {
            return java.util.Map.of("itself", ProcessHandle.current().pid());
        }

        private static long[] times(int size) {
            long[] times = new long[size];
            java.util.Arrays.fill(times, System.nanoTime());
            return times;
        }

        private static void sleepBriefly() {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
