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
 *
 * <p>Its checks also show when the proxy's own loop stood still: a check that comes more than an interval late means
 * the loop ran nothing meanwhile (its thread descheduled on a loaded machine, a collection, a long batch of client
 * events), and read nothing from this link either. Silence the proxy did not watch is no evidence against the peer
 * ({@link #stoodStillWithin}): under a flood of clients on 2 cores the proxy found the primary's and the backup's links
 * "silent" at the same instant and dropped a healthy primary.
 */
final class PrimaryLinkPinger extends ChannelDuplexHandler {
    private final long intervalNanos;
    private boolean writtenSinceCheck;
    private ScheduledFuture<?> timer;
    /** When the last check ran; in System.nanoTime() time. */
    private long lastCheckNanos;
    /** When the loop last resumed after standing still longer than an interval; long before the start if never. */
    private long stillUntilNanos;

    PrimaryLinkPinger(long intervalNanos) {
        this.intervalNanos = intervalNanos;
        this.lastCheckNanos = System.nanoTime();
        this.stillUntilNanos = lastCheckNanos - Long.MAX_VALUE / 2; // never
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        lastCheckNanos = System.nanoTime();
        timer = ctx.executor().scheduleAtFixedRate(() -> check(ctx), intervalNanos, intervalNanos,
                TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    /**
     * Whether this loop stood still (ran none of these checks for more than two ping intervals) and resumed less than
     * {@code windowNanos} before {@code nowNanos}: a silence of the link over that window was partly the proxy's own.
     * A loop that stands still again and again thus delays verdicts as long as it does: it could not serve meanwhile.
     */
    boolean stoodStillWithin(long windowNanos, long nowNanos) {
        return nowNanos - stillUntilNanos < windowNanos;
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

    /** A check runs at {@code nowNanos}: more than two intervals after the one before, the loop stood still. */
    void checkedAt(long nowNanos) {
        if (nowNanos - lastCheckNanos > 2 * intervalNanos) {
            stillUntilNanos = nowNanos;
        }
        lastCheckNanos = nowNanos;
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
