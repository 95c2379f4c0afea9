package tuplespace.bench;

import java.time.Duration;
import tuplespace.bench.load.WarmUp;

/**
 * How long and how big the suite runs. {@link #FULL} took 16 minutes on 2 cores, and the scale part 1-2 more
 * (2026-12-04 23:24); {@link #QUICK} under 3, for development (figures are then indicative only). {@code budget} bounds
 * the whole run: a part that would not fit any more is skipped (and reported as skipped), so a slow, shared machine
 * cannot make it run on.
 * {@code warmUp}: unmeasured PUT/GET load until throughput is steady, on each fresh tuplespace service (its three JVMs
 * and the client library in the load generator need 30-40 s of load for the JIT on 2 cores) and, before the first Redis
 * run, on Redis (for the load generator's own JVM; Redis needs none). {@code warmup}: unmeasured time of each measured
 * load, the same load first; {@code durableWarmup} that time in the durable part. There each measured load (PUT one at
 * a time) follows the warm-up's mixed, pipelined load on a service of its own, and the change of shape makes the server
 * JVMs drop compiled code of the serving path that the new shape contradicts and compile it again: 3-4 s of recompiling
 * (-XX:+PrintCompilation, 2026-12-04), more with a data directory, whose log code is recompiled too, so with 2 s the
 * recompiling fell into the measured window, most for the durable runs, whose ratios it likely lowered (everysec 0.83x
 * and 0.89x memory-only with 2 s, 0.92x and 0.96x with 5 s). The throughput part keeps 2 s: its GETs ran on the pairs
 * its PUTs added (until its reads came first), with 5 s on a larger space, and slower (exact GET at 50 x 1 0.53-0.70x
 * Redis against 0.86x; on their own, 4.9 M pairs against 2.5 M took 13-18% off exact GETs at 50 x 1).
 * {@code slowReaders}: how long the slow-readers scenario pushes while the well-behaved client is measured.
 * {@code throughputRounds}: how many times in a row the throughput part measures each of its loads, Redis and
 * tuplespace in turn, each run {@code roundDuration} long (after {@code warmup}; the durable part's four writes the
 * same, after {@code durableWarmup}): one run of each, minutes apart, swung
 * by up to 2x with the machine (Redis's GET at 50 x 16 336-683 k/s in four runs within 45 minutes, 2026-12-04), so a
 * ratio is judged on runs made side by side, several times. Its reads now run before its writes, on the warm-up's
 * pairs: after the writes, each round of reads would run on a larger space than the one before.
 */
public record Profile(String name, int connections, Duration warmup, Duration duration, int getKeys, int resyncKeys,
                      int resyncRepetitions, int failoverRepetitions, int failoverWriters, int failoverWritesPerSecond,
                      Duration failoverSteady, Duration failoverAfterRecovery, boolean includeAsync, Duration budget,
                      WarmUp.Settings warmUp, int hangRepetitions, Duration slowReaders, Duration durableWarmup,
                      int throughputRounds, Duration roundDuration) {

    public static final Profile FULL = new Profile("full", 50, Duration.ofSeconds(2), Duration.ofSeconds(8), 100_000,
            1_000_000, 3, 5, 8, 4000, Duration.ofSeconds(2), Duration.ofSeconds(1), true, Duration.ofMinutes(18),
            new WarmUp.Settings(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(45), 0.10), 3,
            Duration.ofSeconds(30), Duration.ofSeconds(5), 3, Duration.ofSeconds(5));

    public static final Profile QUICK = new Profile("quick", 50, Duration.ofSeconds(1), Duration.ofSeconds(2), 10_000,
            100_000, 1, 1, 4, 2000, Duration.ofSeconds(1), Duration.ofMillis(500), false, Duration.ofSeconds(160),
            new WarmUp.Settings(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(6), 0.10), 0,
            Duration.ofSeconds(12), Duration.ofSeconds(1), 1, Duration.ofSeconds(2));
}
