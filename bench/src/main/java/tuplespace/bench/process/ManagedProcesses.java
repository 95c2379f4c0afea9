package tuplespace.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every process the benchmark started, and every pid it learned belongs to a service it started (a tuplespace
 * backup, a new primary after failover). {@link #close()} kills whatever is still alive, by pid only; a JVM
 * shutdown hook does the same when the run is interrupted.
 */
public final class ManagedProcesses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedProcesses.class);

    private final Path logDirectory;
    private final List<Process> processes = new ArrayList<>();
    private final Set<Long> adoptedPids = new LinkedHashSet<>();
    private final Thread hook = new Thread(this::killAll, "bench-process-cleanup");

    public ManagedProcesses(Path logDirectory) throws IOException {
        this.logDirectory = Files.createDirectories(logDirectory);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public Path logDirectory() {
        return logDirectory;
    }

    /** Starts {@code command}, its stdout and stderr appended to {@code <logName>.log}, stdin empty. */
    public synchronized Process start(String logName, List<String> command) {
        Path log = logDirectory.resolve(logName + ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            processes.add(process);
            LOG.debug("started {} (pid {}): {}", logName, process.pid(), command);
            return process;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + logName + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** A pid of a process our services started themselves (a tuplespace backup): killed at the end too. */
    public synchronized void adopt(long pid) {
        if (pid > 0) {
            adoptedPids.add(pid);
        }
    }

    /** kill -9 of one pid we own, waiting until it is gone. */
    public static void killNow(long pid, Duration wait) {
        ProcessHandle.of(pid).ifPresent(handle -> {
            handle.destroyForcibly();
            try {
                handle.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("pid {} did not exit within {} ms of SIGKILL", pid, wait.toMillis());
            }
        });
    }

    /**
     * Whether {@code pid} has died: no such process, or a zombie (dead, not yet reaped: a process whose parent
     * died is reaped by init, which here may take a while; {@link ProcessHandle#isAlive()} counts zombies alive).
     */
    public static boolean isDead(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException noSuchProcess) {
            return true;
        }
    }

    /** Sends a signal ({@code STOP}, {@code CONT}) to one pid we own. */
    public static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot send SIG" + signal + " to " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public synchronized void killAll() {
        for (Process process : processes) {
            if (process.isAlive()) {
                killNow(process.pid(), Duration.ofSeconds(5));
            }
        }
        for (long pid : adoptedPids) {
            killNow(pid, Duration.ofSeconds(5));
        }
        processes.clear();
        adoptedPids.clear();
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook runs killAll anyway.
        }
    }
}
