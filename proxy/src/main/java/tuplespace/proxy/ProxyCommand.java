package tuplespace.proxy;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tuplespace.codec.Sap;
import tuplespace.codec.SignalStop;
import tuplespace.codec.auth.ClusterSecret;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.tls.InternalTls;
import tuplespace.codec.tls.TlsSettings;

/**
 * {@code proxy CLIENT_SAP PRIMARY_SAP SHUTDOWN_SAP [options]} (README "Running it"). Runs until SHUTDOWN, then returns
 * 0; malformed arguments give status 2 with a message naming the argument; a SAP that cannot be bound gives 1.
 * Self-contained, so the launcher can add it as a subcommand.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the proxy: clients connect to it; it forwards to the primary.",
                "Clients connect to CLIENT_SAP, the primary registers at PRIMARY_SAP; SHUTDOWN_SAP takes the line"
                        + " commands SHUTDOWN, STATUS, PROMOTE and SWITCHOVER."})
public final class ProxyCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CLIENT_SAP", description = "host:port where clients connect")
    private String clientSap;

    @Parameters(index = "1", paramLabel = "PRIMARY_SAP", description = "host:port where the primary registers")
    private String primarySap;

    @Parameters(index = "2", paramLabel = "SHUTDOWN_SAP",
            description = "host:port for SHUTDOWN, STATUS, PROMOTE and SWITCHOVER")
    private String shutdownSap;

    @Option(names = "--max-clients", paramLabel = "N", defaultValue = "64",
            description = "clients served at once; one more is refused (default: ${DEFAULT-VALUE}). A client that ended"
                    + " its input while answers of it are due holds no slot meanwhile (up to N such clients)")
    private int maxClients;

    @Option(names = "--primary-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "a request held this long with no primary registered is answered 'unavailable', and so are"
                    + " its connection's other requests at once until a primary registers; one a registered primary"
                    + " has is never expired by the proxy (default: ${DEFAULT-VALUE})")
    private String primaryTimeout;

    @Option(names = "--max-line", paramLabel = "SIZE", defaultValue = "1MiB",
            description = "longest request line; a longer one is answered 'malformed' and closes (default:"
                    + " ${DEFAULT-VALUE})")
    private String maxLine;

    @Option(names = "--ping-interval", paramLabel = "DURATION", defaultValue = ProxyConfig.DEFAULT_PING_INTERVAL,
            description = "PING an idle primary or backup link this often (default: ${DEFAULT-VALUE})")
    private String pingInterval;

    @Option(names = "--ping-misses", paramLabel = "N", defaultValue = "" + ProxyConfig.DEFAULT_PING_MISSES,
            description = "a primary link silent for this many ping intervals is dead: its backup is promoted if it"
                    + " holds every update the primary answered; not while the primary serves work it announced, a"
                    + " request of megabytes or a DELETE of many pairs, nor soon after the proxy itself stood still"
                    + " (default: ${DEFAULT-VALUE})")
    private int pingMisses;

    @Option(names = "--network-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "bound on connecting to the primary's shutdown SAP, on its answer, and on REGISTER"
                    + " (default: ${DEFAULT-VALUE})")
    private String networkTimeout;

    @Option(names = "--shutdown-wait", paramLabel = "DURATION", defaultValue = "45s",
            description = "how long SHUTDOWN waits for the primary's answer (it saves its file first, for up to 30 s)"
                    + " and then for it to stop; right after a promotion it first waits up to 5 s for the promoted"
                    + " backup to register (default: ${DEFAULT-VALUE})")
    private String shutdownWait;

    @Option(names = "--max-frame", paramLabel = "SIZE", defaultValue = "257MiB",
            description = "largest frame taken from the primary, such as a long GET answer; a primary sends at most"
                    + " 256 MiB of answer text, and a longer frame is skipped and its request answered with an error"
                    + " (default: ${DEFAULT-VALUE})")
    private String maxFrame;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "event loops for clients; the first also serves the primary link (default: 1, which"
                    + " spares a thread hop per request and answer)")
    private Integer ioThreads;

    @Option(names = "--client-buffer", paramLabel = "SIZE", defaultValue = "512KiB",
            description = "per client, about how much the proxy holds of answers waiting for it, of answers still to"
                    + " come and of request lines before it stops reading the client until it reads its answers"
                    + " (default: ${DEFAULT-VALUE})")
    private String clientBuffer;

    @Option(names = "--client-idle-timeout", paramLabel = "DURATION", defaultValue = "0",
            description = "a client connection with no request under way, no answer waiting to go out and nothing"
                    + " sent either way for this long is answered 'refused' (it says why) and closed, which frees its"
                    + " slot; 0: never"
                    + " (default: ${DEFAULT-VALUE})")
    private String clientIdleTimeout;

    @Option(names = ClusterSecret.OPTION, paramLabel = "FILE",
            description = "a file only its owner can read holding the cluster secret: a primary registering on"
                    + " PRIMARY_SAP and every command on SHUTDOWN_SAP must prove knowledge of it (default: none,"
                    + " unauthenticated)")
    private Path clusterSecretFile;

    @Option(names = ClientToken.OPTION, paramLabel = "FILE",
            description = "a file only its owner can read holding a token of text: a client's first line must be"
                    + " 'AUTH <token>' or {\"op\":\"AUTH\",\"token\":\"...\"}, else it is refused; one that has not"
                    + " authenticated within 5 s is closed (default: none, AUTH answers not_implemented)")
    private Path clientAuthFile;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "TLS on the client port: this certificate chain (PEM); with --tls-key (default: no TLS)")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "the private key of --tls-cert (PKCS#8 PEM, unencrypted; keep it owner-only)")
    private Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "the CA certificates (PEM) that sign this service's certificates: clients trust it, and"
                    + " client certificates are checked against it")
    private Path tlsCa;

    @Option(names = "--tls-client-auth", paramLabel = "required|none",
            description = "whether clients must present a certificate --tls-ca signed (default: none)")
    private String tlsClientAuth;

    @Option(names = "--tls-on", paramLabel = "client|internal|both", defaultValue = "client",
            description = "where --tls-cert, --tls-key and --tls-ca apply: the client port, the primary port (mutual"
                    + " TLS with the nodes, which need the same --tls-ca), or both (default: ${DEFAULT-VALUE})")
    private String tlsOn;

    /** Null unless given: the launcher's level (its own --log-level, TUPLESPACE_LOG_LEVEL, else INFO) stands. */
    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "TRACE, DEBUG, INFO, WARN, ERROR or OFF (default: the launcher's level, INFO unless"
                    + " ./tuplespace --log-level or TUPLESPACE_LOG_LEVEL says otherwise)")
    private String logLevel;

    @Override
    public Integer call() throws InterruptedException {
        ProxyConfig config = parseConfig();
        if (logLevel != null) {
            setLogLevel(logLevel);
        }
        ProxyServer server;
        try {
            server = ProxyServer.start(config);
        } catch (IOException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("proxy: " + e.getMessage());
            err.flush();
            return 1;
        }
        return SignalStop.untilExit("proxy-stop-on-signal", server::close, () -> server.terminated().join());
    }

    /**
     * The settings {@code args} (a proxy command line, without the subcommand) give, as {@link ProxyServer#start}
     * takes them: for a proxy started inside a test's JVM.
     *
     * @throws CommandLine.ParameterException for a malformed command line, with the message the proxy would print, or
     *         one that only asks for help
     */
    public static ProxyConfig config(String... args) {
        ProxyCommand command = new ProxyCommand();
        CommandLine commandLine = new CommandLine(command);
        commandLine.parseArgs(args);
        if (commandLine.isUsageHelpRequested() || commandLine.isVersionHelpRequested()) {
            throw new CommandLine.ParameterException(commandLine, "expected options to run a proxy with, found"
                    + " --help or --version, which only print (see ./tuplespace help proxy)");
        }
        return command.parseConfig();
    }

    private ProxyConfig parseConfig() {
        try {
            ProxyConfig defaults = ProxyConfig.withDefaults(Sap.parseArgument("CLIENT_SAP", clientSap),
                    Sap.parseArgument("PRIMARY_SAP", primarySap), Sap.parseArgument("SHUTDOWN_SAP", shutdownSap));
            Sap.requireDistinct(List.of(Map.entry("CLIENT_SAP", defaults.clientSap()),
                    Map.entry("PRIMARY_SAP", defaults.primarySap()),
                    Map.entry("SHUTDOWN_SAP", defaults.shutdownSap())));
            int maxLineBytes = OptionValues.size("--max-line", maxLine);
            int maxFrameBytes = OptionValues.size("--max-frame", maxFrame);
            if (maxFrameBytes <= maxLineBytes) {
                throw new IllegalArgumentException("--max-frame: expected more than --max-line (" + maxLineBytes
                        + " bytes), found " + maxFrameBytes + " bytes");
            }
            validateLogLevel();
            return new ProxyConfig(defaults.clientSap(), defaults.primarySap(), defaults.shutdownSap(),
                    OptionValues.atLeast("--max-clients", maxClients, 1),
                    OptionValues.duration("--primary-timeout", primaryTimeout), maxLineBytes,
                    OptionValues.duration("--ping-interval", pingInterval),
                    OptionValues.atLeast("--ping-misses", pingMisses, 1),
                    OptionValues.duration("--network-timeout", networkTimeout),
                    OptionValues.duration("--shutdown-wait", shutdownWait), maxFrameBytes,
                    ioThreads == null ? defaults.ioThreads() : OptionValues.atLeast("--io-threads", ioThreads, 1),
                    OptionValues.atLeast("--client-buffer", OptionValues.size("--client-buffer", clientBuffer),
                            ProxyConfig.MIN_CLIENT_BUFFER_BYTES),
                    OptionValues.durationOrZero("--client-idle-timeout", clientIdleTimeout), 0, security());
        } catch (IllegalArgumentException e) {
            // picocli answers a ParameterException with the message, the usage and exit status 2 (README "Running it")
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private ProxySecurity security() {
        if (!tlsOn.matches("(?i)client|internal|both")) {
            throw new IllegalArgumentException("--tls-on: expected one of client, internal, both, found '" + tlsOn + "'");
        }
        Optional<TlsSettings> tls = TlsSettings.fromOptions(tlsCert, tlsKey, tlsCa, tlsClientAuth);
        boolean client = !tlsOn.equalsIgnoreCase("internal");
        boolean internal = !tlsOn.equalsIgnoreCase("client");
        if (internal && tls.isEmpty()) { // asked for TLS where nothing could give it: never run in the clear instead
            throw new IllegalArgumentException("--tls-on " + tlsOn.toLowerCase(Locale.ROOT) + ": expected --tls-cert,"
                    + " --tls-key and --tls-ca for TLS on the primary port" + (client ? " and the client port" : "")
                    + ", found none of them");
        }
        LinkSecurity links = LinkSecurity.fromOption(clusterSecretFile);
        if (internal && tls.isPresent()) {
            links = links.withTls(InternalTls.of(tls.get()));
        }
        return new ProxySecurity(links, clientToken(), client ? tls : Optional.empty());
    }

    private Optional<ClientToken> clientToken() {
        if (clientAuthFile == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ClientToken.load(clientAuthFile));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void validateLogLevel() {
        if (logLevel != null && !logLevel.matches("(?i)TRACE|DEBUG|INFO|WARN|ERROR|OFF")) {
            throw new IllegalArgumentException("--log-level: expected one of TRACE, DEBUG, INFO, WARN, ERROR, OFF,"
                    + " found '" + logLevel + "'");
        }
    }

    /** Applies --log-level when the binding is logback (the fat jar's); other bindings keep their own setup. */
    private static void setLogLevel(String level) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof ch.qos.logback.classic.LoggerContext logback) {
            logback.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.toLevel(level));
        }
    }
}
