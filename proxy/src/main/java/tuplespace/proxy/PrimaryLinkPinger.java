package tuplespace.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.netty.LoopPunctuality;

/**
 * PINGs a primary-port connection on which nothing was written for a ping interval (docs/internals.md liveness);
 * the primary's PONG keeps the link's reader-idle timer quiet. One check per interval and a flag per write: Netty's
 * writer-idle detection would put a promise and a listener on every write, which is every request on this link.
 * Sits after the frame codec, so it sees {@link Frame}s. One instance per channel, confined to its loop.
 *
 * <p>Its checks also show when the proxy's own loop stood still ({@link LoopPunctuality}): silence the proxy did not
 * watch is no evidence against the peer ({@link #stoodStillWithin}).
 */
final class PrimaryLinkPinger extends ChannelDuplexHandler {
    private final long intervalNanos;
    private boolean writtenSinceCheck;
    private ScheduledFuture<?> timer;
    /** Counted from this handler's making, which the channel's activation follows at once on its loop. */
    private final LoopPunctuality punctuality;

    PrimaryLinkPinger(long intervalNanos) {
        this.intervalNanos = intervalNanos;
        this.punctuality = new LoopPunctuality(intervalNanos, System.nanoTime());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().scheduleAtFixedRate(() -> check(ctx), intervalNanos, intervalNanos,
                TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    /** {@link LoopPunctuality#stoodStillWithin}: a silence of the link over that window was partly the proxy's own. */
    boolean stoodStillWithin(long windowNanos, long nowNanos) {
        return punctuality.stoodStillWithin(windowNanos, nowNanos);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        writtenSinceCheck = true;
        ctx.write(message, promise);
    }

    private void check(ChannelHandlerContext ctx) {
        checkedAt(System.nanoTime());
        if (!writtenSinceCheck && ctx.channel().isActive()) {
            ctx.writeAndFlush(new Frame.Ping(System.nanoTime()), ctx.voidPromise());
        }
        writtenSinceCheck = false;
    }

    /** A check runs at {@code nowNanos} ({@link LoopPunctuality#checkedAt}). */
    void checkedAt(long nowNanos) {
        punctuality.checkedAt(nowNanos);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
