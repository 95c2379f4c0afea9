package tuplespace.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import tuplespace.codec.Sap;

/** A primary's shutdown SAP played by the test: records each command and answers it like a node would. */
final class FakeShutdownSap implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
    private final String statusLine;
    private volatile Runnable onShutdown = () -> { };
    private volatile String shutdownAnswer = SHUTDOWN_ANSWER;
    /** What a primary that saved its file answers SHUTDOWN. */
    static final String SHUTDOWN_ANSWER = "ok: saved 1 pair to /var/lib/space.json; shutting down";

    FakeShutdownSap(String statusLine) throws IOException {
        this.statusLine = statusLine;
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "fake-shutdown-sap");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Sap sap() {
        return new Sap("127.0.0.1", server.getLocalPort());
    }

    void onShutdown(Runnable action) {
        onShutdown = action;
    }

    /** Answers SHUTDOWN with {@code line} from now on (e.g. the error of a primary that could not save). */
    void answerShutdownWith(String line) {
        shutdownAnswer = line;
    }

    BlockingQueue<String> commands() {
        return commands;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(5_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream();
                String command = in.readLine();
                commands.add(String.valueOf(command));
                if ("STATUS".equals(command)) {
                    out.write((statusLine + "\n").getBytes(StandardCharsets.UTF_8));
                } else if ("SHUTDOWN".equals(command)) {
                    out.write((shutdownAnswer + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    onShutdown.run();
                }
                out.flush();
            } catch (IOException e) {
                // closed by the test, or a peer that went away: keep serving until closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
