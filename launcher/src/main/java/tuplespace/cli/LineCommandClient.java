package tuplespace.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import tuplespace.codec.Sap;
import tuplespace.codec.auth.ClusterSecret;
import tuplespace.codec.auth.LinkHandshake;
import tuplespace.codec.auth.LinkRole;

/**
 * Sends one line command ({@code SHUTDOWN} or {@code STATUS}) to a shutdown SAP and reads the one-line answer
 * (docs/internals.md, "Shutdown SAPs"). Blocking sockets: it is one request, and both the connect and the read
 * have a timeout (docs/using.md "Status and shutdown"). With a cluster secret, the link handshake
 * ({@link LinkHandshake}) comes first.
 */
public final class LineCommandClient {

    private static final String SHUTDOWN_SAP = " shutdown SAP (the proxy's third address or a server's SHUTDOWN_SAP)";
    /** How the proxy's client port answers a word that is none of the space's operators, STATUS among them. */
    private static final String CLIENT_PORT_ANSWER = "not_implemented: operator '";
    /** How a shutdown SAP that takes the cluster secret handshake answers a plain command. */
    private static final String SECRET_REQUIRED = "refused: this port requires the cluster secret handshake";

    private final Sap sap;
    private final Duration timeout;
    private final Optional<ClusterSecret> secret;

    public LineCommandClient(Sap sap, Duration timeout) {
        this(sap, timeout, Optional.empty());
    }

    public LineCommandClient(Sap sap, Duration timeout, Optional<ClusterSecret> secret) {
        this.sap = sap;
        this.timeout = timeout;
        this.secret = secret;
    }

    /**
     * Runs an operator command whose answer is one line starting {@code ok} or {@code error}: prints the answer to
     * {@code out} and returns the exit status (0 for ok, 1 for another answer); a connection that fails or an address
     * that is no shutdown SAP (3), or a cluster secret handshake refused (4), goes to {@code err} as
     * {@code tuplespace NAME: ...}.
     */
    static int run(Sap sap, Duration timeout, ClusterSecretOption secret, String command, String name,
                   java.io.PrintWriter out, java.io.PrintWriter err) {
        try {
            String answer = new LineCommandClient(sap, timeout, secret.load()).send(command);
            out.println(answer);
            out.flush();
            return answer.startsWith("ok") ? ExitStatus.OK.code() : ExitStatus.NOT_OK.code();
        } catch (IOException e) {
            err.println("tuplespace " + name + ": " + e.getMessage());
            err.flush();
            return exitStatus(e).code();
        }
    }

    /**
     * The cluster secret handshake failed (the service holds another secret, or none), or a port that wants it was sent
     * a plain command: not a service out of reach.
     */
    static final class SecretRefused extends IOException {
        SecretRefused(String message) {
            super(message);
        }
    }

    /** What a failed command exits with: {@link ExitStatus#REFUSED} for a refused handshake, else 3 (not reached). */
    static ExitStatus exitStatus(IOException failure) {
        return failure instanceof SecretRefused ? ExitStatus.REFUSED : ExitStatus.CANNOT_CONNECT;
    }

    /** The answer line, without its line end. Throws {@link IOException} with a message a person can act on. */
    public String send(String command) throws IOException {
        InetSocketAddress address = sap.toSocketAddress();
        if (address.isUnresolved()) {
            throw new IOException("cannot connect to " + sap + ": the host name cannot be resolved");
        }
        try (Socket socket = new Socket()) {
            int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
            connect(socket, address, millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            if (secret.isPresent()) {
                authenticate(secret.get(), in, out);
            }
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer;
            try {
                answer = readAnswer(in, command);
            } catch (IOException silent) {
                // sent, and unanswered: the service may still carry it out (a proxy that was paused relays it later)
                throw new IOException(silent.getMessage() + (command.equals("STATUS")
                        ? "; a proxy answers once it has its primary's own STATUS, or once its --network-timeout (5 s by"
                        + " default) has passed without it: allow --timeout more than that"
                        : "; it was sent, so it may still be carried out: check with status before sending it again"),
                        silent);
            }
            if (answer == null) {
                throw new IOException(sap + " closed the connection without answering " + command + ": expected a"
                        + SHUTDOWN_SAP + ", which answers every command; a server's BACKUP_SAP and HEARTBEAT_SAP close"
                        + " on a line of text, and so does a process that is stopping");
            }
            return requireText(answer, command);
        }
    }

    /**
     * The answer if it is text; a port that speaks binary frames (the proxy's PRIMARY_SAP, a node's replication or
     * heartbeat port) is named as such, and its bytes are never written to a terminal.
     */
    private String requireText(String answer, String command) throws IOException {
        if (answer.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
            throw new IOException(sap + " answered " + command + " with binary data, not a line of text: expected a"
                    + SHUTDOWN_SAP + "; the proxy's PRIMARY_SAP and a server's replication and heartbeat ports speak"
                    + " binary frames");
        }
        if (answer.startsWith(CLIENT_PORT_ANSWER)) {
            throw new IOException(sap + " answered " + command + " as a client port does ('" + answer + "'): expected a"
                    + SHUTDOWN_SAP + "; CLIENT_SAP, the proxy's first address, takes the space's operators");
        }
        if (secret.isEmpty() && answer.startsWith(SECRET_REQUIRED)) {
            throw new SecretRefused(sap + ": " + answer);
        }
        return answer;
    }

    /** Runs the handshake as the connecting side; throws with the reason when either side refuses. */
    private void authenticate(ClusterSecret clusterSecret, BufferedReader in, OutputStream out) throws IOException {
        LinkHandshake handshake = LinkHandshake.connecting(clusterSecret, LinkRole.ADMIN, new SecureRandom());
        String line = handshake.hello();
        while (true) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = readAnswer(in, "the cluster secret handshake");
            if (reply == null) {
                throw new IOException(sap + " closed the connection during the cluster secret handshake (is the"
                        + " service started with " + ClusterSecret.OPTION + "?)");
            }
            // a port that is no shutdown SAP is named as such, not taken for one that refuses the secret
            requireText(reply, "the cluster secret handshake");
            LinkHandshake.Step step = handshake.onLine(reply);
            if (step instanceof LinkHandshake.Step.Authenticated) {
                return;
            }
            if (step instanceof LinkHandshake.Step.Refused refused) {
                throw new SecretRefused(sap + ": " + refused.reason());
            }
            line = ((LinkHandshake.Step.Send) step).line();
        }
    }

    private void connect(Socket socket, InetSocketAddress address, int millis) throws IOException {
        try {
            socket.connect(address, millis);
        } catch (SocketTimeoutException e) {
            throw new IOException("cannot connect to " + sap + ": no answer within " + timeout.toMillis() + " ms");
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot connect to " + sap + ": " + e.getMessage() + " (nothing accepted the"
                    + " connection: is the service running, and is that its SHUTDOWN_SAP? A backup listens at its own"
                    + " SHUTDOWN_SAP only once it is the primary: the proxy's STATUS shows the backups that follow)");
        } catch (IOException e) {
            throw new IOException("cannot connect to " + sap + ": " + e.getMessage());
        }
    }

    private String readAnswer(BufferedReader in, String command) throws IOException {
        try {
            return in.readLine();
        } catch (SocketTimeoutException e) {
            throw new IOException(sap + " did not answer " + command + " within " + timeout.toMillis() + " ms");
        }
    }
}
