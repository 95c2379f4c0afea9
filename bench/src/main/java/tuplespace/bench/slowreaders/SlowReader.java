package tuplespace.bench.slowreaders;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that pipelines one request line as fast as its socket takes it and never reads an answer, on a thread of
 * its own. Once the service stops reading it, its writes block for good: {@link #close} ends them.
 */
final class SlowReader implements AutoCloseable {

    private final Socket socket = new Socket();
    private final AtomicLong sent = new AtomicLong();

    SlowReader(InetSocketAddress clientSap, String requestLine, String name) throws IOException {
        socket.connect(clientSap, 5_000);
        byte[] requests = (requestLine + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        Thread writer = new Thread(() -> {
            try {
                while (!socket.isClosed()) {
                    out.write(requests);
                    sent.addAndGet(requests.length);
                }
            } catch (IOException closed) {
                // closed by close(), or by the service
            }
        }, name);
        writer.setDaemon(true);
        writer.start();
    }

    /** Request bytes its socket took so far. */
    long sent() {
        return sent.get();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }
}
