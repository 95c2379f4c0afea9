package tuplespace.node;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tuplespace.codec.Durations;

/**
 * Fencing a failed primary (docs/design.md "Failover" step 2): kill it through its handle and act as primary only
 * once its pid is gone. SIGKILL also ends a stopped (SIGSTOP) process, so a hung primary can never wake up
 * and answer beside its successor. Waiting polls without blocking the event loop.
 */
final class Fencing {

    static final Duration POLL = Duration.ofMillis(1);

    private Fencing() {
    }

    /**
     * The handle of the process {@code pid} as it is now (empty if there is none). Taken when the backup starts, it
     * keeps its start time: a later kill never hits another process that reused the pid.
     */
    static Optional<ProcessHandle> handleOf(long pid) {
        return ProcessHandle.of(pid);
    }

    /** Kills {@code process}; runs {@code gone} on {@code loop} once it is dead, or {@code stuck} after {@code limit}. */
    static void killAndAwait(Optional<ProcessHandle> process, EventLoop loop, Duration limit, Runnable gone,
                             Consumer<String> stuck) {
        process.ifPresent(ProcessHandle::destroyForcibly);
        poll(process, loop, System.nanoTime() + limit.toNanos(), limit, gone, stuck);
    }

    private static void poll(Optional<ProcessHandle> process, EventLoop loop, long deadline, Duration limit,
                             Runnable gone, Consumer<String> stuck) {
        if (isGone(process)) {
            gone.run();
        } else if (System.nanoTime() - deadline > 0) {
            stuck.accept("the old primary pid " + process.get().pid() + " was still alive " + Durations.text(limit)
                    + " after SIGKILL");
        } else {
            loop.schedule(() -> poll(process, loop, deadline, limit, gone, stuck), POLL.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Dead or a zombie (a zombie runs no code and holds no sockets; only its parent can reap it). */
    static boolean isGone(Optional<ProcessHandle> process) {
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        return isZombie(process.get().pid());
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            int afterName = stat.lastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.length() && stat.charAt(afterName + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false; // no /proc (not Linux): rely on isAlive alone
        }
    }
}
