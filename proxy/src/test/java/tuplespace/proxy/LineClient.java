package tuplespace.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A client (or shutdown-port user) that speaks lines over a blocking socket with a read timeout. */
final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    LineClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(5_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    LineClient send(String line) throws IOException {
        return sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    LineClient sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Ends this side of the connection (a half-close): the peer reads the end, this client can still read. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    String readLine() throws IOException {
        return in.readLine();
    }

    /** True when the peer closed the connection (end of stream) before the read timeout. */
    boolean closedByPeer() throws IOException {
        try {
            while (true) {
                if (in.readLine() == null) {
                    return true;
                }
            }
        } catch (java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    void shortTimeout() throws IOException {
        readTimeout(java.time.Duration.ofMillis(300));
    }

    /** How long a read waits before it fails with {@link SocketTimeoutException} (5 s from the start). */
    void readTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
