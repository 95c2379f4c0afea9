package tuplespace.bench.resync;

import java.util.List;

/**
 * Resync of a fresh backup/replica from a primary holding {@code keys} pairs, and the primary's memory.
 *
 * @param resyncMillis one figure per repetition: kill -9 of the backup (tuplespace) or start of a fresh replica
 *     (Redis) → the copy is live/in sync
 * @param catchUpMillis tuplespace: from the new backup's first {@code syncing} STATUS to {@code live} (the
 *     snapshot transfer without the JVM start); empty for Redis
 * @param longestStallMillis the slowest answer to a one-at-a-time GET probe during the resyncs (tuplespace: the
 *     event-loop stall a snapshot causes; -1 when not measured)
 * @param bytesPerKey memory growth per pair, by {@code memoryMethod}
 */
public record ResyncResult(String system, int keys, List<Double> resyncMillis, List<Double> catchUpMillis, double longestStallMillis,
                           double bytesPerKey, String memoryMethod, long residentBytes) {

    public ResyncResult {
        resyncMillis = List.copyOf(resyncMillis);
        catchUpMillis = List.copyOf(catchUpMillis);
    }
}
