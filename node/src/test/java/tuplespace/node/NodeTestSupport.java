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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.failure.Ticker;
import tuplespace.replication.ReplicationCodec;
import tuplespace.replication.ReplicationMessage;
import tuplespace.space.SpaceSnapshot;
import tuplespace.space.TupleSpace;
import tuplespace.node.persistence.FsyncMode;

/** In-process node tests: virtual time, free ports, configs, and raw sockets that speak replication frames. */
final class NodeTestSupport {

    /**
     * The pid a test's fake backup acknowledges with: above 2^22, the highest pid Linux can hand out. A primary adopts
     * the process that acknowledges and kills it when it gives the backup up, so a small number such as 4242 would kill
     * whatever holds that pid at the time, a thread of another test JVM included (that once ended a surefire fork).
     */
    static final long NO_SUCH_PID = (1L << 22) + 4242;

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

    /**
     * A loopback port that was free a moment ago, picked at random below the kernel's ephemeral range, from this test
     * JVM's band of them. One the kernel hands out (bind to port 0) and released again can be taken by an outgoing
     * connection before the node binds it, which failed a test with "cannot bind HEARTBEAT_SAP: Address already in
     * use"; no outgoing connection takes a port below that range. The build runs node test classes side by side, each
     * in a JVM of its own, and each JVM picks from a band no other one picks from: two of them never probe the same
     * port before one's node binds it. (The launcher's tests pick theirs the same way, Host.freeLoopbackPorts.)
     */
    static int freePort() {
        for (int tries = 0; tries < 1_000; tries++) {
            int port = ThreadLocalRandom.current().nextInt(BAND[0], BAND[1]);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free loopback port from " + BAND[0] + " to " + BAND[1]);
    }

    /** The lowest port {@link #freePort} picks. */
    private static final int FIRST_PORT = 10_000;
    /**
     * The ports this JVM picks from, {@code [first, end)}: of as many equal parts of those from {@link #FIRST_PORT} to
     * the ephemeral range as the build runs test JVMs side by side ({@code tuplespace.test.forks}), the one of its
     * fork number ({@code tuplespace.test.fork}, "fork 2"); all of them alone.
     */
    private static final int[] BAND = band(FIRST_PORT, ephemeralRangeStart(),
            forkNumber(System.getProperty("tuplespace.test.fork")),
            forkNumber(System.getProperty("tuplespace.test.forks")));

    static int[] band(int first, int end, int fork, int forks) {
        if (forks < 1 || fork < 1 || fork > forks) {
            return new int[] {first, end};
        }
        int width = (end - first) / forks;
        return new int[] {first + (fork - 1) * width, first + fork * width};
    }

    /** The digits of {@code setting} as a number ("fork 2": 2); 1 when it has none. */
    private static int forkNumber(String setting) {
        String digits = setting == null ? "" : setting.replaceAll("[^0-9]", "");
        return digits.isEmpty() || digits.length() > 4 ? 1 : Integer.parseInt(digits);
    }

    /** The first port of the kernel's ephemeral range (Linux's default when it cannot be read); 65,536 if too low. */
    private static int ephemeralRangeStart() {
        try {
            int start = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0)
                    .trim().split("\\s+")[0]);
            return start > FIRST_PORT + 1_000 ? start : 65_536;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /**
     * A node config on free loopback ports; heartbeats 100 ms × 10; events appended to {@code events}, a line each:
     * the event's name, a colon and its detail.
     */
    static NodeConfig config(OptionalLong primaryPid, Path events, Optional<Path> saveFile) {
        return config(primaryPid, events, saveFile, Duration.ofSeconds(30));
    }

    /** The same, where a backup its primary never reached exits after {@code backupOrphanTimeout}. */
    static NodeConfig config(OptionalLong primaryPid, Path events, Optional<Path> saveFile,
                             Duration backupOrphanTimeout) {
        InetSocketAddress backupSap = loopback(freePort());
        return new NodeConfig(loopback(freePort()), loopback(freePort()), backupSap, loopback(freePort()),
                saveFile, primaryPid.isPresent() ? Optional.of(new PrimaryHandle.Pid(primaryPid.getAsLong())) : Optional.empty(),
                Optional.empty(), Duration.ofMillis(100), 10, ReplicationMode.SYNC, 3, BackupLossPolicy.DEGRADE,
                Duration.ofSeconds(60), backupOrphanTimeout, Duration.ofMillis(100), Duration.ofSeconds(60),
                Optional.of(recordingEvents(events)), List.of(),
                Optional.empty(), FsyncMode.ALWAYS, Optional.empty(), LinkSecurity.none(), backupSap,
                new BackupStart.Child());
    }

    /** A --notify command that appends each event to {@code events}: its name, a colon and its detail. */
    static String recordingEvents(Path events) {
        return "echo \"$TUPLESPACE_EVENT: $TUPLESPACE_DETAIL\" >> '" + events + "'";
    }

    static String events(Path events) throws IOException {
        return Files.exists(events) ? Files.readString(events) : "";
    }

    /**
     * Stands in for the backup child process: no JVM is started. It dies when killed unless told otherwise, and
     * {@link #exit} ends it as a process would; {@code onKill} runs on the killer's thread at the moment of SIGKILL.
     */
    static final class FakeProcess extends Process {
        private static final AtomicLong PIDS = new AtomicLong(NO_SUCH_PID + 1_000_000);
        private final long pid = PIDS.incrementAndGet();
        private final java.util.concurrent.CompletableFuture<Process> exited = new java.util.concurrent.CompletableFuture<>();
        private final boolean diesWhenKilled;
        private final Runnable onKill;
        private volatile int status;
        volatile boolean killed;

        FakeProcess(boolean diesWhenKilled, Runnable onKill) {
            this.diesWhenKilled = diesWhenKilled;
            this.onKill = onKill;
        }

        void exit(int exitStatus) {
            status = exitStatus;
            exited.complete(this);
        }

        @Override
        public Process destroyForcibly() {
            killed = true;
            onKill.run();
            if (diesWhenKilled) {
                exit(137);
            }
            return this;
        }

        @Override
        public void destroy() {
            destroyForcibly();
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public java.util.concurrent.CompletableFuture<Process> onExit() {
            return exited;
        }

        @Override
        public boolean isAlive() {
            return !exited.isDone();
        }

        @Override
        public int exitValue() {
            if (!exited.isDone()) {
                throw new IllegalThreadStateException("still running");
            }
            return status;
        }

        @Override
        public int waitFor() {
            return exited.join().exitValue();
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }
    }

    /**
     * Saves nothing to disk: counts the saves, fails them while {@link #failing} says why, and holds each one at
     * {@link #gate} while one is set ({@link #entered} counts down when a save starts).
     */
    static final class MemoryPersistence implements SpacePersistence {
        volatile int saves;
        volatile int savedPairs = -1;
        volatile String failing;
        volatile CountDownLatch gate;
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public TupleSpace load(Path file) {
            return new TupleSpace();
        }

        @Override
        public void save(Path file, SpaceSnapshot space) throws IOException {
            entered.countDown();
            CountDownLatch held = gate;
            try {
                if (held != null && !held.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted at the gate", e);
            }
            String why = failing;
            if (why != null) {
                throw new IOException(why);
            }
            saves++;
            savedPairs = space.size();
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

        /** All these messages' frames in one socket write, so the peer most likely reads them in one batch. */
        void sendTogether(List<? extends ReplicationMessage> messages) throws IOException {
            java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
            DataOutputStream framing = new DataOutputStream(frames);
            for (ReplicationMessage message : messages) {
                ByteBuf payload = Unpooled.buffer();
                try {
                    ReplicationCodec.encode(message, payload);
                    byte[] bytes = ByteBufBytes.of(payload);
                    framing.writeInt(bytes.length);
                    framing.write(bytes);
                } finally {
                    payload.release();
                }
            }
            out.write(frames.toByteArray());
            out.flush();
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

        /** The next message that is not a heartbeat, within the link's read timeout (30 s) even while beats come. */
        ReplicationMessage readSkippingHeartbeats() throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(socket.getSoTimeout());
            ReplicationMessage message;
            do {
                if (System.nanoTime() - deadline > 0) {
                    throw new java.net.SocketTimeoutException("expected a message other than heartbeats within "
                            + socket.getSoTimeout() + " ms, found only heartbeats");
                }
                message = read();
            } while (message instanceof ReplicationMessage.Heartbeat);
            return message;
        }

        /**
         * Reads and drops what arrives until the peer closes the link (true) or it stays silent for {@code silence}
         * (false: the link is open).
         */
        boolean closesWithin(Duration silence) throws IOException {
            int before = socket.getSoTimeout();
            socket.setSoTimeout((int) silence.toMillis());
            try {
                InputStream raw = socket.getInputStream();
                byte[] buffer = new byte[8192];
                while (raw.read(buffer) >= 0) {
                    // discard
                }
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset: closed as well
            } finally {
                socket.setSoTimeout(before);
            }
        }

        void sendFrame(Frame frame) throws IOException {
            ByteBuf payload = Unpooled.buffer();
            try {
                FrameCodec.encode(frame, payload);
                sendRaw(ByteBufBytes.of(payload));
            } finally {
                payload.release();
            }
        }

        /** The next proxy⇄primary frame; null at the end of the stream. */
        Frame readFrame() throws IOException {
            int length;
            try {
                length = in.readInt();
            } catch (java.io.EOFException e) {
                return null;
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            return FrameCodec.decode(Unpooled.wrappedBuffer(payload));
        }

        /** The next proxy⇄primary frame that is not a PING; null at the end of the stream. */
        Frame readSkippingPings() throws IOException {
            Frame frame;
            do {
                frame = readFrame();
            } while (frame instanceof Frame.Ping);
            return frame;
        }

        /**
         * The next proxy⇄primary frame that is not a PING if one starts within {@code wait}, else null (a timeout before
         * a frame's first byte leaves the link usable).
         */
        Frame readSkippingPingsWithin(Duration wait) throws IOException {
            int before = socket.getSoTimeout();
            socket.setSoTimeout((int) wait.toMillis());
            try {
                return readSkippingPings();
            } catch (java.net.SocketTimeoutException e) {
                return null;
            } finally {
                socket.setSoTimeout(before);
            }
        }

        /** Every frame until the peer closes the link (a reset counts as closed). */
        List<Frame> framesUntilClosed() throws IOException {
            List<Frame> frames = new java.util.ArrayList<>();
            try {
                for (Frame frame = readFrame(); frame != null; frame = readFrame()) {
                    frames.add(frame);
                }
            } catch (java.net.SocketException reset) {
                // closed as well
            }
            return frames;
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
