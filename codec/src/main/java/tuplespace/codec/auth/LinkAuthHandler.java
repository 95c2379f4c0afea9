package tuplespace.codec.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.PendingWriteQueue;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link LinkHandshake} first on a connection, then removes itself: the one piece every internal link
 * puts at the head of its pipeline. Until the peer has proved knowledge of the cluster secret nothing passes:
 * {@code channelActive} is held back from the handlers behind it (so they start their work, timers and first
 * frames only on an authenticated link), their writes are queued (a REGISTER or a heartbeat written right after
 * connecting leaves only once the listening side has proved itself), and no byte of the peer's reaches them. Bytes
 * that follow the handshake in the same read go on to them.
 *
 * <p>A refused handshake sends the peer one line {@code refused: WHY}, tells the {@link RefusalListener} (which logs
 * it with the peer's address as the {@value #AUTH_REFUSED_EVENT} operator event) and closes: the handlers behind it
 * never saw the connection, so nothing changes. A handshake not finished within {@link #HANDSHAKE_LIMIT} is refused
 * the same way, so a silent or slow peer cannot hold a connection.
 */
public final class LinkAuthHandler extends ByteToMessageDecoder implements ChannelOutboundHandler {

    /** The operator event name of a refused peer (the node's operator events use the same word). */
    public static final String AUTH_REFUSED_EVENT = "auth_refused";
    /** A connection that has not finished the handshake by then is closed. */
    public static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(5);
    /** The pipeline name it is added under. */
    public static final String NAME = "linkAuth";
    /** Why the handshake of a channel failed, once it has ({@link #refusal}). */
    private static final AttributeKey<String> REFUSAL = AttributeKey.valueOf(LinkAuthHandler.class, "refusal");
    /** Handshake lines are short; anything longer is garbage. */
    static final int MAX_LINE_BYTES = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Told about every refused or failed handshake, on the channel's event loop. */
    @FunctionalInterface
    public interface RefusalListener {
        /**
         * @param peer       the other side's address
         * @param role       the link's role
         * @param connecting whether this side opened the link (else it accepted it)
         * @param reason     what was wrong, for the log
         */
        void refused(SocketAddress peer, LinkRole role, boolean connecting, String reason);
    }

    private final LinkHandshake handshake;
    private final RefusalListener listener;
    private final Duration limit;
    private PendingWriteQueue queued;
    private ScheduledFuture<?> timer;
    private boolean started;
    private boolean authenticated;
    private boolean refused;
    /** The peer reset the connection during the handshake: it stopped (a process killed), it did not refuse us. */
    private boolean resetByPeer;
    /** This side closed the link during the handshake ({@link #close}): the peer refused nothing. */
    private boolean closedHere;

    private LinkAuthHandler(LinkHandshake handshake, RefusalListener listener, Duration limit) {
        this.handshake = handshake;
        this.listener = listener;
        this.limit = limit;
    }

    /** For a connection this side opens. */
    public static LinkAuthHandler connecting(ClusterSecret secret, LinkRole role, RefusalListener listener) {
        return new LinkAuthHandler(LinkHandshake.connecting(secret, role, RANDOM), listener, HANDSHAKE_LIMIT);
    }

    /** For a connection this side accepted on a listening port. */
    public static LinkAuthHandler accepting(ClusterSecret secret, LinkRole role, RefusalListener listener) {
        return accepting(secret, role, listener, HANDSHAKE_LIMIT);
    }

    /** Tests shorten the bound. */
    static LinkAuthHandler accepting(ClusterSecret secret, LinkRole role, RefusalListener listener, Duration limit) {
        return new LinkAuthHandler(LinkHandshake.accepting(secret, role, RANDOM), listener, limit);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        queued = new PendingWriteQueue(ctx);
        super.handlerAdded(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // held back from the handlers behind: they see the link as active once it is authenticated
        if (started) {
            return;
        }
        started = true;
        timer = ctx.executor().schedule(() -> {
            if (!authenticated && !refused) {
                refuse(ctx, Optional.of(LinkHandshake.REFUSED + "no handshake within " + limit.toMillis()
                        + " ms"), "the handshake was not finished within " + limit.toMillis() + " ms");
            }
        }, limit.toNanos(), TimeUnit.NANOSECONDS);
        if (handshake.isConnecting()) {
            writeLine(ctx, handshake.hello());
            ctx.flush();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes()); // the link is closing: nothing of it is read
            return;
        }
        while (!authenticated && !refused && in.isReadable()) {
            int lineFeed = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            int length = lineFeed < 0 ? in.readableBytes() : lineFeed - in.readerIndex();
            if (length > MAX_LINE_BYTES || !startsLikeAHandshakeLine(in, length)) {
                // garbage (a frame, a plain admin command): refused at once, with the message its line would get
                String start = in.toString(in.readerIndex(), Math.min(length, MAX_LINE_BYTES + 1),
                        StandardCharsets.ISO_8859_1);
                in.skipBytes(in.readableBytes());
                step(ctx, handshake.onLine(start));
                return;
            }
            if (lineFeed < 0) {
                return; // wait for the rest of the line
            }
            String line = in.readCharSequence(length, StandardCharsets.ISO_8859_1).toString();
            in.skipBytes(1);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            step(ctx, handshake.onLine(line));
        }
    }

    /** Every handshake line starts with one of these, so a peer that sends anything else is refused at once. */
    private static final byte[][] LINE_STARTS = {
        LinkHandshake.PREFIX.getBytes(StandardCharsets.US_ASCII),
        LinkHandshake.REFUSED.getBytes(StandardCharsets.US_ASCII)};

    private static boolean startsLikeAHandshakeLine(ByteBuf in, int length) {
        for (byte[] start : LINE_STARTS) {
            int compared = Math.min(length, start.length);
            boolean same = true;
            for (int i = 0; i < compared && same; i++) {
                same = in.getByte(in.readerIndex() + i) == start[i];
            }
            if (same && (length >= start.length || compared == length)) {
                return true;
            }
        }
        return false;
    }

    private void step(ChannelHandlerContext ctx, LinkHandshake.Step step) {
        if (step instanceof LinkHandshake.Step.Send send) {
            writeLine(ctx, send.line());
            ctx.flush();
        } else if (step instanceof LinkHandshake.Step.Authenticated done) {
            done.line().ifPresent(line -> writeLine(ctx, line));
            authenticated = true;
            cancelTimer();
            queued.removeAndWriteAll();
            ctx.flush();
            ctx.fireChannelActive();
            // what followed the handshake in this read goes on to the handlers behind (ByteToMessageDecoder does it)
            ctx.pipeline().remove(this);
        } else if (step instanceof LinkHandshake.Step.Refused refusal) {
            refuse(ctx, refusal.line(), refusal.reason());
        }
    }

    private void refuse(ChannelHandlerContext ctx, Optional<String> line, String reason) {
        if (refused) {
            return;
        }
        refused = true;
        cancelTimer();
        queued.removeAndFailAll(new ClosedChannelException());
        ctx.channel().attr(REFUSAL).set(reason);
        listener.refused(ctx.channel().remoteAddress(), handshake.role(), handshake.isConnecting(), reason);
        if (line.isPresent()) {
            writeLine(ctx, line.get()).addListener(ChannelFutureListener.CLOSE);
            ctx.flush();
        } else {
            ctx.close();
        }
    }

    /** Handshake lines go straight to the socket (this handler is first): bytes, not text. */
    private static io.netty.channel.ChannelFuture writeLine(ChannelHandlerContext ctx, String line) {
        return ctx.write(Unpooled.copiedBuffer(line + "\n", StandardCharsets.US_ASCII));
    }

    /**
     * Why the cluster secret handshake on {@code channel} failed (refused by either side, or the listening side closed
     * during it), for the code that opened it and sees it close; empty when it did not fail, or the peer reset it.
     */
    public static Optional<String> refusal(Channel channel) {
        return Optional.ofNullable(channel.attr(REFUSAL).get());
    }

    /**
     * Keeps {@code reason} for {@link #refusal}: a link without a secret whose peer has one ({@link PlainLinkGuard}).
     */
    static void recordRefusal(Channel channel, String reason) {
        channel.attr(REFUSAL).set(reason);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (!authenticated && cause instanceof IOException) {
            resetByPeer = true;
        }
        super.exceptionCaught(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        if (!authenticated && !refused && started) {
            refused = true;
            queued.removeAndFailAll(new ClosedChannelException());
            if (handshake.isConnecting() && !resetByPeer && !closedHere) {
                // the listening side closed without a word: it may not have the cluster secret configured, or it was
                // killed after it had read our line (a killed process that read everything closes with a FIN; one
                // with bytes unread resets, which is no refusal: a refusing peer reads the handshake first)
                String reason = "the peer closed the connection during the handshake without a word: it is not"
                        + " started with the same " + ClusterSecret.OPTION + ", or it stopped";
                ctx.channel().attr(REFUSAL).set(reason);
                listener.refused(ctx.channel().remoteAddress(), handshake.role(), true, reason);
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimer();
        if (queued != null && !queued.isEmpty()) {
            queued.removeAndWriteAll();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    // --- outbound: queue until authenticated -------------------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (authenticated) {
            ctx.write(msg, promise);
        } else if (refused) {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new ClosedChannelException());
        } else {
            queued.add(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (authenticated) {
            ctx.flush();
        }
        // before that, the handshake's own lines are flushed as they are written; queued writes wait
    }

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                        ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    /** This side closes the link (it gave the link up, or its node stops): a handshake cut short so is no refusal. */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        closedHere = true;
        ctx.close(promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }
}
