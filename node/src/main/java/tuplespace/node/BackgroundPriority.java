package tuplespace.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of a thread that does long work beside the event loop (the {@link ScanThread}), so that on a
 * busy machine the loop's heartbeats, acknowledgements and small requests get a core as soon as they wake, and the long
 * work takes what is left. Linux only, where a thread has a nice value of its own: {@code renice} on the thread's id,
 * which {@code /proc/thread-self} gives. Lowering needs no privilege. Elsewhere, or when it fails, the thread keeps the
 * process's priority: only latency under load is worse (logged once at WARN).
 */
final class BackgroundPriority {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPriority.class);
    /**
     * Nice 10: about a tenth of a normal thread's share of a contended core (the kernel weighs nice 10 at 110 against
     * 1024), and all of an idle one.
     */
    static final int NICENESS = 10;
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private BackgroundPriority() {
    }

    /** Lowers the calling thread's priority; returns at once (the {@code renice} process runs on its own). */
    static void lowerCurrentThread() {
        Optional<Long> threadId = currentThreadId();
        if (threadId.isEmpty()) {
            LOG.debug("thread {} keeps its priority: no {} here", Thread.currentThread().getName(), THREAD_SELF);
            return;
        }
        String name = Thread.currentThread().getName();
        try {
            new ProcessBuilder("renice", "-n", Integer.toString(NICENESS), "-p", Long.toString(threadId.get()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .onExit().thenAccept(renice -> {
                        if (renice.exitValue() != 0) {
                            LOG.warn("thread {} keeps its priority: renice exited with status {}", name, renice.exitValue());
                        }
                    });
        } catch (IOException e) {
            LOG.warn("thread {} keeps its priority: cannot run renice ({})", name, e.getMessage());
        }
    }

    /** The kernel's id of the calling thread ({@code /proc/thread-self} links to {@code <pid>/task/<tid>}). */
    static Optional<Long> currentThreadId() {
        try {
            Path link = Files.readSymbolicLink(THREAD_SELF);
            return Optional.of(Long.parseLong(link.getFileName().toString()));
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
