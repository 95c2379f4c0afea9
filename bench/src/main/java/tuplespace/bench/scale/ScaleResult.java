package tuplespace.bench.scale;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tuplespace.bench.load.LatencySummary;

/**
 * What the scale part measured on one system holding {@code pairs} one-field pairs.
 *
 * @param fullReadMillis one figure per timed repetition: every pair read, to the last one decoded in this JVM
 * @param fullReadCounts the pairs each of those reads returned (all must be {@code pairs})
 * @param prefixReadMillis tuplespace: {@code GET k,1.* .*} per repetition; empty for Redis (no prefix read asked)
 * @param prefixReadCounts the pairs each prefix read returned (all must be {@code expectedPrefixPairs})
 * @param cpuSecondsPerFullRead CPU seconds each process spent per timed full read (client = this bench JVM); empty
 *     when a process was replaced meanwhile
 * @param memory the server's memory before and during one full read, and the answer's size on the wire
 * @param probe small requests' latency while full reads ran back to back
 * @param delete tuplespace: the prefix DELETE; empty for Redis
 * @param failovers tuplespace: failovers from the end of loading to the end of the part (epoch after minus before),
 *     the probe's included; -1 for Redis
 */
public record ScaleResult(String system, int pairs, String fullRead, List<Double> fullReadMillis, List<Long> fullReadCounts,
                          List<Double> prefixReadMillis, List<Long> prefixReadCounts, long expectedPrefixPairs,
                          Map<String, Double> cpuSecondsPerFullRead, Memory memory, Probe probe, Optional<Delete> delete,
                          long failovers) {

    public ScaleResult {
        Objects.requireNonNull(system, "system");
        fullReadMillis = List.copyOf(fullReadMillis);
        fullReadCounts = List.copyOf(fullReadCounts);
        prefixReadMillis = List.copyOf(prefixReadMillis);
        prefixReadCounts = List.copyOf(prefixReadCounts);
        cpuSecondsPerFullRead = Map.copyOf(cpuSecondsPerFullRead);
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(delete, "delete");
    }

    /** Whether every full read returned every pair. */
    public boolean fullReadsComplete() {
        return !fullReadCounts.isEmpty() && fullReadCounts.stream().allMatch(count -> count == pairs);
    }

    public boolean prefixReadsComplete() {
        return !prefixReadCounts.isEmpty() && prefixReadCounts.stream().allMatch(count -> count == expectedPrefixPairs);
    }

    /**
     * Memory around one full read; -1 where not measured.
     *
     * @param answerBytes the answer's size on the wire to the client (tuplespace: the JSON line; Redis: the
     *     growth of {@code total_net_output_bytes}, the RESP replies of KEYS and all MGETs)
     * @param heapBeforeBytes tuplespace primary: heap in use after a full GC just before the read (the live set)
     * @param heapPeakBytes the most heap in use during the read, garbage included: the largest "before" of the GC
     *     pauses during it and the heap in use just after it. How far garbage piles up is G1's choice (its young
     *     generation grows into a free heap), so this bounds what the read costs from above.
     * @param heapPeakAfterGcBytes the most heap an evacuating collection during the read left in use: what the read
     *     still held then, a bound from below of what it needs; -1 when none ran
     * @param collections GC pauses of the primary during the read
     */
    public record Memory(long answerBytes, long heapBeforeBytes, long heapPeakBytes, long heapPeakAfterGcBytes,
                         int collections, long residentBeforeBytes, long residentPeakBytes) {

        public static final Memory NOT_MEASURED = new Memory(-1, -1, -1, -1, 0, -1, -1);

        public static Memory residentOnly(long answerBytes, long residentBeforeBytes, long residentPeakBytes) {
            return new Memory(answerBytes, -1, -1, -1, 0, residentBeforeBytes, residentPeakBytes);
        }

        /**
         * Heap the read needed beyond the live set before it, in units of the answer's size: by the largest heap a
         * collection during the read left in use (what it still held, not what G1 let pile up); when no collection
         * ran, by the most heap in use, garbage included (a bound from above); NaN when unknown.
         */
        public double heapGrowthPerAnswerByte() {
            return growthPerAnswerByte(heapPeakAfterGcBytes >= 0 ? heapPeakAfterGcBytes : heapPeakBytes);
        }

        /** The same by the most heap in use, garbage included. */
        public double heapInUseGrowthPerAnswerByte() {
            return growthPerAnswerByte(heapPeakBytes);
        }

        private double growthPerAnswerByte(long peak) {
            return heapBeforeBytes < 0 || peak < 0 || answerBytes <= 0 ? Double.NaN : (peak - heapBeforeBytes) / (double) answerBytes;
        }
    }

    /**
     * The latency probe.
     *
     * @param scanMillis each of the back-to-back full reads that ran meanwhile
     * @param scanCounts the pairs each returned (at least {@code pairs}: the probe's PUTs add some)
     * @param failovers epoch after minus epoch before (tuplespace), -1 when not measured (Redis: no Sentinel here)
     * @param backupRestarts backups restarted meanwhile (tuplespace: a backup that missed heartbeats); -1 for Redis
     *     and when a failover happened (a new primary counts from zero)
     * @param longestGcPauseMillis per JVM (tuplespace's primary, backup, proxy; the probe's own, "probe client"), its
     *     longest GC pause meanwhile: every request through that JVM waits it out
     */
    public record Probe(int clients, long pauseMillis, List<Double> scanMillis, List<Long> scanCounts, LatencySummary latency,
                        long errors, String firstError, long failovers, long backupRestarts, Map<String, Double> longestGcPauseMillis) {

        public Probe {
            scanMillis = List.copyOf(scanMillis);
            scanCounts = List.copyOf(scanCounts);
            Objects.requireNonNull(latency, "latency");
            longestGcPauseMillis = Map.copyOf(longestGcPauseMillis);
        }
    }

    /**
     * The prefix DELETE, and what the backup holds afterwards.
     *
     * @param matchesAfter pairs a GET of the same pattern found right after (0: all went at once)
     * @param primaryDigest the primary's digest once the backup acknowledged the same index
     * @param failovers during the DELETE: with one, the backup compared is a fresh copy, not the one replicated to
     * @param cpuSeconds CPU seconds of each process during the DELETE (empty when one was replaced meanwhile)
     */
    public record Delete(double millis, long deleted, long expected, long matchesAfter, long sizeBefore, long sizeAfter,
                         long primaryDigest, long backupDigest, long failovers, Map<String, Double> cpuSeconds) {

        public Delete {
            cpuSeconds = Map.copyOf(cpuSeconds);
        }

        public boolean complete() {
            return deleted == expected && matchesAfter == 0 && sizeAfter == sizeBefore - deleted;
        }

        /** The backup the DELETE was replicated to holds what the primary holds. */
        public boolean replicated() {
            return primaryDigest == backupDigest && failovers == 0;
        }
    }
}
