package tuplespace.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutionException;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.bench.scale.ProcessCpu;

/** Runs one load ({@link LoadOptions}) against one {@link Target} and measures it. */
public final class LoadGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private LoadGenerator() {
    }

    /**
     * Preloads the keys if the mix needs them (and {@code preload} is set), opens the connections, runs the load
     * and closes them. {@code runTag} makes this run's PUT keys unique on a target that keeps its data.
     */
    public static LoadResult run(Target target, LoadOptions options, String runTag, boolean preload) {
        if (options.mix().prefixGet() > 0 && !target.supports(new Operation.PrefixGet("1"))) {
            throw new IllegalArgumentException(target.name() + " does not serve prefix GET; expected a mix without prefix, found " + options.mix());
        }
        if (preload && options.mix().needsPreload()) {
            target.preload(options.keyCount(), options.valueSize());
        }
        List<Session> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < options.connections(); i++) {
                sessions.add(target.open(i));
            }
            return drive(target, options, runTag, sessions);
        } finally {
            sessions.forEach(Session::close);
        }
    }

    private static LoadResult drive(Target target, LoadOptions options, String runTag, List<Session> sessions) {
        String name = target.name();
        long start = System.nanoTime();
        long measureFrom = start + options.warmup().toNanos();
        long measureUntil = measureFrom + options.duration().toNanos();
        SplittableRandom seeds = new SplittableRandom(runTag.hashCode());
        List<SessionDriver> drivers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            Workload workload = new Workload(options.mix(), options.keyCount(), options.valueSize(), runTag, i, seeds.split());
            SessionDriver driver = new SessionDriver(sessions.get(i), workload, options.pipelineDepth(), measureFrom, measureUntil);
            drivers.add(driver);
            Thread thread = new Thread(driver::loop, "load-" + name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        Map<String, Long> processes = new LinkedHashMap<>(target.processes());
        processes.put(LoadResult.LOAD_GENERATOR, ProcessHandle.current().pid());
        sleepUntil(measureFrom);
        Map<String, Double> cpuFrom = ProcessCpu.snapshot(processes);
        sleepUntil(measureUntil);
        Map<String, Double> cpuUntil = ProcessCpu.snapshot(processes);
        awaitAll(drivers, measureUntil + GRACE_NANOS);
        Histogram merged = LatencySummary.newNanosHistogram();
        long operations = 0;
        long errors = 0;
        String firstError = null;
        for (SessionDriver driver : drivers) {
            if (!driver.done().isDone()) {
                errors++;
                firstError = firstError != null ? firstError : "a connection did not finish within 60 s of the end";
                continue;
            }
            merged.add(driver.latencyNanos());
            operations += driver.operations();
            errors += driver.errors();
            firstError = firstError != null ? firstError : driver.firstError();
        }
        Map<String, Double> cpuMicrosPerOperation = new LinkedHashMap<>();
        long counted = operations;
        ProcessCpu.perRun(cpuFrom, cpuUntil, 1).forEach((process, seconds) ->
                cpuMicrosPerOperation.put(process, counted == 0 ? Double.NaN : seconds * 1e6 / counted));
        LoadResult result = new LoadResult(name, options, operations, options.duration().toNanos() / 1e9, errors,
                LatencySummary.of(merged), firstError, cpuMicrosPerOperation);
        LOG.info("{}: {} ops/s, p50 {} us, p99 {} us, errors {}, CPU us/op {} ({})", name, Math.round(result.opsPerSecond()),
                Math.round(result.latency().p50Micros()), Math.round(result.latency().p99Micros()), errors,
                cpuMicrosPerOperation, options.describe());
        return result;
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the load was running", e);
            }
        }
    }

    private static void awaitAll(List<SessionDriver> drivers, long deadlineNanos) {
        CompletableFuture<?>[] all = drivers.stream().map(SessionDriver::done).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("some connections did not finish in time; their figures are left out and counted as errors");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a load driver failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the load was running", e);
        }
    }
}
