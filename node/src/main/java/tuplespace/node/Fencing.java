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

/**
 * Fencing a failed primary (DESIGN "Failover" step 2): kill it through its handle and act as primary only
 * once its pid is gone. SIGKILL also ends a stopped (SIGSTOP) process, so a hung primary can never wake up
 * and answer beside its successor. Waiting polls without blocking the event loop.
 */
final class Fencing {

    static final Duration POLL = Duration.ofMillis(1);

    private Fencing() {
    }

    /** Kills {@code pid}; runs {@code gone} on {@code loop} once it is dead, or {@code stuck} after {@code limit}. */
    static void killAndAwait(long pid, EventLoop loop, Duration limit, Runnable gone, Consumer<String> stuck) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        poll(pid, loop, System.nanoTime() + limit.toNanos(), limit, gone, stuck);
    }

    private static void poll(long pid, EventLoop loop, long deadline, Duration limit, Runnable gone, Consumer<String> stuck) {
        if (isGone(pid)) {
            gone.run();
        } else if (System.nanoTime() - deadline > 0) {
            stuck.accept("the old primary pid " + pid + " was still alive " + limit + " after SIGKILL");
        } else {
            loop.schedule(() -> poll(pid, loop, deadline, limit, gone, stuck), POLL.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Dead or a zombie (a zombie runs no code and holds no sockets; only its parent can reap it). */
    static boolean isGone(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return true;
        }
        return isZombie(pid);
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
