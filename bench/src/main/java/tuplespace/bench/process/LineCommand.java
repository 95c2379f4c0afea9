package tuplespace.bench.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** One line command on a shutdown SAP ({@code STATUS}, {@code SHUTDOWN}) and its one-line answer, with timeouts. */
public final class LineCommand {

    private LineCommand() {
    }

    public static String send(InetSocketAddress sap, String command, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(sap, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the connection closed before an answer");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(command + " to " + sap + " failed: " + e.getMessage(), e);
        }
    }
}
