package tuplespace.node;

import java.util.List;

/**
 * A server JVM compiles a method with C2, the JIT's optimizing compiler, only once it has been called (or has looped)
 * ten times as often as the JVM's defaults ask; until then C1's code runs it, as before. A restarted server spends its
 * first second recovering: its recovery's loops run a million times, hot enough for C2 at once, but C2's compilations
 * of them were installed only after the loops had ended, and on two cores they took that CPU from the recovery. With
 * the thresholds ten times higher, restarts on 1,000,000 pairs + 100,000 logged updates answered first in 735-771
 * against 795-843 ms (medians of 10, alternated; docs/performance-history.md). Warm code is the same, compiled a few
 * seconds later under load: the bench's throughput part run with these options found no rate or CPU per operation
 * lower than without them. Not for the proxy, whose start has no such loop. An operator's option naming a tier or a
 * compile threshold ({@code Tier}, {@code CompileThreshold}) decides instead.
 */
final class LateOptimization {

    static final List<String> OPTIONS = List.of("-XX:Tier4InvocationThreshold=50000",
            "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000",
            "-XX:Tier4BackEdgeThreshold=400000");

    private LateOptimization() {
    }

    /** The options for a server JVM started with the operator's {@code javaOptions}, unless they choose the JIT's. */
    static List<String> options(List<String> javaOptions) {
        return javaOptions.stream().anyMatch(LateOptimization::decidesInstead) ? List.of() : OPTIONS;
    }

    private static boolean decidesInstead(String option) {
        return option.contains("Tier") || option.contains("CompileThreshold");
    }
}
