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
import java.util.Optional;

/**
 * First on a TLS port: looks at the peer's first bytes. A TLS record puts Netty's {@link SslHandler} in its place
 * (the rest of the pipeline then sees plain text); anything else — a client speaking plain text to a TLS port — gets
 * one plain line saying why ({@code refusal}, in the protocol's own words) and the connection closes, instead of the
 * silence or binary alert a bare {@code SslHandler} would give.
 */
public final class TlsGate extends ByteToMessageDecoder {

    /** A TLS record header: enough bytes to tell TLS from anything else. */
    private static final int RECORD_HEADER_BYTES = 5;

    /** Told about a peer refused here: plain text, or a failed TLS handshake (e.g. no or an untrusted certificate). */
    @FunctionalInterface
    public interface Refusals {
        void refused(SocketAddress peer, String reason);
    }

    private final SslContext context;
    private final String refusal;
    private final Refusals refused;

    /**
     * @param context the server context ({@link TlsSettings#serverContext})
     * @param refusal the bytes sent to a plain-text peer, as text (a whole answer line of the port's protocol)
     * @param refused told the peer's address and why, for the log
     */
    public TlsGate(SslContext context, String refusal, Refusals refused) {
        this.context = context;
        this.refusal = refusal;
        this.refused = refused;
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
        in.skipBytes(in.readableBytes());
        refused.refused(ctx.channel().remoteAddress(), "plain text on a TLS port");
        ctx.writeAndFlush(Unpooled.copiedBuffer(refusal, StandardCharsets.UTF_8)).addListener(ChannelFutureListener.CLOSE);
    }
}
