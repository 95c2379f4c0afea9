package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import tuplespace.failure.Ticker;
import tuplespace.replication.ReplicationCodec;
import tuplespace.replication.ReplicationMessage;
import tuplespace.space.TupleSpace;

/** In-process node tests: virtual time, free ports, configs, and raw sockets that speak replication frames. */
final class NodeTestSupport {

    private NodeTestSupport() {
    }

    /** Virtual time moved by hand; counts its reads so a test can wait until the node's timer has looked at it. */
    static final class FakeTicker implements Ticker {
        private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
        private final AtomicLong reads = new AtomicLong();

        @Override
        public long nanos() {
            reads.incrementAndGet();
            return now.get();
        }

        void advance(Duration by) {
            now.addAndGet(by.toNanos());
        }

        long reads() {
            return reads.get();
        }

        /** Waits (bounded) until the clock was read {@code more} more times: the node's timers saw the new time. */
        void awaitReads(int more) throws InterruptedException {
            long target = reads() + more;
            await(() -> reads() >= target, "the node's timer to read the clock " + more + " more times");
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** A node config on free loopback ports; heartbeats 100 ms × 10; events appended to {@code events}. */
    static NodeConfig config(OptionalLong primaryHandle, Path events, Optional<Path> saveFile) {
        return new NodeConfig(loopback(freePort()), loopback(freePort()), loopback(freePort()), loopback(freePort()),
                saveFile, primaryHandle, Optional.empty(), Duration.ofMillis(100), 10, ReplicationMode.SYNC, 3,
                BackupLossPolicy.DEGRADE, Duration.ofSeconds(2), Duration.ofMillis(100),
                Optional.of("echo \"$TUPLESPACE_EVENT\" >> '" + events + "'"), List.of());
    }

    static String events(Path events) throws IOException {
        return Files.exists(events) ? Files.readString(events) : "";
    }

    /** Saves nothing to disk: remembers the last space saved. */
    static final class MemoryPersistence implements SpacePersistence {
        volatile int saves;

        @Override
        public TupleSpace load(Path file) {
            return new TupleSpace();
        }

        @Override
        public void save(Path file, TupleSpace space) {
            saves++;
        }
    }

    /** One replication-link end on a plain socket: 4-byte length, then a {@link ReplicationCodec} payload. */
    static final class RawLink implements AutoCloseable {
        final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;

        RawLink(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(30_000);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        /** Connects, retrying while the node is still starting (bounded). */
        static RawLink connect(InetSocketAddress address) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                Socket socket = new Socket();
                try {
                    socket.connect(address, 1000);
                    return new RawLink(socket);
                } catch (IOException e) {
                    socket.close();
                    if (System.nanoTime() - deadline > 0) {
                        throw e;
                    }
                    Thread.sleep(20);
                }
            }
        }

        void send(ReplicationMessage message) throws IOException {
            ByteBuf payload = Unpooled.buffer();
            try {
                ReplicationCodec.encode(message, payload);
                sendRaw(ByteBufBytes.of(payload));
            } finally {
                payload.release();
            }
        }

        void sendRaw(byte[] payload) throws IOException {
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
        }

        ReplicationMessage read() throws IOException {
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            return ReplicationCodec.decode(Unpooled.wrappedBuffer(payload));
        }

        /** The next message that is not a heartbeat. */
        ReplicationMessage readSkippingHeartbeats() throws IOException {
            ReplicationMessage message;
            do {
                message = read();
            } while (message instanceof ReplicationMessage.Heartbeat);
            return message;
        }

        /** True once the peer closed the link (end of stream), reading and dropping what comes before. */
        boolean drainsToEnd() {
            try {
                InputStream raw = socket.getInputStream();
                byte[] buffer = new byte[8192];
                while (raw.read(buffer) >= 0) {
                    // discard
                }
                return true;
            } catch (IOException e) {
                return true; // reset: closed as well
            }
        }

        OutputStream rawOutput() {
            return out;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static final class ByteBufBytes {
        private ByteBufBytes() {
        }

        static byte[] of(ByteBuf buffer) {
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.getBytes(buffer.readerIndex(), bytes);
            return bytes;
        }
    }
}
