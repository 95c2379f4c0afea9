package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tuplespace.codec.auth.ClusterSecret;
import tuplespace.testing.Host;
import tuplespace.testing.ManagedProcess;

/**
 * A real service on loopback, or with its proxy and its servers on separate {@link Host}s: a proxy and a primary started
 * as separate JVMs ({@code tuplespace.proxy.ProxyMain}, {@code tuplespace.node.ServerMain}), which starts its backup
 * itself (README "Running it"). All files live in one directory.
 * {@link #close()} kills every process of this service, including backups that outlived their parents.
 */
final class ServiceCluster implements AutoCloseable {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(45);
    /**
     * With {@code --data-dir} a start does more before the backup is live (each node recovers its directory, the
     * backup writes its first snapshot): on a machine as busy as the test machine (load 15 on 2 cores) a backup JVM
     * alone was seen to take 18 s to start.
     */
    static final Duration DURABLE_READY_TIMEOUT = Duration.ofSeconds(90);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Path directory;
    private final ServiceOptions options;
    private final Host proxyHost;
    private final Host serverHost;
    /** Where the first primary's backup runs: {@link #serverHost} (a child process) or a host of its own. */
    private final Host backupHost;
    private final Sap clientSap;
    private final Sap proxyPrimarySap;
    private final Sap proxyShutdownSap;
    private final Sap primaryShutdownSap;
    private final Sap backupSap;
    private final Sap heartbeatSap;
    /** The SAPs of the server on {@link #backupHost}; the same as the first server's when it is a child process. */
    private final Sap otherShutdownSap;
    private final Sap otherBackupSap;
    private final Sap otherHeartbeatSap;
    private final Path saveFile;
    private final SapPicker saps = new SapPicker();
    private final List<ManagedProcess> started = new ArrayList<>();
    private final List<LineClient> clients = new ArrayList<>();
    private ManagedProcess proxy;
    private ManagedProcess firstPrimary;

    ServiceCluster(Path directory, ServiceOptions options) {
        this(directory, options, Host.loopback(), Host.loopback());
    }

    /**
     * A service whose proxy runs on {@code proxyHost} and whose primary (and so its backup, a child process) runs on
     * {@code serverHost}; each binds only its own host's address.
     */
    ServiceCluster(Path directory, ServiceOptions options, Host proxyHost, Host serverHost) {
        this(directory, options, proxyHost, serverHost, serverHost);
    }

    /**
     * A service on three hosts when {@code backupHost} differs from {@code serverHost}: each server binds its own
     * host's SAPs and gets the other's BACKUP_SAP ({@code --peer-backup-sap}); a primary starts its backup on the other
     * host with {@code --backup-start} running a script of this directory ({@link #backupStartScript}), and a backup
     * knows its primary by {@code host:port}, never by pid (the hosts share one pid space, real machines do not).
     */
    ServiceCluster(Path directory, ServiceOptions options, Host proxyHost, Host serverHost, Host backupHost) {
        this.directory = directory.toAbsolutePath();
        this.options = options;
        this.proxyHost = proxyHost;
        this.serverHost = serverHost;
        this.backupHost = backupHost;
        this.clientSap = saps.on(proxyHost);
        this.proxyPrimarySap = saps.on(proxyHost);
        this.proxyShutdownSap = saps.on(proxyHost);
        this.primaryShutdownSap = saps.on(serverHost);
        this.backupSap = saps.on(serverHost);
        this.heartbeatSap = saps.on(serverHost);
        if (backupHost != serverHost) {
            this.otherShutdownSap = saps.on(backupHost);
            this.otherBackupSap = saps.on(backupHost);
            this.otherHeartbeatSap = saps.on(backupHost);
        } else {
            this.otherShutdownSap = primaryShutdownSap;
            this.otherBackupSap = backupSap;
            this.otherHeartbeatSap = heartbeatSap;
        }
        this.saveFile = options.saveFile() != null ? options.saveFile() : this.directory.resolve("space.json");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The SAPs of one cluster, on distinct ports: the next port of a namespace (all ports are free there), or one of
     * loopback ports found free together. Picked one at a time, two loopback SAPs could get the same port, since each
     * is released before the next is looked for (a full verify failed when the proxy's SHUTDOWN_SAP was also the
     * primary's HEARTBEAT_SAP, and another when a test's own server took the proxy's SHUTDOWN_SAP).
     */
    private static final class SapPicker {
        /** As many as a cluster takes (three SAPs on each of three hosts), and {@link #SPARES} for its tests. */
        private static final int CLUSTER = 9;
        /** For servers a test starts itself beside the cluster's: two, with three SAPs each. */
        private static final int SPARES = 6;
        private final int[] loopbackPorts = Host.freeLoopbackPorts(CLUSTER + SPARES);
        private int nextCluster;
        private int nextSpare = CLUSTER;

        Sap on(Host host) {
            return new Sap(host.address(), host.onLoopback() ? loopbackPorts[nextCluster++] : host.port());
        }

        Sap spareOnLoopback() {
            if (nextSpare == loopbackPorts.length) {
                throw new IllegalStateException("expected at most " + SPARES + " spare SAPs per cluster, found a test"
                        + " asking for one more: raise SapPicker.SPARES");
            }
            return new Sap("127.0.0.1", loopbackPorts[nextSpare++]);
        }
    }

    /** A JVM of the service's on {@code host}: {@link ManagedProcess#LIGHT_JVM} and a heap of at most 256 MB. */
    static ManagedProcess.Launch serviceJvm(Host host, String mainClass) {
        return ManagedProcess.java(mainClass).on(host).jvmOptions("-Xmx256m");
    }

    // ---- starting -------------------------------------------------------------------------------------------

    ServiceCluster startProxy() {
        List<String> args = new ArrayList<>(List.of(clientSap.toString(), proxyPrimarySap.toString(), proxyShutdownSap.toString()));
        args.addAll(options.proxyArgs());
        proxy = serviceJvm(proxyHost, "tuplespace.proxy.ProxyMain").args(args).start("proxy", directory);
        started.add(proxy);
        return this;
    }

    ServiceCluster startPrimary() {
        return startPrimary(List.of());
    }

    /** The primary's command line with {@code extraArgs} after the options (a restart that differs in one option). */
    ServiceCluster startPrimary(List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of(primaryShutdownSap.toString(), proxyPrimarySap.toString(),
                backupSap.toString(), heartbeatSap.toString(), saveFile.toString(), "null",
                options.initFile() == null ? "null" : options.initFile().toString()));
        if (backupHost != serverHost) {
            writeBackupStartScripts();
            args.addAll(List.of("--peer-backup-sap", otherBackupSap.toString(),
                    "--backup-start", "sh " + backupStartScript(backupHost)));
        }
        args.addAll(options.serverArgs());
        args.addAll(extraArgs);
        firstPrimary = startServer("primary", args);
        return this;
    }

    /** A server process on the server host with {@code args}, stopped with the cluster (a second one, by mistake). */
    ManagedProcess startServer(String name, List<String> args) {
        ManagedProcess server = serviceJvm(serverHost, "tuplespace.node.ServerMain").args(args).start(name, directory);
        started.add(server);
        return server;
    }

    /**
     * The script a primary on one server host runs to start its backup on the other ({@code --backup-start}): a server
     * with that host's SAPs, the primary's SHUTDOWN_SAP as handle and the options the primary passes
     * (TUPLESPACE_BACKUP_OPTIONS); its own {@code --backup-start} is the script for the way back. Output appends to
     * {@code backup-on-<host>.log} here.
     */
    Path backupStartScript(Host on) {
        return directory.resolve("start-backup-on-" + on.name() + ".sh");
    }

    private void writeBackupStartScripts() {
        writeBackupStartScript(backupHost, otherShutdownSap, otherBackupSap, otherHeartbeatSap, backupSap, serverHost);
        writeBackupStartScript(serverHost, primaryShutdownSap, backupSap, heartbeatSap, otherBackupSap, backupHost);
    }

    private void writeBackupStartScript(Host on, Sap shutdown, Sap backup, Sap heartbeat, Sap peerBackup, Host peer) {
        List<String> command = serviceJvm(on, "tuplespace.node.ServerMain").command();
        command.addAll(List.of(shutdown.toString(), "$TUPLESPACE_PROXY_SAP", backup.toString(), heartbeat.toString(),
                saveFile.toString(), "$TUPLESPACE_PRIMARY_HANDLE", "null", "--peer-backup-sap", peerBackup.toString(),
                "--backup-start", "sh " + backupStartScript(peer)));
        StringBuilder line = new StringBuilder("exec");
        for (String word : command) {
            line.append(' ').append(word.startsWith("$") ? "\"" + word + "\"" : "'" + word.replace("'", "'\\''") + "'");
        }
        line.append(" \"$@\" >> '").append(directory.resolve("backup-on-" + on.name() + ".log")).append("' 2>&1\n");
        String script = "#!/bin/sh\n# --backup-start: a backup on host " + on.name() + " for the primary on "
                + peer.name() + "\neval \"set -- $TUPLESPACE_BACKUP_OPTIONS\"\n" + line;
        try {
            Files.writeString(backupStartScript(on), script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a primary is registered with the proxy and its backup is live with an equal copy (idle service). */
    ServiceStatus awaitInSync() {
        return awaitInSync(READY_TIMEOUT);
    }

    /** The same, for a start that does more (a data directory recovered, a backup's snapshot written to disk). */
    ServiceStatus awaitInSync(Duration timeout) {
        return eventually(timeout, this::status, status -> {
            if (!status.backupInSync()) {
                throw new AssertionError("service not in sync (primary registered, backup live, same index and digest, all logged): " + status);
            }
        });
    }

    /**
     * {@link #awaitInSync(Duration)} at an index that stays the same for {@link #QUIET}, once the proxy serves no
     * client: for a test that closed its clients and then kills the servers. The proxy tells the primary of each
     * connection it lost, after the answer to a request still in flight on it, and the primary makes an entry of that,
     * which comes after the last write's. Checked in sync before that entry, the backup could log it and the primary
     * not yet (full verifies found the backup's log 1 and 4 entries ahead after such a kill).
     */
    ServiceStatus awaitQuietInSync(Duration timeout) {
        eventually(timeout, this::status, status -> assertThat(status.proxyClients())
                .as("clients the proxy still serves: %s", status).isZero());
        // the first status in sync at the index it has now, since when (null: not in sync at the last look)
        AtomicReference<ServiceStatus> since = new AtomicReference<>(awaitInSync(timeout));
        AtomicLong sinceNanos = new AtomicLong(System.nanoTime());
        return eventually(timeout, this::status, status -> {
            if (!status.backupInSync()) {
                since.set(null);
                throw new AssertionError("service not in sync: " + status);
            }
            if (since.get() == null || status.index() != since.get().index()) {
                since.set(status);
                sinceNanos.set(System.nanoTime());
            }
            assertThat(Duration.ofNanos(System.nanoTime() - sinceNanos.get())).as("in sync at the same index since %s",
                    since.get()).isGreaterThanOrEqualTo(QUIET);
        });
    }

    /** How long {@link #awaitQuietInSync} wants the service in sync at one index: entries on their way come sooner. */
    private static final Duration QUIET = Duration.ofMillis(300);

    /** Waits until a primary is registered and its backup is live (under load the indexes need not meet). */
    ServiceStatus awaitBackupLive() {
        return eventually(READY_TIMEOUT, this::status, status -> {
            if (!status.hasPrimary() || !"live".equals(status.backupState())) {
                throw new AssertionError("no primary with a live backup yet: " + status);
            }
        });
    }

    /** Waits until a primary other than {@code oldPid} is registered and its backup is live. */
    ServiceStatus awaitNewPrimaryWithLiveBackup(long oldPid) {
        return eventually(READY_TIMEOUT, this::status, status -> {
            if (!status.hasPrimary() || status.primaryPid() == oldPid || !"live".equals(status.backupState())) {
                throw new AssertionError("no new primary (other than " + oldPid + ") with a live backup yet: " + status);
            }
        });
    }

    ServiceStatus awaitPrimaryRegistered() {
        return eventually(READY_TIMEOUT, this::status, status -> {
            if (!status.hasPrimary()) {
                throw new AssertionError("no primary registered yet: " + status);
            }
        });
    }

    // ---- talking to it --------------------------------------------------------------------------------------

    LineClient client() {
        LineClient client = LineClient.connect(clientSap, REQUEST_TIMEOUT);
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }

    /** {@code STATUS} on the proxy's shutdown SAP, parsed. */
    ServiceStatus status() {
        String line = adminCommand(proxyShutdownSap, "STATUS");
        ServiceStatus status;
        try {
            status = new ServiceStatus(LineClient.JSON.readTree(line));
        } catch (IOException e) {
            throw new AssertionError("STATUS answer is not JSON: " + line, e);
        }
        return status;
    }

    /**
     * {@code SWITCHOVER} on the proxy's shutdown SAP once the replica follows at the proxy (a backup is live at its
     * primary first and follows at the proxy after: seconds later on a loaded machine); returns the answer line.
     */
    String switchover() {
        eventually(READY_TIMEOUT, this::status, status -> {
            if (!status.replicaFollows()) {
                throw new AssertionError("the replica does not follow at the proxy yet: " + status);
            }
        });
        return adminCommand(proxyShutdownSap, "SWITCHOVER");
    }

    /** {@code SHUTDOWN} on the proxy's shutdown SAP; returns the answer line. */
    String shutdown() {
        return adminCommand(proxyShutdownSap, "SHUTDOWN");
    }

    /**
     * PROMOTE on the proxy, and its answer: again while the proxy says it started too recently (a primary that outlived
     * the previous proxy process may still register), for as long as that lasts. A refused PROMOTE changes nothing; one
     * carried out whose answer was lost would show as the next try's "error: expected one backup ..., found 0".
     */
    String promote() {
        return eventually(Duration.ofSeconds(15), () -> adminCommand(proxyShutdownSap(), "PROMOTE"),
                answer -> assertThat(answer).as("PROMOTE's answer").doesNotStartWith("error: this proxy started "));
    }

    /** A line command as an operator sends it: with the cluster secret's handshake when the service has one. */
    String adminCommand(Sap sap, String command) {
        if (options.clusterSecretFile() == null) {
            return command(sap, command, COMMAND_TIMEOUT);
        }
        try {
            return new tuplespace.cli.LineCommandClient(new tuplespace.codec.Sap(sap.host(), sap.port()),
                    COMMAND_TIMEOUT, java.util.Optional.of(ClusterSecret.load(options.clusterSecretFile())))
                    .send(command);
        } catch (IOException e) {
            throw new UncheckedIOException(command + " on " + sap + " failed", e);
        }
    }

    /** Sends one line command to a shutdown SAP and returns the first answer line. */
    static String command(Sap sap, String command, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(sap.address(), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed without an answer to " + command);
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(command + " on " + sap + " failed", e);
        }
    }

    // ---- faults ---------------------------------------------------------------------------------------------

    /** SIGKILL: the process gets no chance to clean up; the kernel closes its sockets. */
    static void kill9(long pid) {
        signal("KILL", pid);
    }

    /** SIGKILL of several processes by one {@code kill} call: together, as a power cut or an OOM kill of all. */
    static void kill9All(long... pids) {
        signal("KILL", pids);
    }

    /** SIGTERM: what {@code kill PID} and a service manager's stop send. */
    static void sigterm(long pid) {
        signal("TERM", pid);
    }

    /** SIGSTOP: the process hangs with its sockets open — a hung, not a crashed, process. */
    static void sigstop(long pid) {
        signal("STOP", pid);
    }

    static void sigcont(long pid) {
        signal("CONT", pid);
    }

    private static void signal(String signal, long... pids) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        for (long pid : pids) {
            command.add(Long.toString(pid));
        }
        String pid = String.join(" ", command.subList(2, command.size()));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while signalling " + pid, e);
        }
    }

    /** Wall-clock time of day, to line test output up with the services' logs. */
    static String clock() {
        return java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
    }

    static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    // ---- accessors ------------------------------------------------------------------------------------------

    Path directory() {
        return directory;
    }

    ServiceOptions options() {
        return options;
    }

    Sap clientSap() {
        return clientSap;
    }

    /**
     * A loopback SAP on a port none of this cluster's SAPs has, found free with them, for a server a test starts
     * itself: a port looked for on its own could be one of the cluster's not bound yet.
     */
    Sap spareLoopbackSap() {
        return saps.spareOnLoopback();
    }

    Sap proxyPrimarySap() {
        return proxyPrimarySap;
    }

    Sap proxyShutdownSap() {
        return proxyShutdownSap;
    }

    Sap primaryShutdownSap() {
        return primaryShutdownSap;
    }

    Sap backupSap() {
        return backupSap;
    }

    Sap heartbeatSap() {
        return heartbeatSap;
    }

    Path saveFile() {
        return saveFile;
    }

    ManagedProcess proxy() {
        return proxy;
    }

    ManagedProcess firstPrimary() {
        return firstPrimary;
    }

    /** The tails of every log this service wrote (the backups' output lands wherever their primary sends it). */
    String logTails(int lines) {
        StringBuilder report = new StringBuilder("===== service in " + directory + " =====\n");
        for (ManagedProcess process : started) {
            report.append(process.tails(lines));
        }
        try (var files = Files.list(directory)) {
            files.filter(file -> file.toString().endsWith(".log"))
                    .filter(file -> started.stream().noneMatch(p -> file.getFileName().toString().startsWith(p.name() + ".")))
                    .forEach(file -> {
                        try {
                            report.append("----- ").append(file.getFileName()).append(" tail -----\n")
                                    .append(ManagedProcess.tail(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), lines));
                        } catch (IOException e) {
                            report.append("<cannot read ").append(file).append(">\n");
                        }
                    });
        } catch (IOException e) {
            report.append("<cannot list ").append(directory).append(">\n");
        }
        return report.toString();
    }

    /** Kills every process of this service: the ones started here, their descendants, and any orphaned node. */
    @Override
    public void close() {
        synchronized (clients) {
            clients.forEach(LineClient::close);
        }
        for (ManagedProcess process : started) {
            process.killTree();
        }
        String marker = directory.toAbsolutePath().toString();
        // A backup that became primary outlives its parent and is nobody's descendant: find it by the
        // directory its command line names (every node gets the save file's path), never by a name pattern.
        ProcessHandle.allProcesses()
                .filter(handle -> handle.pid() != ProcessHandle.current().pid())
                .filter(handle -> mentions(handle, marker))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** True when the process's command line names this service's directory (its save file does). */
    private static boolean mentions(ProcessHandle handle, String marker) {
        return handle.info().arguments().map(args -> String.join(" ", args).contains(marker)).orElse(false)
                || handle.info().commandLine().map(line -> line.contains(marker)).orElse(false);
    }
}
