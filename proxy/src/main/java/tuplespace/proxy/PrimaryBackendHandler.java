package tuplespace.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.OversizeFrame;
import tuplespace.space.IoFailure;

/**
 * The primary side of the proxy (docs/internals.md frames): REGISTER, then ANSWERs routed to the client sessions and
 * REPLICA reports (and STEPPED_DOWN or STEP_DOWN_REFUSED in a switchover); or FOLLOW from a backup, which then only
 * waits for its PROMOTE. PING/PONG keep an idle link checked
 * ({@link PrimaryLinkPinger}), and a silent link is closed, which counts as losing the primary
 * (docs/design.md "Failover"). Runs on the control event loop, like the {@link PrimaryRegistry} it drives.
 *
 * <p>An ANSWER's text is a slice of the link's read buffer ({@link Frame.Answer}); it goes to its client's session
 * (or is released when dropped), never decoded here.
 *
 * <p>An ANSWER for a session on this same loop (the default: one loop) is handed over directly and only recorded;
 * each session touched writes and flushes what it can deliver once the read batch ends
 * ({@link #channelReadComplete}), so a client with many answers in one batch gets them in one buffer and one write
 * call ({@link AnswerBatch}). Sessions on other loops get a task each.
 */
final class PrimaryBackendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryBackendHandler.class);

    private final ProxyContext context;
    /** The link's pinger, which also watches whether this loop stood still. */
    private final PrimaryLinkPinger pinger;
    private PrimaryLink link;
    /** Why this side closed the link, for the primary_lost line; null while it did not (the peer's side closed). */
    private String closedBecause;
    /** The FOLLOW this link began with, if it is a backup's. */
    private Frame.Follow follow;
    private ScheduledFuture<?> registrationTimeout;
    /** A REGISTER waits until backups that may still follow here have come ({@link PrimaryRegistry#followersDueIn}). */
    private boolean registerHeld;
    /** Until when the peer (primary or follower) said it works without a word (BUSY); in System.nanoTime() time. */
    private long busyUntilNanos = System.nanoTime();
    /** Sessions on this loop with answers written but not flushed during the current read batch. */
    private final List<ClientSession> sessionsToFlush = new ArrayList<>();

    PrimaryBackendHandler(ProxyContext context, PrimaryLinkPinger pinger) {
        this.context = context;
        this.pinger = pinger;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // a peer that connects and never registers must not hold a connection forever
        registrationTimeout = ctx.executor().schedule(() -> {
            if (link == null && follow == null && ctx.channel().isActive()) {
                LOG.warn("primary port peer {} did not REGISTER or FOLLOW within {}; closing",
                        ctx.channel().remoteAddress(), Durations.text(context.config().networkTimeout()));
                ctx.close();
            }
        }, context.config().networkTimeout().toNanos(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (follow != null) {
            context.registry().followerHeard(ctx.channel(), follow.server());
        }
        if (message instanceof Frame.Ping ping) {
            ctx.writeAndFlush(new Frame.Pong(ping.nanos()), ctx.voidPromise());
        } else if (message instanceof Frame.Pong) {
            return; // reading it is what matters: the idle timer restarts
        } else if (message instanceof Frame.Busy busy && (link != null || follow != null)) {
            busyUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(busy.millis());
        } else if (message instanceof Frame.Register register && follow == null) {
            onRegister(ctx, register);
        } else if (message instanceof Frame.Follow following && link == null && follow == null && !registerHeld) {
            follow = following;
            registrationTimeout.cancel(false);
            context.registry().follow(ctx.channel(), following);
        } else if (message instanceof Frame.Replica replica && link != null) {
            context.registry().replicaChanged(ctx.channel(), replica.replica());
        } else if (message instanceof Frame.Answer answer) {
            onAnswer(ctx, answer);
        } else if (message instanceof Frame.SteppedDown steppedDown && link != null) {
            flushAnsweredSessions(); // the last answers of the old primary leave before the switch
            context.registry().steppedDown(ctx.channel(), steppedDown.index());
        } else if (message instanceof Frame.StepDownRefused refused && link != null) {
            context.registry().stepDownRefused(ctx.channel(), refused.reason());
        } else if (message instanceof OversizeFrame oversize && oversize.isAnswer() && isRegisteredLink()) {
            onOversizeAnswer(oversize);
        } else {
            LOG.warn("primary port peer {} sent {}: expected REGISTER or FOLLOW first, then ANSWER, REPLICA,"
                    + " STEPPED_DOWN, STEP_DOWN_REFUSED, BUSY, PING or PONG from a primary, BUSY, PING or PONG from a"
                    + " follower; closing", ctx.channel().remoteAddress(), message);
            closeBecause(ctx, "it sent " + message + " out of turn");
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushAnsweredSessions();
        ctx.fireChannelReadComplete();
    }

    private void flushAnsweredSessions() {
        for (int i = 0; i < sessionsToFlush.size(); i++) {
            sessionsToFlush.get(i).flushAnswers();
        }
        sessionsToFlush.clear();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof IdleStateEvent idle)) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        // a peer that has not registered or followed yet (a handshake under way) is bounded by the registration
        // timeout, not by the silence check
        if (idle.state() != IdleState.READER_IDLE || (link == null && follow == null)) {
            return;
        }
        if (System.nanoTime() - busyUntilNanos < 0) {
            // the primary (or the backup following) announced a long piece of work (BUSY): silence until then is that
            // work; the idle timer fires again after another interval of silence
            LOG.debug("link {} silent while busy with what it announced",
                    ctx.channel().remoteAddress());
            return;
        }
        String kind = follow != null ? "follower" : "primary";
        Object peer = link != null ? link : ctx.channel().remoteAddress();
        String silentFor = "silent for " + context.config().pingMisses() + " × "
                + Durations.text(context.config().pingInterval());
        Duration silence = context.config().pingInterval().multipliedBy(context.config().pingMisses());
        if (pinger.stoodStillWithin(silence.toNanos(), System.nanoTime())) {
            // the proxy itself ran nothing for a while (a loaded machine, a collection): it did not read the link
            // meanwhile, so the silence is its own; the idle timer fires again after another interval of silence
            LOG.info("{} link {} {}, but this proxy's own loop stood still meanwhile: judged again after another {}"
                    + " of silence", kind, peer, silentFor, Durations.text(silence));
            return;
        }
        LOG.warn("{} link {} {}; closing it as dead", kind, peer, silentFor);
        closeBecause(ctx, silentFor);
    }

    private void closeBecause(ChannelHandlerContext ctx, String why) {
        if (closedBecause == null) {
            closedBecause = why;
        }
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // clients are read only while the primary link takes more requests (backpressure)
        if (isRegisteredLink()) {
            context.sessions().forEach(session -> session.executor().execute(session::updateReading));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (registrationTimeout != null) {
            registrationTimeout.cancel(false);
        }
        flushAnsweredSessions(); // normally done already: a read batch ends before its channel closes
        if (follow != null) {
            context.registry().followerClosed(ctx.channel(), follow.server());
        } else {
            context.registry().linkClosed(ctx.channel(), closedBecause != null ? closedBecause
                    : "its connection closed (a crash closes it at once)");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.nio.channels.ClosedChannelException) {
            // a write to a link already closed (the proxy stops, the peer went): its closing says all there is
            LOG.debug("write to closed link {}: {}", ctx.channel().remoteAddress(), cause);
            return;
        }
        if (!(cause instanceof DecoderException)) {
            // losing the link loses the primary (or the follower): the reason belongs beside primary_lost, at WARN
            // (a tester's proxy ran out of direct memory under clients that never read big answers, and only DEBUG
            // said so while the service failed over again and again)
            boolean connection = cause instanceof java.io.IOException;
            String reason = connection ? IoFailure.reason(cause) : cause.toString();
            LOG.warn("{} link {} failed, closing: {}", follow != null ? "follower" : "primary port",
                    ctx.channel().remoteAddress(), reason);
            // a reset is what a process killed with requests unread leaves; a timeout or an unreachable host is not
            closeBecause(ctx, !connection ? "it failed: " + reason : "its connection failed: " + reason
                    + (reason.contains("reset") ? " (a crash with requests unread resets it)" : ""));
            return;
        }
        LOG.warn("primary port peer {} broke the frame protocol, closing: {}",
                ctx.channel().remoteAddress(), cause.toString());
        closeBecause(ctx, "it broke the frame protocol: " + cause);
    }

    private void onRegister(ChannelHandlerContext ctx, Frame.Register register) {
        if (link != null || registerHeld) {
            LOG.warn("{} sent REGISTER twice; closing", link != null ? link
                    : ctx.channel().remoteAddress());
            ctx.close();
            return;
        }
        long wait = context.registry().followersDueIn(register);
        if (wait > 0) {
            registerHeld = true;
            LOG.info("primary pid {} (epoch {}, no replica) waits {} ms for backups that may follow a proxy started"
                    + " again", register.pid(), register.epoch(), TimeUnit.NANOSECONDS.toMillis(wait));
            ctx.executor().schedule(() -> {
                registerHeld = false;
                if (ctx.channel().isActive() && follow == null) {
                    onRegister(ctx, register);
                }
            }, wait, TimeUnit.NANOSECONDS);
            return;
        }
        context.registry().register(ctx.channel(), register).ifPresent(registered -> {
            link = registered;
            registrationTimeout.cancel(false);
        });
    }

    /** This link is the registered primary's, of the highest epoch: the one whose answers count. */
    boolean isRegisteredLink() {
        return link != null && link == context.registry().current();
    }

    /** An ANSWER over the frame limit was skipped: its client gets an error in its place, the link stays. */
    private void onOversizeAnswer(OversizeFrame oversize) {
        LOG.warn("{} sent a {}-byte ANSWER for conn {} seq {}, over the limit of {} bytes; answering an error"
                + " instead", link, oversize.length(), Long.toHexString(oversize.conn()),
                oversize.seq(), context.config().maxFrameBytes());
        ClientSession session = context.sessions().get(oversize.conn());
        if (session != null) {
            session.executor().execute(() -> session.onOversizeAnswer(oversize.seq(), oversize.length()));
        }
    }

    private void onAnswer(ChannelHandlerContext ctx, Frame.Answer answer) {
        if (!isRegisteredLink()) {
            // only the registered primary of the highest epoch speaks for the space (docs/design.md "Failover")
            LOG.warn("dropped an ANSWER from {} which is not the registered primary",
                    link != null ? link : ctx.channel().remoteAddress());
            answer.answer().release();
            return;
        }
        ClientSession session = context.sessions().get(answer.conn());
        if (session == null) {
            LOG.debug("answer for departed conn {} dropped", Long.toHexString(answer.conn()));
            answer.answer().release();
            return;
        }
        if (session.executor().inEventLoop()) {
            if (session.onAnswerFlushLater(answer.seq(), answer.answer())) {
                sessionsToFlush.add(session);
            }
        } else {
            session.executor().execute(() -> session.onAnswer(answer.seq(), answer.answer()));
        }
    }
}
