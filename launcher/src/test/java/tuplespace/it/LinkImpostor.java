package tuplespace.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import tuplespace.codec.auth.ClusterSecret;
import tuplespace.codec.auth.LinkHandshake;
import tuplespace.codec.auth.LinkRole;

/**
 * A stranger on an internal port or a SHUTDOWN_SAP, over a plain blocking socket: it sends whatever a test wants
 * (frames, lines, the link handshake with some secret, garbage) and reads the lines that come back.
 */
final class LinkImpostor implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    private LinkImpostor(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    static LinkImpostor connect(Sap sap) throws IOException {
        Socket socket = new Socket();
        socket.connect(sap.address(), 3_000);
        return new LinkImpostor(socket);
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    void sendLine(String line) throws IOException {
        send((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The next line (without its end), or null once the peer closed the connection; fails after {@code timeout}. */
    String readLine(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) >= 0; ) {
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no line from " + socket.getRemoteSocketAddress() + " within " + timeout
                    + " (so far: '" + line.toString(StandardCharsets.UTF_8) + "')");
        } catch (IOException reset) {
            return null; // a reset is a close too
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** True once the peer has closed (reads end of stream within {@code timeout}), after any lines it sent. */
    boolean closedByPeer(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (readLine(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()))) == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Plays the connecting side of the link handshake with {@code secret}; returns the lines this side sent
     * (HELLO, PROOF), for a replay, and the last line the peer sent.
     */
    Exchange handshake(ClusterSecret secret, LinkRole role) throws IOException {
        LinkHandshake handshake = LinkHandshake.connecting(secret, role, new SecureRandom());
        StringBuilder sent = new StringBuilder();
        String line = handshake.hello();
        while (true) {
            sendLine(line);
            sent.append(line).append('\n');
            String reply = readLine(Duration.ofSeconds(10));
            if (reply == null) {
                return new Exchange(sent.toString(), null);
            }
            LinkHandshake.Step step = handshake.onLine(reply);
            if (!(step instanceof LinkHandshake.Step.Send send)) {
                return new Exchange(sent.toString(), reply);
            }
            line = send.line();
        }
    }

    /** What the impostor sent during a handshake, and the peer's last line (null: it closed). */
    record Exchange(String sent, String lastReply) {
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
