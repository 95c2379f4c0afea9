package tuplespace.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Transparent huge pages for a service JVM's memory ({@code -XX:+UseTransparentHugePages}) where the kernel gives
 * them on request (its mode is {@code madvise}). Not for the speed of the heap: for how soon a killed process lets go
 * of its sockets. A process killed with {@code kill -9} closes its sockets only after the kernel has freed its memory,
 * and freeing a JVM's heap page by page takes tens of milliseconds: a JVM of 480 MiB closed a peer's connection 54-80
 * ms after {@code kill -9}, one with huge pages (886 MiB) 10-12 ms after. The proxy learns that its primary is gone
 * from that close, so it is the first part of a failover. With the kernel's mode {@code always} the heap has them
 * without asking; with {@code never} (or no such file) asking would only print a warning, so nothing is added; and an
 * operator's option about huge or large pages decides instead. (The bench's reading JVMs take the option for the
 * other reason: each million-pair answer they decode is fresh heap, and faulting it in 4 KiB pages cost a third of
 * their CPU.)
 */
public final class HugePages {

    static final Path KERNEL_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    static final String OPTION = "-XX:+UseTransparentHugePages";

    private HugePages() {
    }

    /** The option for a JVM started with the operator's {@code javaOptions} on this machine, if it gets one. */
    public static List<String> options(List<String> javaOptions) {
        return options(javaOptions, kernelMode());
    }

    /** As {@link #options(List)}, the kernel's mode given (the file's text: "always [madvise] never"). */
    static List<String> options(List<String> javaOptions, Optional<String> kernelMode) {
        boolean operatorChose = javaOptions.stream().anyMatch(option -> option.contains("HugePages")
                || option.contains("LargePages"));
        return !operatorChose && kernelMode.filter(mode -> mode.contains("[madvise]")).isPresent()
                ? List.of(OPTION) : List.of();
    }

    /** The kernel's mode, the file's text; empty where there is no such file. */
    static Optional<String> kernelMode() {
        try {
            return Optional.of(Files.readString(KERNEL_MODE));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
