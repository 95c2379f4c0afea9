package tuplespace.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;

/**
 * An impostor on the proxy's PRIMARY_SAP speaking the proxy⇄primary frame protocol (docs/internals.md) over a
 * plain blocking socket: 4-byte big-endian length, then the type byte and payload {@link FrameCodec} writes.
 */
final class FakePrimary implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private FakePrimary(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    static FakePrimary connect(Sap proxyPrimarySap) throws IOException {
        Socket socket = new Socket();
        socket.connect(proxyPrimarySap.address(), 3_000);
        return new FakePrimary(socket);
    }

    void send(Frame frame) throws IOException {
        out.write(wireBytes(frame));
        out.flush();
    }

    /** A frame as it travels: 4-byte big-endian length, then what {@link FrameCodec} writes. */
    static byte[] wireBytes(Frame frame) {
        ByteBuf buffer = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, buffer);
            byte[] wire = new byte[4 + buffer.readableBytes()];
            java.nio.ByteBuffer.wrap(wire).putInt(buffer.readableBytes());
            buffer.readBytes(wire, 4, wire.length - 4);
            return wire;
        } finally {
            buffer.release();
        }
    }

    /**
     * The next frame other than a PING (answered with a PONG, as a primary would) or PONG, or empty when the
     * proxy closed the connection; fails if nothing comes within {@code timeout}.
     */
    Optional<Frame> receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Frame> frame = receiveAny(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (frame.isPresent() && frame.get() instanceof Frame.Ping ping) {
                answerPing(ping);
            } else if (frame.isEmpty() || !(frame.get() instanceof Frame.Pong)) {
                return frame;
            }
        }
    }

    /** Best effort: the proxy may already have closed after its PING (it refused us), which is what we test. */
    private void answerPing(Frame.Ping ping) {
        try {
            send(new Frame.Pong(ping.nanos()));
        } catch (IOException closedAlready) {
            // the frames the proxy sent before closing are still ours to read
        }
    }

    private Optional<Frame> receiveAny(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            int length = in.readInt();
            if (length < 1 || length > 1 << 20) {
                throw new AssertionError("proxy sent a frame length of " + length);
            }
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            return Optional.of(FrameCodec.decode(Unpooled.wrappedBuffer(bytes)));
        } catch (EOFException | java.net.SocketException closed) {
            return Optional.empty();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the proxy neither answered nor closed within " + timeout, e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
