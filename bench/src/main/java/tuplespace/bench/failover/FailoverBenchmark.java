package tuplespace.bench.failover;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.bench.load.Workload;
import tuplespace.bench.process.Waits;

/**
 * A writer at a steady rate on a few connections; kill -9 of the primary; the silence until answers resume; then
 * every acknowledged write is read back. A failed write is retried (same key and value) until it is acknowledged,
 * as an application would; each failure counts as a client-visible error.
 */
public final class FailoverBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverBenchmark.class);

    /**
     * @param connections writer connections
     * @param writesPerSecond total rate of the writers (paced, not closed-loop, so the machine is not saturated)
     * @param steady how long to write before the kill
     * @param afterRecovery how long to keep writing after the first answer that follows the kill
     * @param recoveryTimeout the longest wait for answers to resume
     */
    public record Settings(int connections, int writesPerSecond, Duration steady, Duration afterRecovery, Duration recoveryTimeout) {
        public Settings {
            if (connections < 1 || writesPerSecond < connections) {
                throw new IllegalArgumentException("expected connections >= 1 and writesPerSecond >= connections, found "
                        + connections + " and " + writesPerSecond);
            }
        }
    }

    private FailoverBenchmark() {
    }

    public static FailoverRepetition runOnce(FailoverSystem system, Settings settings, String runTag, FailoverRepetition.Fault fault) {
        system.prepare();
        try {
            return measure(system, settings, runTag, fault);
        } finally {
            system.finishRepetition();
        }
    }

    private static FailoverRepetition measure(FailoverSystem system, Settings settings, String runTag, FailoverRepetition.Fault fault) {
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        List<long[]> answerTimes = new CopyOnWriteArrayList<>();
        List<String> errorExamples = new CopyOnWriteArrayList<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long intervalNanos = 1_000_000_000L * settings.connections() / settings.writesPerSecond();
        List<Thread> threads = new ArrayList<>();
        List<FailoverSystem.Writer> writers = new ArrayList<>();
        for (int i = 0; i < settings.connections(); i++) {
            FailoverSystem.Writer writer = system.openWriter(i);
            writers.add(writer);
            String keyPrefix = runTag + "c" + i + "n";
            SplittableRandom random = new SplittableRandom(runTag.hashCode() * 31L + i);
            Thread thread = new Thread(() -> {
                LongList times = new LongList();
                long next = System.nanoTime();
                for (long n = 0; !stop.get(); n++) {
                    String key = keyPrefix + n;
                    String value = Workload.value(random, 20);
                    while (!stop.get()) {
                        try {
                            writer.write(key, value);
                            times.add(System.nanoTime());
                            acknowledged.put(key, value);
                            break;
                        } catch (FailoverSystem.DuplicateEffectException e) {
                            duplicates.incrementAndGet();
                            times.add(System.nanoTime());
                            acknowledged.put(key, value);
                            break;
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            if (errorExamples.size() < 3) {
                                errorExamples.add(e.toString());
                            }
                            Waits.sleep(Duration.ofMillis(5));
                        }
                    }
                    next += intervalNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    } else if (wait < -1_000_000_000L) {
                        next = System.nanoTime(); // Behind by more than a second (the outage): do not burst to catch up.
                    }
                }
                answerTimes.add(times.toArray());
            }, "failover-writer-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        long killNanos;
        try {
            Waits.sleep(settings.steady());
            killNanos = fault == FailoverRepetition.Fault.KILL ? system.killPrimary() : system.hangPrimary();
            awaitRecovery(acknowledged, settings);
            Waits.sleep(settings.afterRecovery());
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                join(thread, Duration.ofSeconds(70));
            }
            writers.forEach(FailoverSystem.Writer::close);
        }
        long[] allTimes = answerTimes.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        AnswerTimeline timeline = AnswerTimeline.of(allTimes, killNanos);
        LostWrites lost = LostWrites.check(acknowledged, system.readBack(List.copyOf(acknowledged.keySet())));
        boolean hungGone = fault == FailoverRepetition.Fault.STOP && system.hungPrimaryGone();
        OptionalLong protectedAt = system.protectedAgainAt();
        OptionalDouble protectedAgainMillis = protectedAt.isPresent()
                ? OptionalDouble.of((protectedAt.getAsLong() - killNanos) / 1e6) : OptionalDouble.empty();
        FailoverRepetition repetition = new FailoverRepetition(fault, hungGone, timeline.unavailableMillis(), timeline.killToFirstAnswerMillis(),
                errors.get(), duplicates.get(), acknowledged.size(), lost, protectedAgainMillis, errorExamples);
        LOG.info("{} failover ({}): unavailable {} ms (from {} to {}), kill->first answer {} ms, errors {}, acked {}, lost {}"
                        + ", protected again after {}",
                system.name(), fault, Math.round(repetition.unavailableMillis()), wallClock(timeline.gapStartNanos()),
                wallClock(timeline.gapEndNanos()), Math.round(repetition.killToFirstAnswerMillis()), errors.get(),
                acknowledged.size(), lost.lost(), protectedAgainMillis.isPresent()
                        ? Math.round(protectedAgainMillis.getAsDouble()) + " ms" : "n/a");
        return repetition;
    }

    /** A {@link System#nanoTime()} as the time of day, to find the silence in the services' logs. */
    private static LocalTime wallClock(long nanos) {
        long ageNanos = System.nanoTime() - nanos;
        return LocalTime.now().minusNanos(ageNanos);
    }

    /** Waits until the number of acknowledged writes grows again after the kill. */
    private static void awaitRecovery(Map<String, String> acknowledged, Settings settings) {
        Waits.sleep(Duration.ofMillis(50));
        int before = acknowledged.size();
        long deadline = System.nanoTime() + settings.recoveryTimeout().toNanos();
        while (acknowledged.size() <= before + settings.connections() && System.nanoTime() < deadline) {
            Waits.sleep(Duration.ofMillis(10));
        }
    }

    private static void join(Thread thread, Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A growable array of longs (answer times), one per writer thread. */
    private static final class LongList {
        private long[] values = new long[1024];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
