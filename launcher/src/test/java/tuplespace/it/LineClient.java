package tuplespace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately tiny JSON-mode client over a raw socket (docs/protocol.md "JSON mode"), independent of the client
 * library: requests are pipelined, answers are matched to requests by order, each request has its own timeout.
 * A line that arrives while nothing is pending (e.g. the {@code refused} greeting) is kept as unsolicited.
 */
final class LineClient implements JsonConnection {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String EOF = "\u0000<eof>";

    private final Socket socket;
    private final OutputStream out;
    private final Duration requestTimeout;
    private final Deque<CompletableFuture<String>> pending = new ArrayDeque<>();
    private final BlockingQueue<String> unsolicited = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean closedByPeer;
    private volatile boolean closing;

    private LineClient(Socket socket, Duration requestTimeout) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.requestTimeout = requestTimeout;
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.reader = new Thread(() -> readLoop(in), "line-client-" + socket.getLocalPort());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static LineClient connect(Sap sap, Duration requestTimeout) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(sap.address(), 5_000);
            return new LineClient(socket, requestTimeout);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to " + sap, e);
        }
    }

    @Override
    public CompletableFuture<JsonNode> send(JsonNode request) {
        return sendLine(request.toString()).thenApply(LineClient::parse);
    }

    /** Sends one raw line (a {@code \n} is added); the future completes with the next answer line. */
    CompletableFuture<String> sendLine(String line) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            if (closedByPeer) {
                answer.completeExceptionally(new IOException("connection closed by the service"));
                return answer;
            }
            pending.addLast(answer);
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                pending.remove(answer);
                answer.completeExceptionally(e);
                return answer;
            }
        }
        return answer.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next line the service sent while no request was pending, or null after {@code timeout}. */
    String nextUnsolicitedLine(Duration timeout) throws InterruptedException {
        String line = unsolicited.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return EOF.equals(line) ? null : line;
    }

    /** True once the service closed the connection (EOF or reset seen by the reader). */
    boolean closedByPeer() {
        return closedByPeer;
    }

    /** Waits up to {@code timeout} for the service to close the connection. */
    boolean awaitClosedByPeer(Duration timeout) throws InterruptedException {
        reader.join(timeout.toMillis());
        return closedByPeer;
    }

    private void readLoop(BufferedReader in) {
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                deliver(line);
            }
        } catch (IOException e) {
            // a reset is a closed connection like EOF; the pending requests learn of it below
        } finally {
            closedByPeer = !closing;
            failPending();
        }
    }

    private void deliver(String line) {
        CompletableFuture<String> head;
        synchronized (this) {
            head = pending.pollFirst();
        }
        if (head == null) {
            unsolicited.add(line);
        } else {
            head.complete(line);
        }
    }

    private void failPending() {
        unsolicited.add(EOF);
        synchronized (this) {
            for (CompletableFuture<String> future : pending) {
                future.completeExceptionally(new IOException("connection closed by the service before the answer"));
            }
            pending.clear();
        }
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("the answer is not one JSON line: " + line, e);
        }
    }

    @Override
    public void close() {
        closing = true;
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}
