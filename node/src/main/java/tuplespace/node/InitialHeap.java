package tuplespace.node;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * A server JVM starts with 1 GiB of heap, or its whole maximum heap where that is less. With the JVM's default (a
 * 64th of the machine's memory: 368 MiB on a machine of 23 GiB) a restarted server recovering a million pairs
 * collected its young generation of about 18 MiB six or seven times in its first second, and G1 grew the heap to 1
 * GiB inside one of those pauses (50-80 ms of it): the recovery needs that heap anyway. Restarts of a node on
 * 1,000,000 pairs and 100,000 logged updates, alternated on 2 cores (2026-12-05): with {@code -Xms1g}, 1,340 against
 * 1,441 ms and 1,127 against 1,207 ms to the first answer (medians of 8 and 7), the resident set at the first answer
 * 266-281 against 291-332 MiB; 64 never-reading clients, the primary's peak resident set 458 against 469 MiB. Not for
 * the proxy, which stores nothing.
 *
 * <p>Given as {@code -XX:InitialRAMPercentage}, 1 GiB as a share of the machine's memory, because the JVM caps an
 * initial heap given that way at the maximum heap, where an {@code -Xms} above an operator's {@code -Xmx} would stop
 * it. An operator's option naming an initial heap ({@code -Xms}, {@code InitialHeapSize}, {@code InitialRAM...}) or
 * another memory to size the heap by ({@code -XX:MaxRAM=}) decides instead.
 */
final class InitialHeap {

    static final long BYTES = 1L << 30;

    private InitialHeap() {
    }

    /** The memory of this machine, or of the container this JVM runs in, as a JVM started here sizes its heap by. */
    static long machineMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    /**
     * The option for a server JVM started with the operator's {@code javaOptions} on a machine (or container) of
     * {@code machineMemory} bytes.
     */
    static List<String> options(List<String> javaOptions, long machineMemory) {
        if (machineMemory <= 0 || javaOptions.stream().anyMatch(InitialHeap::decidesInstead)) {
            return List.of();
        }
        double percent = Math.min(100.0, 100.0 * BYTES / machineMemory);
        return List.of(String.format(Locale.ROOT, "-XX:InitialRAMPercentage=%.3f", percent));
    }

    private static boolean decidesInstead(String option) {
        return option.startsWith("-Xms") || option.contains("InitialHeapSize") || option.contains("InitialRAM")
                || option.contains("MaxRAM=");
    }
}
