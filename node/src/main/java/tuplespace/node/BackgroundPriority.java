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
 * which {@code /proc/thread-self} gives; lowering needs no privilege. A thread already at nice {@value #NICENESS} or
 * lower in priority is left alone. Where there is no {@code /proc/thread-self} the thread keeps its priority (logged at
 * DEBUG); where {@code renice} cannot run or fails, too (logged at WARN): only latency under load is worse.
 */
final class BackgroundPriority {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundPriority.class);
    /**
     * Nice 10: about a tenth of a normal thread's share of a contended core (the kernel weighs nice 10 at 110 against
     * 1024), and all of an idle one.
     */
    static final int NICENESS = 10;
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    /** Field 19 of {@code stat}; counted from the field after the command name's closing parenthesis, field 3. */
    private static final int NICE_FIELD = 19 - 3;

    private BackgroundPriority() {
    }

    /**
     * Lowers the calling thread's priority to nice {@value #NICENESS}. Does not wait for {@code renice} to finish (only
     * for it to start, a few milliseconds once) and never throws: a failure leaves the priority as it was.
     */
    static void lowerCurrentThread() {
        String name = Thread.currentThread().getName();
        try {
            Optional<Long> threadId = currentThreadId();
            if (threadId.isEmpty()) {
                LOG.debug("thread {} keeps its priority: no {} here", name, THREAD_SELF);
                return;
            }
            if (nice(threadId.get()).filter(nice -> nice < NICENESS).isEmpty()) {
                return; // already as low (or unreadable): renice would raise it, or fail
            }
            ProcessBuilder renice = new ProcessBuilder("renice", "-n", Integer.toString(NICENESS), "-p",
                    Long.toString(threadId.get())).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            renice.environment().remove("POSIXLY_CORRECT"); // it makes -n an increment in newer util-linux
            renice.start().onExit().thenAccept(done -> {
                if (done.exitValue() != 0) {
                    LOG.warn("thread {} keeps its priority: renice exited with status {}", name, done.exitValue());
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("thread {} keeps its priority: cannot run renice ({})", name, e.toString());
        }
    }

    /** The kernel's id of the calling thread ({@code /proc/thread-self} links to {@code <pid>/task/<tid>}). */
    static Optional<Long> currentThreadId() {
        try {
            Path link = Files.readSymbolicLink(THREAD_SELF);
            return Optional.of(Long.parseLong(link.getFileName().toString()));
        } catch (IOException | UnsupportedOperationException | SecurityException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The nice value of thread {@code threadId} of this process, from its {@code stat}; empty when unreadable. */
    static Optional<Integer> nice(long threadId) {
        try {
            String stat = Files.readString(Path.of("/proc/self/task/" + threadId + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Integer.parseInt(fields[NICE_FIELD]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
