package tuplespace.node;

import java.util.List;

/**
 * A proxy or server JVM exits when its Java heap runs out ({@code -XX:+ExitOnOutOfMemoryError}, exit status 3). Without
 * it a tester's server whose heap filled up lost its event loop's thread to the error and lived on, holding its data
 * directory's lock and its ports while answering nothing, until killed by hand: no failover, no restart. Exiting, it
 * is a failed server like any other (the backup takes over, or the same command line with a larger {@code -Xmx} starts
 * it again). Direct memory that runs out (answers being written) is not the heap's: the JVM does not exit for it, and
 * the request that needed it is answered on the heap. An operator's option choosing what such an error does
 * ({@code ExitOnOutOfMemoryError}, {@code CrashOnOutOfMemoryError}, {@code -XX:OnOutOfMemoryError=}) decides instead;
 * one that only adds to it ({@code HeapDumpOnOutOfMemoryError}) does not.
 */
final class OutOfMemoryExit {

    static final String OPTION = "-XX:+ExitOnOutOfMemoryError";

    private OutOfMemoryExit() {
    }

    /** The option for a JVM started with the operator's {@code javaOptions}, unless they choose what such an error does. */
    static List<String> options(List<String> javaOptions) {
        return javaOptions.stream().anyMatch(OutOfMemoryExit::decidesInstead) ? List.of() : List.of(OPTION);
    }

    private static boolean decidesInstead(String option) {
        return option.contains("ExitOnOutOfMemoryError") || option.contains("CrashOnOutOfMemoryError")
                || option.startsWith("-XX:OnOutOfMemoryError");
    }
}
