package tuplespace.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Stack;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tuplespace.cli.DurationConverter;
import tuplespace.cli.LineCommandClient;
import tuplespace.node.NodeConfig;
import tuplespace.node.ServerCommand;
import tuplespace.node.ServiceJvm;
import tuplespace.node.persistence.DataDirectories;
import tuplespace.node.persistence.FsyncMode;
import tuplespace.proxy.ProxyCommand;
import tuplespace.space.IoFailure;

/**
 * {@code tuplespace demo}: the whole service on loopback in the foreground (docs/using.md "The two-minute tour") — a
 * proxy and a primary (which starts its own backup) as child processes, their log lines streamed with the role in
 * front. Ctrl-C sends SHUTDOWN so the primary saves the space to the save file, which the next demo loads. The nodes
 * keep their write-ahead logs and snapshots in a data directory ({@code ./tuplespace-data} by default): a demo killed
 * with {@code kill -9} restarts from it with every acknowledged write.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole service on this machine (loopback unless --host); Ctrl-C saves and stops it.")
public final class DemoCommand implements Callable<Integer> {

    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final long POLL_MILLIS = 250;

    @Spec
    private CommandSpec spec;

    @Option(names = "--base-port", defaultValue = "" + DemoPorts.DEFAULT_BASE_PORT, paramLabel = "PORT",
            description = "The client port; the next five are the proxy's primary and shutdown ports, the primary's"
                    + " shutdown port, the backup port and the heartbeat port (default ${DEFAULT-VALUE}..+5).")
    private int basePort;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "The address every process binds (default ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--save-file", defaultValue = "tuplespace-demo.json", paramLabel = "FILE",
            description = "Where the space is saved on exit, and loaded from on start when the data directory holds"
                    + " no space (it holds a newer one; default ${DEFAULT-VALUE}).")
    private Path saveFile;

    @Option(names = "--fresh", description = "Start with an empty space even if the save file exists (refused while"
            + " the data directory holds a space: move it away first).")
    private boolean fresh;

    @Option(names = "--data-dir", defaultValue = "tuplespace-data", paramLabel = "DIR",
            description = "The nodes' write-ahead logs and snapshots: the next demo restarts from them, even after"
                    + " kill -9 of everything (default ./${DEFAULT-VALUE}; 'none': memory only).")
    private String dataDir;

    @Option(names = "--startup-timeout", defaultValue = "60s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the service to answer (default ${DEFAULT-VALUE}).")
    private Duration startupTimeout;

    @Option(names = "--proxy-option", paramLabel = "OPTION", parameterConsumer = PassedOn.class,
            description = "An option for the proxy, such as --proxy-option=--max-clients=8 (repeatable).")
    private List<String> proxyOptions = new ArrayList<>();

    @Option(names = "--server-option", paramLabel = "OPTION", parameterConsumer = PassedOn.class,
            description = "An option for the primary, such as --server-option=--replication=async (repeatable).")
    private List<String> serverOptions = new ArrayList<>();

    private final AtomicBoolean stopping = new AtomicBoolean();

    @Override
    public Integer call() throws IOException, InterruptedException {
        DemoPorts ports = ports();
        PrintWriter out = spec.commandLine().getOut();
        Path file = saveFile.toAbsolutePath();
        Optional<Path> data = "none".equals(dataDir) ? Optional.empty() : Optional.of(Path.of(dataDir).toAbsolutePath());
        FsyncMode fsync = checkPassedOn(proxyArguments(ports), serverArguments(ports, file, data, false)).fsync();
        Optional<String> cannotStart = notAnAddressOfThisMachine(host)
                .or(() -> firstTakenPort(ports))
                // found now, not at Ctrl-C: a SHUTDOWN that cannot save leaves the service running, so as not to lose it
                .or(() -> Files.isDirectory(file.getParent()) ? Optional.empty() : Optional.of("--save-file " + saveFile
                        + ": expected a file in an existing directory, found no directory " + file.getParent()))
                .or(() -> data.filter(dir -> Files.exists(dir) && !Files.isDirectory(dir))
                        .map(dir -> "--data-dir " + dataDir + ": expected a directory (or none), found a file"));
        if (cannotStart.isPresent()) {
            spec.commandLine().getErr().println("tuplespace demo: " + cannotStart.get());
            return 1;
        }
        boolean restart = data.isPresent() && holdsData(data.get());
        if (restart && fresh) {
            spec.commandLine().getErr().println("tuplespace demo: --fresh, but the data directory " + data.get()
                    + " holds a space: move it away to start empty");
            return 1;
        }
        // The data directory, when it holds a space, is newer than the save file: the save file is only loaded into
        // an empty one (the server refuses both at once).
        boolean load = !fresh && !restart && Files.exists(file);
        List<String> proxyArguments = proxyArguments(ports);
        List<String> serverArguments = serverArguments(ports, file, data, load);
        // The hook before the first process: they ignore Ctrl-C (DemoInterrupt), so the demo must answer it from now on.
        List<ChildProcess> started = new CopyOnWriteArrayList<>();
        AtomicReference<DemoSupervisor> supervised = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopOnSignal(supervised.get(), started), "demo-shutdown"));
        ChildProcess proxy = ChildProcess.start("proxy", ServiceJvm.Program.PROXY, proxyArguments);
        started.add(proxy);
        ChildProcess primary = ChildProcess.start("primary", ServiceJvm.Program.SERVER, serverArguments);
        started.add(primary);
        DemoSupervisor supervisor = new DemoSupervisor(ports, proxy, primary, out, stopping);
        supervised.set(supervisor);
        Optional<ServiceStatus> ready = supervisor.awaitReady(startupTimeout);
        if (ready.isEmpty()) {
            stopping.set(true);
            supervisor.stop(STOP_TIMEOUT);
            return 1;
        }
        new DemoBanner(ports, file, load, data.map(dir -> new DemoBanner.Data(dir, fsync)), restart)
                .print(out, ready.get());
        int status = supervisor.watchUntilProxyExits(ready.get(), STOP_TIMEOUT);
        stopping.set(true);
        return status;
    }

    private List<String> proxyArguments(DemoPorts ports) {
        List<String> arguments = new ArrayList<>(List.of("proxy", ports.sap(ports.clientPort()),
                ports.sap(ports.proxyPrimaryPort()), ports.sap(ports.proxyShutdownPort())));
        logLevel().ifPresent(level -> arguments.addAll(List.of("--log-level", level)));
        arguments.addAll(proxyOptions);
        return arguments;
    }

    private List<String> serverArguments(DemoPorts ports, Path file, Optional<Path> data, boolean load) {
        List<String> arguments = new ArrayList<>(List.of("server", ports.sap(ports.serverShutdownPort()),
                ports.sap(ports.proxyPrimaryPort()), ports.sap(ports.backupPort()), ports.sap(ports.heartbeatPort()),
                file.toString(), "null", load ? file.toString() : "null"));
        data.ifPresent(dir -> arguments.addAll(List.of("--data-dir", dir.toString())));
        arguments.addAll(serverOptions);
        return arguments;
    }

    /**
     * A mistake in what the demo passes on to its proxy or primary is its own usage error (status 2), found as the
     * process would find it, before anything starts; so is an option the demo sets itself. Returns the primary's
     * configuration, as it will read it.
     */
    private NodeConfig checkPassedOn(List<String> proxyArguments, List<String> serverArguments) {
        for (String option : serverOptions) {
            if (option.equals("--data-dir") || option.startsWith("--data-dir=")) {
                throw new ParameterException(spec.commandLine(), "--server-option " + option + ": the demo gives its"
                        + " servers their data directory itself; use the demo's own --data-dir DIR instead");
            }
        }
        String[] proxy = proxyArguments.subList(1, proxyArguments.size()).toArray(String[]::new);
        String[] server = serverArguments.subList(1, serverArguments.size()).toArray(String[]::new);
        read("--proxy-option", () -> ProxyCommand.config(proxy));
        return read("--server-option", () -> ServerCommand.config(server));
    }

    private <T> T read(String option, Supplier<T> reading) {
        try {
            return reading.get();
        } catch (ParameterException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes the next argument as the value of a {@code --proxy-option} or {@code --server-option} whatever it looks
     * like: it is meant to look like an option, and picocli would refuse one with the name of one of the demo's own
     * ({@code --server-option=--data-dir=DIR}, {@code --proxy-option=--help}) as a missing value.
     */
    static final class PassedOn implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            OptionSpec option = (OptionSpec) argSpec;
            if (args.isEmpty()) {
                throw new MissingParameterException(commandSpec.commandLine(), argSpec,
                        "Missing required parameter for option '" + option.longestName() + "' (OPTION)");
            }
            List<String> values = argSpec.getValue();
            values.add(args.pop());
        }
    }

    private static boolean holdsData(Path directory) throws IOException {
        return DataDirectories.survey(directory).nodes().stream()
                .anyMatch(DataDirectories.NodeState::holdsData);
    }

    private DemoPorts ports() {
        try {
            return new DemoPorts(host, basePort);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--base-port: " + e.getMessage());
        }
    }

    /**
     * The level the launcher was asked for (its option sets the property; else the environment). The server
     * reads it through its log configuration (LogConfiguration); the proxy has an option of its own, whose default would override it.
     */
    private static Optional<String> logLevel() {
        String level = System.getProperty("tuplespace.log.level", System.getenv("TUPLESPACE_LOG_LEVEL"));
        return Optional.ofNullable(level).filter(value -> !value.isBlank());
    }

    /**
     * Ctrl-C or SIGTERM: SHUTDOWN so the primary saves, wait for the processes, then end with status 0. Before the
     * supervisor exists (the processes are still being started), the processes started so far are stopped: they hold
     * nothing to save yet.
     */
    private void stopOnSignal(DemoSupervisor supervisor, List<ChildProcess> started) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        if (supervisor == null) {
            started.forEach(ChildProcess::destroyWithDescendants);
            System.err.println("demo: interrupted while starting; stopped the processes it had started");
            Runtime.getRuntime().halt(1);
        }
        boolean clean = supervisor.stop(STOP_TIMEOUT);
        spec.commandLine().getOut().flush();
        System.err.flush();
        // A signal would otherwise end the JVM with 130/143; a clean stop is a success (the state is saved).
        Runtime.getRuntime().halt(clean ? 0 : 1);
    }

    /**
     * Why the demo cannot bind {@code host}, when it names no address of this machine or does not resolve (its ports
     * would all look taken); empty when it is one of this machine's.
     */
    static Optional<String> notAnAddressOfThisMachine(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            if (address.isAnyLocalAddress() || address.isLoopbackAddress()
                    || NetworkInterface.getByInetAddress(address) != null) {
                return Optional.empty();
            }
            return Optional.of("--host " + host + ": expected an address of this machine (the demo runs every process"
                    + " here), found " + address.getHostAddress() + ", which no network interface here has");
        } catch (UnknownHostException e) {
            return Optional.of("--host " + host + ": " + IoFailure.describe(e));
        } catch (IOException e) {
            return Optional.empty(); // the interfaces could not be listed: the ports' probe will tell
        }
    }

    /** Names the first port that cannot be bound, and how to choose others; empty when all are free. */
    static Optional<String> firstTakenPort(DemoPorts ports) {
        for (Map.Entry<Integer, String> port : ports.purposes().entrySet()) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(ports.host(), port.getKey()));
            } catch (IOException e) {
                return Optional.of("port " + port.getKey() + " (" + port.getValue() + ") on " + ports.host()
                        + " is not free (" + e.getMessage() + "). Is another demo running? The demo uses ports "
                        + ports.basePort() + ".." + (ports.basePort() + DemoPorts.COUNT - 1)
                        + "; pick others with --base-port, e.g. --base-port " + (ports.basePort() + 100));
            }
        }
        return Optional.empty();
    }

    static String statusOf(DemoPorts ports) throws IOException {
        return new LineCommandClient(ports.endpoint(ports.proxyShutdownPort()), STATUS_TIMEOUT)
                .send("STATUS");
    }

    static long pollMillis() {
        return POLL_MILLIS;
    }
}
