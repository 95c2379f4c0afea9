package tuplespace.bench.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.cli.LineCommandClient;
import tuplespace.codec.auth.ClusterSecret;
import tuplespace.node.ServiceJvm;

/**
 * A proxy and a primary (which starts its own backup) on loopback ports of their own, run from this JVM's class
 * path. STATUS (docs/internals.md) tells the pids, epoch and backup state; every pid seen there is adopted so
 * that the run kills it at the end even after failovers.
 */
public final class TupleSpaceService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TupleSpaceService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    /*
     * Silence tolerated before a peer counts as failed: 1 s, like Sentinel's down-after-milliseconds. A kill -9
     * closes the sockets, which counts at once (docs/design.md "Processes and links"), so these do not slow the
     * failover measured; they keep a CPU-starved JVM on this shared 2-core machine from being taken for a hung one.
     */
    static final String HEARTBEAT_INTERVAL = "100ms";
    static final int HEARTBEAT_MISSES = 10;
    static final int PROXY_PING_MISSES = 10;

    /** The service's settings, for the report. */
    public static String settings(String replication) {
        return "--replication=" + replication + " --heartbeat-interval=" + HEARTBEAT_INTERVAL + " --heartbeat-misses="
                + HEARTBEAT_MISSES + " --backup-restarts=1000; proxy --ping-misses=" + PROXY_PING_MISSES
                + " --primary-timeout=30s --max-clients=256";
    }

    private final ManagedProcesses processes;
    private final String name;
    private final InetSocketAddress clientSap;
    private final InetSocketAddress primarySap;
    private final InetSocketAddress proxyShutdownSap;
    private final Process proxy;
    private final Access access;
    private final Optional<ClusterSecret> adminSecret;

    private TupleSpaceService(ManagedProcesses processes, String name, InetSocketAddress clientSap,
                              InetSocketAddress primarySap, InetSocketAddress proxyShutdownSap, Process proxy, Access access,
                              Optional<ClusterSecret> adminSecret) {
        this.processes = processes;
        this.name = name;
        this.clientSap = clientSap;
        this.primarySap = primarySap;
        this.proxyShutdownSap = proxyShutdownSap;
        this.proxy = proxy;
        this.access = access;
        this.adminSecret = adminSecret;
    }

    /** Who may talk to a service started here: options for proxy and primary, and the secret STATUS proves. */
    public record Access(List<String> proxyOptions, List<String> serverOptions, Optional<Path> clusterSecretFile) {
        public static Access open() {
            return new Access(List.of(), List.of(), Optional.empty());
        }
    }

    /**
     * Starts proxy and primary and waits until the backup is {@code live}.
     *
     * @param replication {@code sync} or {@code async}
     * @param javaOptions JVM options of all three processes
     */
    public static TupleSpaceService start(ManagedProcesses processes, String name, String replication, List<String> javaOptions) {
        return start(processes, name, replication, javaOptions, Access.open());
    }

    /** The same with {@code serverOptions} added to the primary's command line (it passes them to its backup). */
    public static TupleSpaceService start(ManagedProcesses processes, String name, String replication, List<String> javaOptions,
                                          List<String> serverOptions) {
        return start(processes, name, replication, javaOptions, new Access(List.of(), serverOptions, Optional.empty()));
    }

    /** {@link #start(ManagedProcesses, String, String, List)} with the options of {@code access}. */
    public static TupleSpaceService start(ManagedProcesses processes, String name, String replication, List<String> javaOptions,
                                          Access access) {
        TupleSpaceService service = startProxy(processes, name, javaOptions, access);
        service.startServer(replication, javaOptions);
        service.awaitBackupLive(Duration.ofSeconds(60));
        return service;
    }

    /** Starts the proxy alone and waits until it answers STATUS; {@link #startServer} starts the primary then. */
    public static TupleSpaceService startProxy(ManagedProcesses processes, String name, List<String> javaOptions,
                                               Access access) {
        Optional<ClusterSecret> adminSecret;
        try {
            adminSecret = access.clusterSecretFile().isEmpty() ? Optional.empty()
                    : Optional.of(ClusterSecret.load(access.clusterSecretFile().get()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> proxyArguments = new ArrayList<>();
        access.clusterSecretFile().ifPresent(file -> proxyArguments.add(ClusterSecret.OPTION + "=" + file));
        proxyArguments.addAll(access.proxyOptions());
        InetSocketAddress clientSap = loopback(FreePorts.next());
        InetSocketAddress primarySap = loopback(FreePorts.next());
        InetSocketAddress proxyShutdownSap = loopback(FreePorts.next());
        List<String> proxyCommand = new ArrayList<>(List.of(sap(clientSap), sap(primarySap), sap(proxyShutdownSap),
                "--max-clients=256", "--primary-timeout=30s", "--ping-misses=" + PROXY_PING_MISSES));
        proxyCommand.addAll(proxyArguments);
        Process proxy = processes.start(name + "-proxy", java(ServiceJvm.Program.PROXY, javaOptions, "tuplespace.proxy.ProxyMain",
                proxyCommand.toArray(String[]::new)));
        TupleSpaceService service = new TupleSpaceService(processes, name, clientSap, primarySap, proxyShutdownSap, proxy,
                access, adminSecret);
        Waits.until("the proxy to answer STATUS", Duration.ofSeconds(30), Duration.ofMillis(100), () -> Optional.of(service.status()));
        return service;
    }

    /** Starts the primary's process (which starts its backup) and returns at once. */
    public Process startServer(String replication, List<String> javaOptions) {
        List<String> server = new ArrayList<>(List.of(sap(loopback(FreePorts.next())), sap(primarySap),
                sap(loopback(FreePorts.next())), sap(loopback(FreePorts.next())), "null", "null", "null",
                "--replication=" + replication, "--backup-restarts=1000",
                "--heartbeat-interval=" + HEARTBEAT_INTERVAL, "--heartbeat-misses=" + HEARTBEAT_MISSES));
        if (!javaOptions.isEmpty()) {
            server.add("--backup-java-opts=" + String.join(" ", javaOptions));
        }
        access.clusterSecretFile().ifPresent(file -> server.add(ClusterSecret.OPTION + "=" + file));
        server.addAll(access.serverOptions());
        return processes.start(name + "-node", java(ServiceJvm.Program.SERVER, javaOptions, "tuplespace.node.ServerMain",
                server.toArray(String[]::new)));
    }

    public InetSocketAddress clientSap() {
        return clientSap;
    }

    public long proxyPid() {
        return proxy.pid();
    }

    /** The proxy's STATUS: {@code {"proxy":{...},"primary":{...}|null}}. */
    public JsonNode status() {
        String line = command("STATUS");
        try {
            JsonNode status = JSON.readTree(line);
            adoptPids(status.path("primary"));
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException("STATUS answered with something that is not JSON: " + line, e);
        }
    }

    /** The primary's part of STATUS, once a primary is registered. */
    public JsonNode primaryStatus() {
        JsonNode primary = status().path("primary");
        if (!primary.isObject()) {
            throw new IllegalStateException("no primary is registered with the proxy yet");
        }
        return primary;
    }

    /**
     * Waits until the backup is {@code live} at the primary's index (which holds still only when no writes come)
     * and returns the primary's STATUS. {@code differentFrom}: a backup pid that does not count (the killed one).
     */
    public JsonNode awaitBackupLive(Duration timeout, long... notThesePids) {
        return Waits.until("the backup to be live", timeout, Duration.ofMillis(10), () -> {
            JsonNode primary = primaryStatus();
            JsonNode backup = primary.path("backup");
            long pid = backup.path("pid").asLong(-1);
            boolean live = "live".equals(backup.path("state").asText())
                    && backup.path("index").asLong(-1) == primary.path("index").asLong(-2)
                    && java.util.Arrays.stream(notThesePids).noneMatch(p -> p == pid);
            return live ? Optional.of(primary) : Optional.empty();
        });
    }

    /**
     * Waits until the backup is {@code live} (acknowledging effects as they come, so its index may trail while
     * writes flow) and returns the primary's STATUS. {@code notThesePids}: processes that count neither as the primary
     * nor as its backup (failed ones).
     */
    public JsonNode awaitBackupFollowing(Duration timeout, long... notThesePids) {
        return Waits.until("the backup to be live", timeout, Duration.ofMillis(10), () -> {
            JsonNode primary = primaryStatus();
            JsonNode backup = primary.path("backup");
            boolean live = "live".equals(backup.path("state").asText())
                    && java.util.Arrays.stream(notThesePids).noneMatch(pid -> pid == primary.path("pid").asLong(-1)
                            || pid == backup.path("pid").asLong(-1));
            return live ? Optional.of(primary) : Optional.empty();
        });
    }

    /** Stops the service with SHUTDOWN, then kills by pid whatever of it is still alive. */
    @Override
    public void close() {
        try {
            command("SHUTDOWN");
            proxy.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("the service did not shut down cleanly ({}); killing its processes", e.toString());
        }
        processes.killAll();
    }

    /** A line command on the proxy's shutdown SAP, with the cluster secret's handshake when the service has one. */
    private String command(String command) {
        if (adminSecret.isEmpty()) {
            return LineCommand.send(proxyShutdownSap, command, COMMAND_TIMEOUT);
        }
        try {
            return new LineCommandClient(new tuplespace.codec.Sap(proxyShutdownSap.getHostString(),
                    proxyShutdownSap.getPort()), COMMAND_TIMEOUT, adminSecret).send(command);
        } catch (IOException e) {
            throw new UncheckedIOException(command + " to " + proxyShutdownSap + " failed: " + e.getMessage(), e);
        }
    }

    private void adoptPids(JsonNode primary) {
        if (primary.isObject()) {
            processes.adopt(primary.path("pid").asLong(-1));
            processes.adopt(primary.path("backup").path("pid").asLong(-1));
        }
    }

    /**
     * The system property naming the fat jar the service's JVMs run from, as deployed (bench/run.sh sets it): each
     * JVM starts with the options the {@code tuplespace} script gives it ({@link ServiceJvm}: the class-data archive
     * beside the jar, huge pages where the kernel gives them on request, a server's prompt tenuring). Unset: the
     * bench's own class path, no archive.
     */
    public static final String SERVICE_JAR = "tuplespace.bench.serviceJar";

    private static List<String> java(ServiceJvm.Program program, List<String> javaOptions, String mainClass,
                                     String... arguments) {
        String classPath = System.getProperty(SERVICE_JAR, System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ServiceJvm.options(program, classPath, javaOptions));
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(List.of(arguments));
        return command;
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private static String sap(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
