package tuplespace.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One connection of the load generator: a blocking socket, the batch written in one call, then read until every
 * answer of the batch is in ({@link WireProtocol.AnswerScanner}). The same code for every system; no client
 * library, no futures per operation, no parsing beyond finding where answers end: the generator must cost far less
 * than what it measures. An operation completes when the read that finished its answer returns (all of a batch at
 * once when the batch ends with an answer that covers it, Redis's {@code WAIT}).
 */
public final class RawSession implements Session {

    private final SocketChannel channel;
    private final WireProtocol protocol;
    private final WireProtocol.AnswerScanner scanner;
    private final RequestBytes requests = new RequestBytes();
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);

    public RawSession(InetSocketAddress address, WireProtocol protocol) {
        this.protocol = protocol;
        this.scanner = protocol.newScanner();
        try {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<long[]> execute(List<Operation> batch) {
        try {
            int expected = protocol.encode(batch, requests.clear());
            ByteBuffer out = requests.view();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            long[] completions = new long[batch.size()];
            int answered = 0;
            long now = 0;
            while (answered < expected) {
                in.clear();
                if (channel.read(in) < 0) {
                    throw new IOException("the server closed the connection with " + (expected - answered)
                            + " of " + expected + " answers outstanding");
                }
                now = System.nanoTime();
                in.flip();
                int ended = scanner.scan(in);
                for (int i = 0; i < ended && answered + i < completions.length; i++) {
                    completions[answered + i] = now;
                }
                answered += ended;
            }
            if (expected > batch.size()) {
                Arrays.fill(completions, now); // the last answer covers the batch (WAIT)
            }
            return CompletableFuture.completedFuture(completions);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new UncheckedIOException(e.getMessage(), e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do with it
        }
    }
}
