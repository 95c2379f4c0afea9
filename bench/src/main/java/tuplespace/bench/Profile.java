package tuplespace.bench;

import java.time.Duration;

/**
 * How long and how big the suite runs. {@link #FULL} fits in about 10 minutes on 2 cores; {@link #QUICK} in
 * under 2 for development (figures are then indicative only).
 */
public record Profile(String name, int connections, Duration warmup, Duration duration, int getKeys, int resyncKeys,
                      int resyncRepetitions, int failoverRepetitions, int failoverWriters, int failoverWritesPerSecond,
                      Duration failoverSteady, Duration failoverAfterRecovery, boolean includeAsync) {

    public static final Profile FULL = new Profile("full", 50, Duration.ofSeconds(3), Duration.ofSeconds(10), 100_000,
            1_000_000, 3, 5, 8, 4000, Duration.ofSeconds(2), Duration.ofSeconds(1), true);

    public static final Profile QUICK = new Profile("quick", 50, Duration.ofSeconds(1), Duration.ofSeconds(2), 10_000,
            100_000, 1, 1, 4, 2000, Duration.ofSeconds(1), Duration.ofMillis(500), false);
}
