package tuplespace.codec.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * First on a port: looks at the peer's first bytes. On a TLS port, a TLS record puts Netty's {@link SslHandler} in
 * its place (the rest of the pipeline then sees plain text); anything else — a client speaking plain text to a TLS
 * port — gets one plain line saying why ({@code refusal}, in the protocol's own words) and the connection closes,
 * instead of the silence or binary alert a bare {@code SslHandler} would give. On a plain-text port ({@link
 * #plainPort}) it is the other way round: a TLS handshake (a client set up for TLS) gets the refusal, which such a
 * client shows as the peer's plain-text answer, instead of its handshake being taken for a request line.
 */
public final class TlsGate extends ByteToMessageDecoder {

    /** A TLS record header: enough bytes to tell TLS from anything else. */
    private static final int RECORD_HEADER_BYTES = 5;
    /**
     * A TLS handshake record begins with its content type (22) and the major version of the protocol (3, for every
     * version from SSL 3.0 to TLS 1.3). No request line begins so: both are control characters.
     */
    private static final byte HANDSHAKE_RECORD = 22;
    private static final byte TLS_MAJOR_VERSION = 3;

    /** Told about a peer refused here: plain text, or a failed TLS handshake (e.g. no or an untrusted certificate). */
    @FunctionalInterface
    public interface Refusals {
        void refused(SocketAddress peer, String reason);
    }

    /** The server context of a TLS port; null on a plain-text port. */
    private final SslContext context;
    private final String refusal;
    private final Refusals refused;
    /** The peer was refused: whatever else it sends before the connection closes is dropped. */
    private boolean closing;

    /**
     * A TLS port's gate.
     *
     * @param context the server context ({@link TlsSettings#serverContext})
     * @param refusal the bytes sent to a plain-text peer, as text (a whole answer line of the port's protocol)
     * @param refused told the peer's address and why, for the log
     */
    public TlsGate(SslContext context, String refusal, Refusals refused) {
        this.context = Objects.requireNonNull(context, "context");
        this.refusal = refusal;
        this.refused = refused;
    }

    private TlsGate(String refusal, Refusals refused) {
        this.context = null;
        this.refusal = refusal;
        this.refused = refused;
    }

    /**
     * A plain-text port's gate: {@code refusal} (a whole answer line) goes to a peer that begins a TLS handshake, and
     * {@code refused} is told; any other peer's bytes pass on untouched, the gate leaving the pipeline at its first
     * two.
     */
    public static TlsGate plainPort(String refusal, Refusals refused) {
        return new TlsGate(refusal, refused);
    }

    /**
     * Why a finished {@code handshake} refused the peer, or empty when it succeeded or did not refuse: a failure is a
     * refusal when TLS refused the peer (an untrusted or missing certificate, an alert the peer sent), not when the
     * connection ended before the handshake could (a peer that crashed, or a connection that never opened). Only a
     * refusal is an {@code auth_refused} event; a plain outage was reported as one, many times a second while a link
     * was retried.
     */
    public static Optional<String> refusal(Future<?> handshake) {
        return !handshake.isSuccess() && isRefusal(handshake.cause())
                ? Optional.of("the TLS handshake failed: " + HandshakeFailure.describe(handshake.cause()))
                : Optional.empty();
    }

    static boolean isRefusal(Throwable cause) {
        if (cause instanceof ClosedChannelException) {
            return false;
        }
        String message = String.valueOf(cause.getMessage());
        return !message.startsWith("SslHandler removed before") && !message.contains("Connection reset");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (closing) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (context == null) {
            decodeOnPlainPort(ctx, in);
            return;
        }
        if (in.readableBytes() < RECORD_HEADER_BYTES) {
            return;
        }
        if (SslHandler.isEncrypted(in, false)) {
            SslHandler tls = context.newHandler(ctx.alloc());
            SocketAddress peer = ctx.channel().remoteAddress();
            tls.handshakeFuture().addListener(handshake -> refusal(handshake)
                    .ifPresent(reason -> refused.refused(peer, reason)));
            ctx.pipeline().replace(this, "tls", tls);
            return; // the bytes read so far go on to the SslHandler (ByteToMessageDecoder hands them over)
        }
        refuse(ctx, in, "plain text on a TLS port");
    }

    private void decodeOnPlainPort(ChannelHandlerContext ctx, ByteBuf in) {
        int first = in.readerIndex();
        if (in.readableBytes() >= 1 && in.getByte(first) != HANDSHAKE_RECORD
                || in.readableBytes() >= 2 && in.getByte(first + 1) != TLS_MAJOR_VERSION) {
            ctx.pipeline().remove(this); // the bytes read so far go on (ByteToMessageDecoder hands them over)
        } else if (in.readableBytes() >= 2) {
            refuse(ctx, in, "a TLS handshake on a plain-text port");
        }
    }

    /**
     * The input ended (or was shut) before a plain-text port's gate could tell: what came goes on, as any other
     * client's unfinished input does.
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (context == null && !closing && in.isReadable()) {
            ctx.pipeline().remove(this);
            return;
        }
        super.decodeLast(ctx, in, out);
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, String why) {
        closing = true;
        in.skipBytes(in.readableBytes());
        refused.refused(ctx.channel().remoteAddress(), why);
        ctx.writeAndFlush(Unpooled.copiedBuffer(refusal, StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE);
    }
}
