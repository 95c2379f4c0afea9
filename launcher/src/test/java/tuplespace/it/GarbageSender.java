package tuplespace.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hostile peers for any port: junk that is sent and dropped, and connections left half-open on purpose.
 * Writing is bounded in time (a server that stops reading must not hang the test); errors while writing are
 * expected (the service may close on us) and ignored.
 */
final class GarbageSender implements AutoCloseable {

    static final int OVERLONG_LINE = 1_536 * 1024;

    private final Random random;
    private final List<Socket> heldOpen = new ArrayList<>();
    private final ExecutorService writers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "garbage-writer");
        thread.setDaemon(true);
        return thread;
    });

    GarbageSender(long seed) {
        this.random = new Random(seed);
    }

    /** The junk payloads sent to every port, each on its own connection that is closed after sending. */
    List<byte[]> payloads() {
        List<byte[]> payloads = new ArrayList<>();
        byte[] randomBytes = new byte[64 * 1024];
        random.nextBytes(randomBytes);
        payloads.add(randomBytes);
        byte[] overlong = new byte[OVERLONG_LINE + 1];
        Arrays.fill(overlong, (byte) 'a');
        overlong[0] = '{';
        overlong[OVERLONG_LINE] = '\n';
        payloads.add(overlong);
        payloads.add(binaryJunk());
        payloads.add(frameLookalikes());
        payloads.add("SHUTDOWN please\r\nSTATUS?\n\u00ff\u0000\n{\"op\":\"GET\",\"key\":\"(a+)+$\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        return payloads;
    }

    /** Sends {@code payload} on a fresh connection, drains what comes back for a moment, then closes. */
    void sendAndClose(Sap sap, byte[] payload) {
        Future<?> sending = writers.submit(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(sap.address(), 3_000);
                socket.setSoTimeout(500);
                socket.getOutputStream().write(payload);
                socket.getOutputStream().flush();
                drain(socket.getInputStream());
            } catch (IOException expected) {
                // the service may close or reset the connection: that is an acceptable answer to junk
            }
            return null;
        });
        try {
            sending.get(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            sending.cancel(true);
        } catch (Exception e) {
            throw new AssertionError("sending junk to " + sap + " failed unexpectedly", e);
        }
    }

    /** Connects and says nothing; the connection stays open until {@link #close()}. */
    void holdSilent(Sap sap) throws IOException {
        hold(sap, new byte[0]);
    }

    /** Connects, sends the first half of a request line or frame, and goes silent. */
    void holdHalfSent(Sap sap) throws IOException {
        ByteBuffer halfFrame = ByteBuffer.allocate(4 + 1 + 10);
        halfFrame.putInt(200).put((byte) 1).put(new byte[10]);
        byte[] halfLine = "{\"id\":1,\"op\":\"GET\",\"key\":\".*".getBytes(StandardCharsets.UTF_8);
        hold(sap, random.nextBoolean() ? halfLine : halfFrame.array());
    }

    private void hold(Sap sap, byte[] prefix) throws IOException {
        Socket socket = new Socket();
        socket.connect(sap.address(), 3_000);
        socket.getOutputStream().write(prefix);
        socket.getOutputStream().flush();
        heldOpen.add(socket);
    }

    private byte[] binaryJunk() {
        byte[] junk = new byte[8 * 1024];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (i % 3 == 0 ? 0x00 : i % 3 == 1 ? 0xFF : random.nextInt(256));
        }
        return junk;
    }

    /** Frame headers that lie: a 2 GiB length, negative length, zero length, every type byte. */
    private byte[] frameLookalikes() {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        buffer.putInt(Integer.MAX_VALUE).put((byte) 1);
        buffer.putInt(-5).put((byte) 2);
        buffer.putInt(0).put((byte) 3);
        for (int type = 0; type < 256 && buffer.remaining() > 16; type++) {
            buffer.putInt(9).put((byte) type).putLong(random.nextLong());
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[8192];
        try {
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < deadline && in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // read timeout or reset: done draining
        }
    }

    @Override
    public void close() {
        for (Socket socket : heldOpen) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        writers.shutdownNow();
    }
}
