package tuplespace.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import tuplespace.codec.frame.Frame;

/**
 * PINGs a primary-port connection on which nothing was written for a ping interval (docs/internals.md liveness);
 * the primary's PONG keeps the link's reader-idle timer quiet. One check per interval and a flag per write: Netty's
 * writer-idle detection would put a promise and a listener on every write, which is every request on this link.
 * Sits after the frame codec, so it sees {@link Frame}s. One instance per channel, confined to its loop.
 */
final class PrimaryLinkPinger extends ChannelDuplexHandler {
    private final long intervalNanos;
    private boolean writtenSinceCheck;
    private ScheduledFuture<?> timer;

    PrimaryLinkPinger(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().scheduleAtFixedRate(() -> check(ctx), intervalNanos, intervalNanos,
                TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
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
        if (!writtenSinceCheck && ctx.channel().isActive()) {
            ctx.writeAndFlush(new Frame.Ping(System.nanoTime()), ctx.voidPromise());
        }
        writtenSinceCheck = false;
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
