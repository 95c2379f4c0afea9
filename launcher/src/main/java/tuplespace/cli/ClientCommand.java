package tuplespace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import tuplespace.codec.Sap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tuplespace.client.ClientOptions;
import tuplespace.client.ClientTls;
import tuplespace.client.RefusedException;
import tuplespace.codec.auth.SecretFile;
import tuplespace.client.ConnectFailedException;
import tuplespace.client.TupleSpaceClient;
import tuplespace.client.TupleSpaceException;

/**
 * {@code tuplespace client CLIENT_SAP [REQUEST...]} (docs/using.md "The command-line client"): with requests, sends
 * each and prints each answer as the service sent it; without, an interactive shell on a terminal, or one request per
 * line from standard input when it is not a terminal.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Send requests: an interactive shell, or each REQUEST then exit.",
        footer = {"", "Exit status: 0 every answer ok, 1 some answer not ok, 2 bad arguments, 3 cannot connect or"
                + " connection lost, 4 refused (too many clients, the token is wrong, or the port requires TLS), 5 an"
                + " answer timed out."})
public final class ClientCommand implements Callable<Integer> {

    /** How answers are printed. */
    enum Output { raw, readable }

    /** {@code raw} or {@code readable}, a wrong value named as the other options name theirs. */
    static final class OutputConverter implements CommandLine.ITypeConverter<Output> {
        @Override
        public Output convert(String value) {
            for (Output output : Output.values()) {
                if (output.name().equals(value)) {
                    return output;
                }
            }
            throw new CommandLine.TypeConversionException("expected one of raw, readable, found '" + value + "'");
        }
    }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CLIENT_SAP", converter = SapConverter.class,
            description = "The proxy's client SAP, host:port.")
    private Sap sap;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "REQUEST",
            description = "Requests to send, in text mode or JSON, each quoted as one argument:%n"
                    + "'GET user,.* .*'")
    private List<String> requests = new ArrayList<>();

    @Option(names = "--output", paramLabel = "raw|readable", converter = OutputConverter.class,
            description = "raw: answers exactly as the service sends them (default with REQUESTs); readable:"
                    + " summaries and aligned tables (default in the shell).")
    private Output output;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long each request waits for its answer (default ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(names = "--connect-timeout", defaultValue = "5s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for the connection (default ${DEFAULT-VALUE}).")
    private Duration connectTimeout;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "The token of a proxy started with --client-auth-file (a file only its owner can read); sent"
                    + " first as AUTH. Default: the file named in " + AUTH_TOKEN_ENVIRONMENT_VARIABLE + ", else none.")
    private java.nio.file.Path authTokenFile;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "Connect with TLS, trusting the CA certificates in FILE (PEM; the proxy's --tls-ca).")
    private java.nio.file.Path tlsCa;

    /** Scripts may name the token file here instead of the option. */
    static final String AUTH_TOKEN_ENVIRONMENT_VARIABLE = "TUPLESPACE_AUTH_TOKEN_FILE";

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        for (int i = 0; i < requests.size(); i++) {
            String request = requests.get(i);
            if (request.indexOf('\n') >= 0 || request.indexOf('\r') >= 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "REQUEST: expected one request"
                        + " line, found a line break in '" + request.replace("\r", "\\r").replace("\n", "\\n")
                        + "' (give each request as an argument of its own)");
            }
            if (RequestSession.isShellCommand(request)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "REQUEST: expected a request such"
                        + " as 'GET user,.* .*', found '" + request.strip() + "', a command of the interactive shell"
                        + " (request " + (i + 1) + " of " + requests.size() + ")");
            }
            Optional<String> notARequest = RequestSession.shutdownPortCommand(request);
            if (notARequest.isPresent()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "REQUEST: " + notARequest.get());
            }
            // a blank line on stdin or in the shell is skipped; a blank argument is a mistake (an empty variable, say)
            if (request.isBlank()) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "REQUEST: expected a request such"
                        + " as 'GET user,.* .*', found " + (request.isEmpty() ? "an empty" : "a blank")
                        + " argument (request " + (i + 1) + " of " + requests.size() + ")");
            }
        }
        ClientOptions withToken = withAuthToken(ClientOptions.defaults()
                .withConnectTimeout(connectTimeout).withRequestTimeout(timeout));
        ClientOptions options = tlsCa == null ? withToken : withToken.withTls(trusted(tlsCa));
        RequestSession.Connector connector = () -> TupleSpaceClient.connect(sap, options);
        TupleSpaceClient client;
        try {
            client = connector.connect();
        } catch (ConnectFailedException | RefusedException e) {
            return connectFailed(e, err).code();
        }
        try (RequestLines lines = lines()) {
            PrintWriter out = lines instanceof TerminalLines terminal ? terminal.writer() : spec.commandLine().getOut();
            if (lines.interactive()) {
                out.println("Connected to " + sap + ". Type help for the operators, quit to leave.");
            }
            boolean raw = output == null ? !requests.isEmpty() : output == Output.raw;
            try (RequestSession session = new RequestSession(client, connector, out, err, raw)) {
                ExitStatus status = session.run(lines);
                out.flush();
                return status.code();
            }
        } finally {
            client.close(); // closed by the session already, unless the terminal could not be opened
        }
    }

    /**
     * Says why a connection could not be made ({@link ConnectFailedException} or {@link RefusedException}); returns
     * the exit status.
     */
    static ExitStatus connectFailed(TupleSpaceException failure, PrintWriter err) {
        if (failure instanceof RefusedException) {
            err.println("tuplespace client: " + failure.getMessage());
            err.flush();
            return ExitStatus.REFUSED;
        }
        // a TLS handshake that failed reached a service: asking whether one runs would mislead
        err.println("tuplespace client: " + failure.getMessage() + (failure.getCause() instanceof SSLException ? ""
                : ". Is the service running? (./tuplespace demo starts one)"));
        err.flush();
        return ExitStatus.CANNOT_CONNECT;
    }

    /** A CA file TLS cannot use is an argument error (status 2, naming the file), not a service out of reach. */
    private ClientTls trusted(java.nio.file.Path caFile) {
        try {
            return ClientTls.trusting(caFile).checked();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--tls-ca: " + e.getMessage(), e);
        }
    }

    /** The token file's problems are argument errors (status 2, naming the file). */
    private ClientOptions withAuthToken(ClientOptions options) {
        java.nio.file.Path file = authTokenFile;
        String fromEnvironment = System.getenv(AUTH_TOKEN_ENVIRONMENT_VARIABLE);
        if (file == null && fromEnvironment != null && !fromEnvironment.isBlank()) {
            file = java.nio.file.Path.of(fromEnvironment);
        }
        if (file == null) {
            return options;
        }
        try {
            return options.withAuthToken(SecretFile.readText("--auth-token-file", file));
        } catch (IOException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private RequestLines lines() throws IOException {
        if (!requests.isEmpty()) {
            return new ListedLines(requests);
        }
        return System.console() != null ? new TerminalLines() : new StreamLines(System.in);
    }
}
