package tuplespace.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import tuplespace.cli.LineCommandClient;
import tuplespace.codec.Durations;

/**
 * Watches the demo's processes: waits until the service answers, reports failovers it sees in STATUS, and stops
 * the service with SHUTDOWN (docs/using.md "Status and shutdown": the primary saves its file, all processes exit 0).
 */
final class DemoSupervisor {

    /** The answer to SHUTDOWN comes once the primary has saved its file (up to 30 s), via the proxy (up to 45 s). */
    private static final Duration SHUTDOWN_ANSWER_WAIT = Duration.ofSeconds(60);

    private final DemoPorts ports;
    private final ChildProcess proxy;
    private final ChildProcess primary;
    private final PrintWriter out;
    /** Set once the demo stops the service: the watcher then keeps quiet about what it sees go away. */
    private final AtomicBoolean stopping;
    /** The last STATUS the watcher read: which processes serve, when the proxy that answers STATUS is gone. */
    private volatile Optional<ServiceStatus> lastSeen = Optional.empty();

    DemoSupervisor(DemoPorts ports, ChildProcess proxy, ChildProcess primary, PrintWriter out, AtomicBoolean stopping) {
        this.ports = ports;
        this.proxy = proxy;
        this.primary = primary;
        this.out = out;
        this.stopping = stopping;
    }

    /** The first STATUS with a registered primary and a live backup; empty (after saying why) when start-up failed. */
    Optional<ServiceStatus> awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<ServiceStatus> last = Optional.empty();
        boolean primarySeen = false;
        while (System.nanoTime() < deadline) {
            Optional<String> failure = startFailure(primarySeen);
            if (failure.isPresent()) {
                say(failure.get());
                return Optional.empty();
            }
            last = status();
            primarySeen |= last.isPresent() && last.get().hasPrimary();
            if (last.isPresent() && last.get().isReady()) {
                return last;
            }
            Thread.sleep(DemoCommand.pollMillis());
        }
        if (last.isPresent() && last.get().hasPrimary()) {
            say("the backup is not live yet (state " + last.get().backupState() + "); going on without waiting.");
            return last;
        }
        say("the service did not answer within " + Durations.text(timeout) + "; stopping it. Its output is above.");
        return Optional.empty();
    }

    /**
     * Why start-up has failed, if it has: the proxy ended, or the primary gave up before any primary registered
     * (status 1: an unreadable INIT_FILE, a taken port; 2: bad arguments). A primary that ends otherwise (killed,
     * or stopped after its backup took over) is no failure: its backup takes over (docs/design.md "Failover"), so keep
     * waiting.
     */
    private Optional<String> startFailure(boolean primarySeen) {
        if (!proxy.isAlive()) {
            return Optional.of("the proxy exited with status " + proxy.exitValue() + " while starting; its output is above.");
        }
        if (!primary.isAlive() && !primarySeen && (primary.exitValue() == 1 || primary.exitValue() == 2)) {
            return Optional.of("the primary exited with status " + primary.exitValue()
                    + " while starting; its output is above.");
        }
        return Optional.empty();
    }

    /**
     * Reports changes of primary and backup until the proxy exits; the proxy's exit decides the status. A proxy that
     * ended otherwise than by SHUTDOWN (status 0), killed say, leaves the primary and its backup without clients: they
     * are stopped as the demo's Ctrl-C stops them (SHUTDOWN at the primary saves the space), within
     * {@code stopTimeout}.
     */
    int watchUntilProxyExits(ServiceStatus shown, Duration stopTimeout) throws InterruptedException {
        ServiceStatus previous = shown;
        lastSeen = Optional.of(shown);
        while (!proxy.awaitExit(1000)) {
            Optional<ServiceStatus> now = status();
            if (now.isPresent()) {
                lastSeen = now;
            }
            if (now.isPresent() && !stopping.get()) {
                reportChange(previous, now.get());
                previous = now.get();
            }
        }
        if (proxy.exitValue() != 0 && stopping.compareAndSet(false, true)) {
            say("the proxy exited with status " + proxy.exitValue() + "; stopping the primary and its backup.");
            stop(stopTimeout);
        } else if (!stopping.get()) {
            say("the service stopped (proxy exit status " + proxy.exitValue() + ").");
        }
        return proxy.exitValue() == 0 ? 0 : 1;
    }

    private void reportChange(ServiceStatus before, ServiceStatus now) {
        changes(before, now).forEach(this::say);
    }

    /** What the console says of the change from {@code before} to {@code now}: a line each, none when nothing. */
    static List<String> changes(ServiceStatus before, ServiceStatus now) {
        List<String> lines = new ArrayList<>();
        if (!now.hasPrimary() && before.hasPrimary()) {
            lines.add("no primary is registered: the proxy holds client requests until one registers.");
        } else if (now.hasPrimary() && !now.primaryPid().equals(before.primaryPid())) {
            // the proxy says how it came: its backup promoted (a failover, an operator's PROMOTE, or a switchover that
            // keeps the old primary on as the new one's backup), or a server started anew (its command line run again)
            String change = switch (now.how()) {
                case "switched over" -> "switchover";
                case "promoted" -> "failover";
                case "promoted by the operator" -> "promotion by the operator";
                default -> "restart";
            };
            lines.add(change + ": the primary is now pid " + now.primaryPid().getAsLong() + " (epoch " + now.epoch()
                    + (change.equals("restart") ? ", a server started anew" : "") + "); kill -9 "
                    + now.primaryPid().getAsLong() + " to fail over" + (change.equals("failover") ? " again." : "."));
        }
        if (now.hasPrimary() && !Objects.equals(now.backupState(), before.backupState())) {
            lines.add("backup: " + now.backupState()
                    + (now.backupPid().isPresent() ? " (pid " + now.backupPid().getAsLong() + ")" : ""));
        }
        return lines;
    }

    /**
     * Sends SHUTDOWN (to the proxy, or to the primary if the proxy is gone) and waits for every process of the
     * service; kills what is left after {@code timeout}. True when everything stopped by itself.
     */
    boolean stop(Duration timeout) {
        List<ProcessHandle> processes = serviceProcesses();
        Optional<String> answer = sendShutdown();
        if (answer.isEmpty()) {
            say("stopping the processes without SHUTDOWN: the space is not saved.");
            processes.forEach(DemoSupervisor::destroyWithDescendants);
            return false;
        }
        if (!answer.get().startsWith("ok")) {
            // the primary could not save its file: killing the service now would lose the space
            say("the service keeps running, so the space is not lost: fix the cause, then run ./tuplespace shutdown "
                    + ports.sap(ports.proxyShutdownPort()));
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = true;
        for (ProcessHandle process : processes) {
            if (!awaitExit(process, deadline)) {
                say("pid " + process.pid() + " did not stop within " + Durations.text(timeout) + "; killing it.");
                destroyWithDescendants(process);
                clean = false;
            }
        }
        if (clean) {
            // "ok: saved N pairs to FILE; shutting down" from the primary; a proxy with no primary saves nothing
            say(answer.get().startsWith("ok: saved ") ? "stopped; the space is saved in the save file too; the next demo"
                    + " starts where this one stopped."
                    : "stopped; nothing was saved (no primary held a space).");
        }
        return clean;
    }

    /** SHUTDOWN to the proxy, or to the primary if the proxy is gone: the answer, or empty when neither answered. */
    private Optional<String> sendShutdown() {
        List<Integer> shutdownPorts = proxy.isAlive() ? List.of(ports.proxyShutdownPort(), ports.serverShutdownPort())
                : List.of(ports.serverShutdownPort());
        for (int port : shutdownPorts) {
            try {
                String answer = new LineCommandClient(ports.endpoint(port), SHUTDOWN_ANSWER_WAIT).send("SHUTDOWN");
                say("SHUTDOWN sent to " + ports.sap(port) + ": " + answer);
                return Optional.of(answer);
            } catch (IOException e) {
                say("could not send SHUTDOWN: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The proxy, the primary we started, and whichever primary and backup STATUS names now (after failovers), or named
     * last when the proxy is gone (the primary and backup it promoted are no children of the demo).
     */
    private List<ProcessHandle> serviceProcesses() {
        List<ProcessHandle> processes = new ArrayList<>();
        processes.add(ProcessHandle.of(proxy.pid()).orElse(null));
        processes.add(ProcessHandle.of(primary.pid()).orElse(null));
        status().or(() -> lastSeen).ifPresent(now -> {
            now.primaryPid().ifPresent(pid -> processes.add(ProcessHandle.of(pid).orElse(null)));
            now.backupPid().ifPresent(pid -> processes.add(ProcessHandle.of(pid).orElse(null)));
        });
        processes.removeIf(Objects::isNull);
        return processes.stream().distinct().toList();
    }

    private static boolean awaitExit(ProcessHandle process, long deadlineNanos) {
        while (process.isAlive()) {
            if (System.nanoTime() >= deadlineNanos) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !process.isAlive();
            }
        }
        return true;
    }

    private static void destroyWithDescendants(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private Optional<ServiceStatus> status() {
        try {
            return ServiceStatus.parse(DemoCommand.statusOf(ports));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void say(String message) {
        out.println("demo: " + message);
        out.flush();
    }
}
