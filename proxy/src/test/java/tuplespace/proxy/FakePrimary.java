package tuplespace.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;

/** The test plays the primary: a blocking socket speaking the frames of docs/internals.md through FrameCodec. */
final class FakePrimary implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private FakePrimary(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(5_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static FakePrimary connect(InetSocketAddress proxyPrimaryPort) throws IOException {
        Socket socket = new Socket();
        socket.connect(proxyPrimaryPort, 5_000);
        return new FakePrimary(socket);
    }

    /** Sends REGISTER and returns the proxy's reply (REGISTERED or STALE_EPOCH). */
    Frame register(long epoch, Sap shutdownSap) throws IOException {
        return register(epoch, 1000 + epoch, shutdownSap);
    }

    /** Sends REGISTER with the given pid and returns the proxy's reply (REGISTERED or STALE_EPOCH). */
    Frame register(long epoch, long pid, Sap shutdownSap) throws IOException {
        return register(new Frame.Register(epoch, pid, pid, shutdownSap, 0, 0));
    }

    /** Sends {@code register} and returns the proxy's reply (REGISTERED or STALE_EPOCH). */
    Frame register(Frame.Register register) throws IOException {
        send(register);
        return receive();
    }

    void send(Frame frame) throws IOException {
        ByteBuf buffer = Unpooled.buffer();
        FrameCodec.encode(frame, buffer);
        byte[] bytes = new byte[buffer.readableBytes()];
        buffer.readBytes(bytes);
        buffer.release();
        java.io.DataOutputStream data = new java.io.DataOutputStream(out);
        data.writeInt(bytes.length);
        data.write(bytes);
        data.flush();
    }

    /** Sends every frame in one write, so the proxy is likely to read them as one batch. */
    void sendAll(java.util.List<? extends Frame> frames) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream data = new java.io.DataOutputStream(bytes);
        for (Frame frame : frames) {
            ByteBuf buffer = Unpooled.buffer();
            FrameCodec.encode(frame, buffer);
            data.writeInt(buffer.readableBytes());
            buffer.readBytes(data, buffer.readableBytes());
            buffer.release();
        }
        sendRaw(bytes.toByteArray());
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** How long a read waits before SocketTimeoutException (5 s unless changed). */
    void readTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** The next frame, whatever it is (a PING is not answered). */
    Frame receiveAny() throws IOException {
        int length = in.readInt();
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return FrameCodec.decode(Unpooled.wrappedBuffer(bytes));
    }

    /** The next frame that is not a PING (PINGs are answered PONG, as a live primary does). */
    Frame receive() throws IOException {
        while (true) {
            int length = in.readInt();
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            Frame frame = FrameCodec.decode(Unpooled.wrappedBuffer(bytes));
            if (frame instanceof Frame.Ping ping) {
                pong(ping);
                continue;
            }
            return frame;
        }
    }

    /**
     * Answers a PING, as a live primary does. The proxy may have closed the link after frames this one has yet to read
     * (a STALE_EPOCH after the PING): the answer is then refused by the peer, and the frames already here still count.
     */
    private void pong(Frame.Ping ping) throws IOException {
        try {
            send(new Frame.Pong(ping.nanos()));
        } catch (java.net.SocketException closedByPeer) {
            // the next read reports the close once the frames sent before it are read
        }
    }

    Frame.Request receiveRequest() throws IOException {
        Frame frame = receive();
        if (frame instanceof Frame.Request request) {
            return request;
        }
        throw new AssertionError("expected a REQUEST frame, found " + frame);
    }

    void answer(Frame.Request request, String answer) throws IOException {
        send(new Frame.Answer(request.conn(), request.seq(), answer));
    }

    /** True once the proxy has closed this connection (end of stream within the read timeout). */
    boolean closedByProxy() throws IOException {
        try {
            while (true) {
                receive();
            }
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Reads without answering anything (a hung primary) until the proxy closes the link; false on read timeout. */
    boolean closedByProxyWhileSilent() throws IOException {
        try {
            while (in.read() >= 0) {
                continue; // PINGs go unanswered
            }
            return true;
        } catch (java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /**
     * Ends this side of the link, as a primary that exits does, while a read of this link on another thread may still
     * take what the proxy sent before: the proxy sees the link close.
     */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
