package tuplespace.node;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tuplespace.codec.auth.ClusterSecret;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.tls.InternalTls;
import tuplespace.codec.tls.TlsSettings;
import tuplespace.codec.Sap;
import tuplespace.node.persistence.FsyncMode;
import tuplespace.node.persistence.LogReadAhead;

/**
 * {@code server SHUTDOWN_SAP PROXY_SAP BACKUP_SAP HEARTBEAT_SAP SAVE_FILE PRIMARY_HANDLE INIT_FILE}
 * (README "Running it"). Self-contained so the launcher can add it as a subcommand. Exit status: 0 after a clean stop,
 * 2 for malformed arguments, 1 for any other failure (an unreadable INIT_FILE, a broken invariant, ...).
 */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a server: the primary (it starts its own backup) or a backup.",
                "PRIMARY_HANDLE null makes it the primary; you normally start only the primary.",
                "On several machines each server gets its own SAPs, --peer-backup-sap and --backup-start (README)."})
public final class ServerCommand implements Callable<Integer> {

    static final String NULL = "null";
    private static final String DATA_DIR = "--data-dir";
    private static final String NODE_ID = "--node-id";
    /** SLF4J's system property for how much of its own reports it writes to stderr. */
    static final String SLF4J_VERBOSITY = "slf4j.internal.verbosity";

    @Spec
    private CommandSpec spec;

    /** The log of {@code --data-dir} as read ahead before the options were parsed, if it was. */
    private final LogReadAhead readAhead;

    public ServerCommand() {
        this(LogReadAhead.none());
    }

    /** A server command that takes its recovery's log reading from {@code readAhead} ({@link #readAhead}). */
    public ServerCommand(LogReadAhead readAhead) {
        this.readAhead = readAhead;
    }

    /**
     * The log and newest snapshot of the node directory that server options {@code args} name (after the
     * subcommand), read ahead under its lock while they are parsed and logging is set up ({@link LogReadAhead}):
     * {@code --data-dir}'s node directory {@code --node-id} (a backup's), or its one node directory; none without a
     * {@code --data-dir}. A guess at what picocli will parse, from {@code --data-dir DIR} or {@code --data-dir=DIR}:
     * the recovery checks it.
     *
     * <p>Its threads, and a server's other early threads, may call a logger while the main thread sets up logging.
     * SLF4J holds such calls and replays them through the configured appenders once it is set up, so nothing is lost,
     * but it also writes a warning of its own about them to stderr, three lines outside the log's format at every
     * restart on a data directory. This start sets SLF4J's own reports to errors only ({@value #SLF4J_VERBOSITY}),
     * unless the JVM was started with that property.
     */
    public static LogReadAhead readAhead(String... args) {
        if (System.getProperty(SLF4J_VERBOSITY) == null) {
            System.setProperty(SLF4J_VERBOSITY, "ERROR"); // before any SLF4J class: its reporter reads it once
        }
        return dataDirIn(args).map(root -> LogReadAhead.start(root, optionIn(args, NODE_ID)))
                .orElseGet(LogReadAhead::none);
    }

    /** The directory a {@code --data-dir} among {@code args} names; empty when none does, or it is no path. */
    static Optional<Path> dataDirIn(String... args) {
        try {
            return optionIn(args, DATA_DIR).filter(value -> !value.isBlank() && !value.equals(NULL)).map(Path::of);
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** The value of the first {@code name VALUE} or {@code name=VALUE} among {@code args}. */
    private static Optional<String> optionIn(String[] args, String name) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                return Optional.of(args[i + 1]);
            }
            if (args[i].startsWith(name + "=")) {
                return Optional.of(args[i].substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    @Parameters(index = "0", paramLabel = "SHUTDOWN_SAP", converter = ArgumentConverters.SapConverter.class,
            description = "host:port the acting primary listens on for SHUTDOWN and STATUS")
    private InetSocketAddress shutdownSap;

    @Parameters(index = "1", paramLabel = "PROXY_SAP", converter = ArgumentConverters.SapConverter.class,
            description = "the proxy's PRIMARY_SAP (host:port) the primary registers with")
    private InetSocketAddress proxySap;

    @Parameters(index = "2", paramLabel = "BACKUP_SAP", converter = ArgumentConverters.SapConverter.class,
            description = "host:port the backup listens on for replication")
    private InetSocketAddress backupSap;

    @Parameters(index = "3", paramLabel = "HEARTBEAT_SAP", converter = ArgumentConverters.SapConverter.class,
            description = "host:port the primary listens on for the backup's heartbeats")
    private InetSocketAddress heartbeatSap;

    @Parameters(index = "4", paramLabel = "SAVE_FILE", description = "where SHUTDOWN saves the space (null: nowhere)")
    private String saveFile;

    @Parameters(index = "5", paramLabel = "PRIMARY_HANDLE", description = "null for the primary; for a backup the primary's"
            + " pid (same machine: killed before a takeover) or its SHUTDOWN_SAP host:port (another machine)")
    private String primaryHandle;

    @Parameters(index = "6", paramLabel = "INIT_FILE", description = "a saved space to start from (null: empty)")
    private String initFile;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION", defaultValue = "100ms",
            converter = ArgumentConverters.DurationConverter.class,
            description = "time between heartbeats on the primary-backup link (default: ${DEFAULT-VALUE})")
    private Duration heartbeatInterval;

    @Option(names = "--heartbeat-misses", paramLabel = "N", defaultValue = "10",
            description = "heartbeat intervals without a heartbeat before the peer counts as failed; not counting a"
                    + " silence while this server's own loop stood still (default: ${DEFAULT-VALUE})")
    private int heartbeatMisses;

    @Option(names = "--replication", paramLabel = "sync|async", defaultValue = "sync",
            description = "sync: answer only once the backup has the update; async: answer first (default: ${DEFAULT-VALUE})")
    private String replication;

    @Option(names = "--backup-restarts", paramLabel = "N", defaultValue = "3",
            description = "restarts of a failed backup before serving degraded (default: ${DEFAULT-VALUE})")
    private int backupRestarts;

    @Option(names = "--on-backup-loss", paramLabel = "degrade|shutdown", defaultValue = "degrade",
            description = "degrade: keep serving and restart the backup; shutdown: save and stop (default: ${DEFAULT-VALUE})")
    private String onBackupLoss;

    @Option(names = "--primary-register-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = ArgumentConverters.DurationConverter.class,
            description = "how long the primary tries to register with the proxy before it reports proxy_lost (one"
                    + " that had registered) or proxy_unreachable (one that never had); it keeps trying, with back-off,"
                    + " for as long as it takes (a fresh primary that never registered stops with status 1, and stops"
                    + " its backup unless an operator started that one) (default: ${DEFAULT-VALUE})")
    private Duration primaryRegisterTimeout;

    @Option(names = "--backup-orphan-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = ArgumentConverters.DurationConverter.class,
            description = "how long a child backup (one its primary started on this machine) waits for that primary to"
                    + " connect before it exits, holding nothing; once reached it waits as long as it takes"
                    + " (default: ${DEFAULT-VALUE})")
    private Duration backupOrphanTimeout;

    @Option(names = "--match-budget", paramLabel = "DURATION", defaultValue = "100ms",
            converter = ArgumentConverters.DurationConverter.class,
            description = "CPU time matching one pattern against one key or value may take; past it the request is cut off"
                    + " (catastrophic backtracking) (default: ${DEFAULT-VALUE})")
    private Duration matchBudget;

    @Option(names = "--request-cpu-limit", paramLabel = "DURATION", defaultValue = "10s",
            converter = ArgumentConverters.DurationConverter.class,
            description = "CPU time one GET or DELETE may take in all, however many pairs it covers; past it the request is"
                    + " cut off (default: ${DEFAULT-VALUE})")
    private Duration requestCpuLimit;

    @Option(names = "--notify", paramLabel = "COMMAND",
            description = "run with sh -c on every operator event, with TUPLESPACE_EVENT, _ROLE, _EPOCH, _DETAIL set")
    private String notifyCommand;

    @Option(names = "--backup-java-opts", paramLabel = "OPTS", defaultValue = "",
            description = "JVM options for the backup child process, space-separated (default: none; the"
                    + " class-data archive beside the jar, if any, unless these choose -Xshare, SharedArchiveFile or"
                    + " ArchiveClassesAtExit; -XX:MaxTenuringThreshold=0 unless they name a tenuring option; C2's"
                    + " Tier4 thresholds ten times the JVM's unless they name Tier or CompileThreshold; a 1 GiB"
                    + " initial heap, capped at the maximum, unless they name -Xms, InitialHeapSize, InitialRAM or"
                    + " MaxRAM)")
    private String backupJavaOpts;

    @Option(names = DATA_DIR, paramLabel = "DIR",
            description = "keep a write-ahead log and snapshots in DIR/node-<id> (one per node) and restart from the newest"
                    + " of them: acknowledged writes survive the loss of both nodes (default: memory only)")
    private String dataDir;

    @Option(names = "--fsync", paramLabel = "always|everysec|no", defaultValue = "always",
            description = "with --data-dir: always: answer an update once it is on the disk of both nodes (group commit);"
                    + " everysec: force the log about once a second; no: leave it to the OS (default: ${DEFAULT-VALUE})")
    private String fsync;

    @Option(names = NODE_ID, paramLabel = "ID",
            description = "with --data-dir, a backup's node directory DIR/node-ID: a primary gives a backup it starts"
                    + " the id of the other directory; a backup you start on its own machine needs it (b the first"
                    + " time, then the id of the node directory in DIR there)")
    private String nodeId;

    @Option(names = "--standby", hidden = true,
            description = "started ahead of need by a backup (child mode): bind nothing until a line arrives on standard"
                    + " input, then serve as the backup of PRIMARY_HANDLE; exit if the input ends first")
    private boolean standby;

    @Option(names = ClusterSecret.OPTION, paramLabel = "FILE",
            description = "a file only its owner can read holding the cluster secret: every internal link (proxy,"
                    + " backup, heartbeat) and SHUTDOWN/STATUS must prove knowledge of it; the primary passes it to"
                    + " its backup (default: none, links unauthenticated)")
    private Path clusterSecretFile;

    @Option(names = "--peer-backup-sap", paramLabel = "HOST:PORT", converter = ArgumentConverters.SapConverter.class,
            description = "where this server's backup listens when it is the primary: the other server's BACKUP_SAP on"
                    + " another machine (default: BACKUP_SAP, a child on this machine)")
    private InetSocketAddress peerBackupSap;

    @Option(names = "--backup-start", paramLabel = "child|none|COMMAND", defaultValue = "child",
            description = "how the primary gets its backup: child: starts it on this machine; none: an operator or"
                    + " service manager starts it at --peer-backup-sap and the primary connects to it; COMMAND: run with"
                    + " sh -c to start it (TUPLESPACE_PRIMARY_HANDLE, _PROXY_SAP, _BACKUP_SAP, _EPOCH, _BACKUP_OPTIONS"
                    + " set) (default: ${DEFAULT-VALUE})")
    private String backupStart;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "mutual TLS on the internal links (proxy, replication, heartbeat): this node's certificate"
                    + " chain (PEM); with --tls-key and --tls-ca; passed on to the backup (default: no TLS)")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "the private key of --tls-cert (PKCS#8 PEM, unencrypted; keep it owner-only)")
    private Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "the CA certificates (PEM) that sign every node's and the proxy's certificate")
    private Path tlsCa;

    @Override
    public Integer call() {
        NodeConfig config;
        try {
            config = toConfig();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        // no logger of this class's own: loading it would set up logging before the log is read ahead
        ineffectiveOptions(config).forEach(LoggerFactory.getLogger(ServerCommand.class)::warn);
        saveFileOutOfReach(config).ifPresent(LoggerFactory.getLogger(ServerCommand.class)::warn);
        return ServerNode.run(config, readAhead);
    }

    /**
     * A primary's SAVE_FILE whose directory does not exist (a typo, a volume not mounted): said at start, not only at
     * SHUTDOWN, which then refuses to stop the service (it would lose the space) until the file can be written.
     */
    static Optional<String> saveFileOutOfReach(NodeConfig config) {
        return config.saveFile().filter(file -> config.startsAsPrimary())
                .map(file -> file.toAbsolutePath().getParent())
                .filter(directory -> directory != null && !java.nio.file.Files.isDirectory(directory))
                .map(directory -> "SAVE_FILE " + config.saveFile().orElseThrow() + ": expected its directory to exist,"
                        + " found no directory " + directory + "; SHUTDOWN saves there first and refuses to stop the"
                        + " service until it can");
    }

    /** What the operator should hear of options given that change nothing for this server ({@code config}). */
    List<String> ineffectiveOptions(NodeConfig config) {
        List<String> warnings = new ArrayList<>();
        if (config.dataDir().isEmpty() && spec.commandLine().getParseResult().hasMatchedOption("--fsync")) {
            warnings.add("--fsync " + fsync + " has no effect without --data-dir: this server keeps its"
                    + " state in memory only");
        }
        if (nodeId != null && config.dataDir().isEmpty()) {
            warnings.add("--node-id " + nodeId + " has no effect without --data-dir: it names a backup's node"
                    + " directory in DIR");
        } else if (config.startsAsPrimary() && nodeId != null) {
            warnings.add("--node-id " + nodeId + " has no effect on a primary (PRIMARY_HANDLE null): it serves"
                    + " whichever node directory of --data-dir holds the newest state, and makes DIR/node-a when"
                    + " there is none; --node-id names the node directory of a backup you start");
        }
        return warnings;
    }

    /**
     * The settings {@code args} (a server command line, without the subcommand) give, as {@link ServerNode#start}
     * takes them: for servers started inside a test's JVM.
     *
     * @throws CommandLine.ParameterException for a malformed command line, or one that only asks for help
     * @throws IllegalArgumentException for a value out of its range, with the message the server would print
     */
    public static NodeConfig config(String... args) {
        ServerCommand command = new ServerCommand();
        CommandLine commandLine = new CommandLine(command);
        commandLine.parseArgs(args);
        if (commandLine.isUsageHelpRequested() || commandLine.isVersionHelpRequested()) {
            throw new CommandLine.ParameterException(commandLine, "expected options to run a server with, found"
                    + " --help or --version, which only print (see ./tuplespace help server)");
        }
        return command.toConfig();
    }

    NodeConfig toConfig() {
        // its own ports only: PROXY_SAP is the proxy's, which may be on another host with the same port number
        Sap.requireDistinct(List.of(Map.entry("SHUTDOWN_SAP", NodeNetwork.sapOf(shutdownSap)),
                Map.entry("BACKUP_SAP", NodeNetwork.sapOf(backupSap)),
                Map.entry("HEARTBEAT_SAP", NodeNetwork.sapOf(heartbeatSap))));
        return new NodeConfig(shutdownSap, proxySap, backupSap, heartbeatSap,
                optionalPath("SAVE_FILE", saveFile), handle(primaryHandle), optionalPath("INIT_FILE", initFile),
                heartbeatInterval, heartbeatMisses,
                choice("--replication", replication, ReplicationMode.class),
                backupRestarts,
                choice("--on-backup-loss", onBackupLoss, BackupLossPolicy.class),
                primaryRegisterTimeout, backupOrphanTimeout, matchBudget, requestCpuLimit,
                Optional.ofNullable(notifyCommand).filter(s -> !s.isBlank()),
                backupJavaOpts.isBlank() ? List.of() : Arrays.asList(backupJavaOpts.trim().split("\\s+")),
                dataDir == null ? Optional.empty() : optionalPath("--data-dir", dataDir), FsyncMode.parse(fsync),
                Optional.ofNullable(nodeId), linkSecurity(), peerBackupSap == null ? backupSap : peerBackupSap,
                BackupStart.parse(backupStart), standby);
    }

    private LinkSecurity linkSecurity() {
        LinkSecurity security = LinkSecurity.fromOption(clusterSecretFile);
        return TlsSettings.fromOptions(tlsCert, tlsKey, tlsCa, null)
                .map(tls -> security.withTls(InternalTls.of(tls))).orElse(security);
    }



    private static Optional<Path> optionalPath(String name, String value) {
        if (value.equals(NULL)) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + ": expected a file path or null, found an empty string");
        }
        try {
            return Optional.of(Path.of(value));
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException(name + ": expected a file path or null, found '" + value + "' ("
                    + e.getReason() + ")");
        }
    }

    private static Optional<PrimaryHandle> handle(String value) {
        return value.equals(NULL) ? Optional.empty() : Optional.of(PrimaryHandle.parse(value));
    }

    private static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(option + ": expected one of " + Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", "))
                + ", found '" + value + "'");
    }
}
