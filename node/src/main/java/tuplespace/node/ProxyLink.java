package tuplespace.node;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;
import tuplespace.codec.auth.LinkAuthHandler;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.space.IoFailure;

/**
 * The primary's link to the proxy (docs/internals.md "Proxy ⇄ primary frames"): connects to PROXY_SAP,
 * registers, then turns REQUEST and CLOSED frames into calls on {@link PrimaryNode} and carries ANSWERs
 * back. An idle link is probed with PING; a link silent for {@link #SILENCE_LIMIT} counts as lost.
 *
 * <p>A lost link reconnects and registers again with the same (epoch, pid), which the proxy accepts, resending every
 * request it has not had answered (the answer table keeps updates exactly once). When no registration succeeds within
 * {@code --primary-register-timeout}, the primary is told ({@link PrimaryNode#onProxyUnreachable}); a primary with a
 * space to keep goes on trying for as long as it takes (docs/design.md "Failover"), in rounds with growing pauses
 * between them (up to {@link #MAX_ROUND_PAUSE}), so a proxy that comes back (restarted, or behind a network that
 * healed) is found within about that pause. The same bound applies to the first registration.
 */
final class ProxyLink {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyLink.class);
    static final Duration PING_AFTER = Duration.ofSeconds(1);
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(5);
    /** First pause before connecting again after a link closed before REGISTERED; doubled each time, up to the max. */
    static final Duration RETRY_PAUSE = Duration.ofMillis(100);
    /** After the proxy counts as unreachable: the first pause between rounds of registering, doubled up to the max. */
    static final Duration FIRST_ROUND_PAUSE = Duration.ofMillis(100);
    static final Duration MAX_ROUND_PAUSE = Duration.ofSeconds(2);
    /** How long one such round tries (connecting again every few ms, then waiting for REGISTERED). */
    static final Duration ROUND = Duration.ofSeconds(1);
    private static final String NOT_REGISTERED = "could not be reached or did not accept the registration";
    /** The first pause before {@link #askUnjudged} asks again; doubled each time up to the max. */
    static final Duration UNJUDGED_FIRST_PAUSE = Duration.ofSeconds(1);
    static final Duration UNJUDGED_MAX_PAUSE = Duration.ofSeconds(10);

    private final ServerNode node;
    private final NodeConfig config;
    private final PrimaryNode primary;
    private final AnswerWriter answers = new AnswerWriter();
    private Channel channel;
    private boolean started;
    private boolean closing;
    /** The current link was answered REGISTERED (requests may flow). */
    private boolean linkRegistered;
    /**
     * A REGISTER went out on a link that closed or was replaced before its answer ({@link #registerLeftUnanswered}).
     */
    private boolean registerLeftUnanswered;
    /** The replica the REGISTER on {@link #channel} named. */
    private long registeredReplica;
    /** Counts the attempts to (re)register; a timer or failure of an earlier attempt is ignored. */
    private long attempt;
    private long attemptDeadlineNanos;
    private Duration attemptLimit;
    /** The current attempt registers again after a registered link was lost (its failure says so). */
    private boolean attemptAfterLoss;
    /** Why the last connection attempt of the current attempt failed; empty once one connected. */
    private Optional<String> lastConnectFailure = Optional.empty();
    /** The pauses between rounds of registering once the proxy counts as unreachable; reset on REGISTERED. */
    private final Backoff roundPauses = new Backoff(FIRST_ROUND_PAUSE, MAX_ROUND_PAUSE);
    /**
     * The pauses before connecting again after links closed before REGISTERED, one after the other; reset on
     * REGISTERED.
     * A primary refused at every handshake (another cluster secret than the proxy's) connected again every 0.1 s.
     */
    private final Backoff closedPauses = new Backoff(RETRY_PAUSE, MAX_ROUND_PAUSE);
    /** Why the last link's cluster secret handshake failed, until REGISTERED: named when the proxy counts as lost. */
    private Optional<String> lastRefusal = Optional.empty();
    /** The current attempt is {@link #askUnjudged}'s, until its answer (or none) comes. */
    private boolean unjudged;
    /** The pauses between {@link #askUnjudged}'s attempts while the primary waits for its backup's judgement. */
    private final Backoff unjudgedPauses = new Backoff(UNJUDGED_FIRST_PAUSE, UNJUDGED_MAX_PAUSE);
    /** {@link #askUnjudged} was refused before (said at INFO once; the next ones at DEBUG). */
    private boolean unjudgedRefusedBefore;

    ProxyLink(ServerNode node, NodeConfig config, PrimaryNode primary) {
        this.node = node;
        this.config = config;
        this.primary = primary;
        answers.onPartOut(primary::proxyOutputChanged);
    }

    /**
     * Bytes of long answers waiting to go out past which serving waits ({@link #answersPileUp}). A tester's clients,
     * sending GETs of 1 MB answers and closing, made them faster than the proxy took them: the primary reached 6 GB of
     * direct memory, then stalled in the JDK's waits for more, long enough to be taken for dead.
     */
    static final long ANSWERS_WAITING_LIMIT = 16L << 20;
    /** The link's own write buffer: past the high mark it is not writable, and serving waits too. */
    private static final WriteBufferWaterMark LINK_BUFFER = new WriteBufferWaterMark(1 << 20, 4 << 20);

    /** Answers made wait to go out in such numbers that serving more would only pile them up in memory. */
    boolean answersPileUp() {
        return answers.waitingBytes() > ANSWERS_WAITING_LIMIT
                || (channel != null && channel.isActive() && !channel.isWritable());
    }

    boolean started() {
        return started;
    }

    /** The proxy accepted this primary (REGISTERED) on the link that is up now: it serves through it. */
    boolean registeredNow() {
        return linkRegistered && channel != null && channel.isActive();
    }

    /** The first registration. */
    void connect() {
        started = true;
        registerWithin(config.primaryRegisterTimeout(), true, false);
    }

    /**
     * A primary that waits for its backup on another machine to judge its state asks the proxy to take it without that
     * judgement (REGISTER's {@code unjudged}): a proxy that lost a primary serving on one copy from a directory this
     * start compared does, since no copy elsewhere is newer than that one (it served last, alone), while no backup
     * follows there (one that does can judge). Refused, or unanswered within {@link #ROUND}, the primary goes on
     * waiting for the judgement, and asks again after a pause that grows to {@link #UNJUDGED_MAX_PAUSE} (a proxy may
     * not have counted that primary lost yet, or a connection attempt may have been lost); once a backup took its
     * state it registers as usual instead.
     */
    void askUnjudged() {
        started = true;
        unjudged = true;
        registerWithin(ROUND, false, false);
    }

    /**
     * Connects and registers within {@code limit} from now, connecting again and again meanwhile if
     * {@code retryConnecting} (else once); then the proxy counts as unreachable ({@code afterLoss}: it was registered
     * until its link was lost).
     */
    private void registerWithin(Duration limit, boolean retryConnecting, boolean afterLoss) {
        long thisAttempt = ++attempt;
        if (channel != null && !linkRegistered) {
            // a link of an earlier round that was never answered (a hung proxy): this round makes its own
            Channel unanswered = channel;
            channel = null;
            unanswered.close();
        }
        linkRegistered = false;
        attemptDeadlineNanos = retryConnecting ? NodeNetwork.deadline(limit) : System.nanoTime();
        attemptLimit = limit;
        attemptAfterLoss = afterLoss;
        lastConnectFailure = Optional.empty();
        connectOnce(thisAttempt);
        node.loop().schedule(() -> {
            if (thisAttempt == attempt && !linkRegistered) {
                unreachable(thisAttempt);
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Connects, again and again until the attempt's deadline; when connecting fails for good, the attempt fails as its
     * timer would, with the same words (whichever comes first when both end together).
     */
    private void connectOnce(long thisAttempt) {
        node.network().connect(config.proxySap(), LinkRole.PRIMARY, initializer(), attemptDeadlineNanos,
                () -> thisAttempt == attempt && wanted(),
                connected -> onConnected(thisAttempt, connected),
                cause -> lastConnectFailure = Optional.of(IoFailure.describe(cause)),
                cause -> {
                    lastConnectFailure = Optional.of(IoFailure.describe(cause));
                    unreachable(thisAttempt);
                });
    }

    private boolean wanted() {
        return !closing && !primary.stopping();
    }

    private void unreachable(long thisAttempt) {
        if (thisAttempt != attempt || linkRegistered || !wanted()) {
            return;
        }
        String lastAttempt = lastConnectFailure.map(cause -> " (the last connection attempt: " + cause + ")")
                .orElse("");
        if (unjudged) {
            notTakenUnjudged("no answer within " + Durations.text(ROUND) + lastAttempt,
                    channel != null && LinkAuthHandler.refusal(channel).isEmpty());
            return;
        }
        attempt++; // once per attempt
        String why = "the proxy at " + NodeNetwork.describe(config.proxySap()) + " " + NOT_REGISTERED
                + (attemptAfterLoss ? " again" : "") + " within " + Durations.text(attemptLimit)
                + (attemptAfterLoss ? " of losing the link" : "") + lastAttempt
                + lastRefusal.map(cause -> " (the cluster secret handshake of the last link failed: " + cause + ")")
                        .orElse("");
        if (primary.onProxyUnreachable(why)) {
            nextRound();
        }
    }

    /**
     * Another round of registering after a pause that doubles each round up to {@link #MAX_ROUND_PAUSE}: one connection
     * attempt, then up to {@link #ROUND} for REGISTERED.
     */
    private void nextRound() {
        long thisAttempt = attempt;
        Duration pause = roundPauses.take();
        LOG.debug("registering with the proxy again in {}", pause);
        node.loop().schedule(() -> {
            if (thisAttempt == attempt && wanted()) {
                registerWithin(ROUND, false, false);
            }
        }, pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onConnected(long thisAttempt, Channel connected) {
        if (thisAttempt != attempt || !wanted()) {
            connected.close(); // a connect of an earlier round that succeeded late
            return;
        }
        if (channel != null && channel != connected && !linkRegistered) {
            Channel unanswered = channel; // this round's earlier link, never answered
            registerLeftUnanswered = true;
            channel = null;
            unanswered.close();
        }
        channel = connected;
        lastConnectFailure = Optional.empty();
        // lastRefusal stays until this link is refused, authenticated or registered: the round may end while its
        // handshake is under way, and the refusal before it is then the cause to report (ClusterSecretIT saw the reason
        // go missing so)
        registeredReplica = primary.replica();
        Optional<NodeStorage> storage = node.storage();
        channel.writeAndFlush(new Frame.Register(node.epoch(), primary.pid(), node.serverId(),
                NodeNetwork.sapOf(config.shutdownSap()), primary.lastIndex(), registeredReplica,
                storage.map(NodeStorage::history).orElse(0L), storage.map(NodeStorage::compared).orElse(List.of()),
                unjudged));
        primary.takeoverStep("connected to the proxy, REGISTER sent");
        LOG.info("primary epoch {} registering with the proxy at {} (last index {}{})", node.epoch(),
                NodeNetwork.describe(config.proxySap()), primary.lastIndex(),
                unjudged ? "; before its backup judged its state: taken only if the proxy waits for this directory"
                        : "");
    }

    /**
     * {@link #askUnjudged}'s attempt ends without REGISTERED ({@code why}): its link, if any, is closed, and the
     * primary goes back to waiting for its backup's judgement. A REGISTER that went out and was left without an answer
     * ({@code unanswered}) may have been taken: the proxy then counts this primary lost when the link closes, and
     * takes its next REGISTER of the same epoch.
     */
    private void notTakenUnjudged(String why, boolean unanswered) {
        attempt++; // the attempt's timers have nothing left to do
        unjudged = false;
        started = false;
        registerLeftUnanswered |= unanswered;
        if (channel != null) {
            Channel asked = channel;
            channel = null;
            asked.close();
        }
        if (primary.backupTookState()) {
            primary.registerIfNotYet(); // judged meanwhile
            return;
        }
        Duration pause = unjudgedPauses.take();
        String said = "the proxy at " + NodeNetwork.describe(config.proxySap()) + " did not take this server before its"
                + " backup judged its state (" + why + "): it waits for that judgement, and asks again in "
                + Durations.text(pause);
        if (unjudgedRefusedBefore) {
            LOG.debug("{}", said);
        } else {
            LOG.info("{}", said);
        }
        unjudgedRefusedBefore = true;
        long thisAttempt = attempt;
        node.loop().schedule(() -> {
            if (thisAttempt == attempt && !started && wanted() && !primary.backupTookState()) {
                askUnjudged();
            }
        }, pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onRegistered(Channel registeredLink, long proxyPid) {
        if (registeredLink != channel) {
            return;
        }
        linkRegistered = true;
        unjudged = false;
        roundPauses.reset();
        closedPauses.reset();
        lastRefusal = Optional.empty();
        attempt++; // the registration timer of this attempt has nothing left to do
        if (primary.replica() != registeredReplica) {
            // the replica changed while the REGISTER was on its way (its REPLICA had no registered link to go on): the
            // proxy hears it before any answer, or it would promote a backup lost meanwhile
            replica(primary.replica());
        }
        primary.onRegistered(proxyPid);
    }

    /**
     * A link closed: before REGISTERED, try again within the same deadline; after it, register again (same epoch, pid).
     */
    private void onLinkClosed(Channel closed) {
        if (closed != channel || !wanted()) {
            return; // a link we replaced, or we are stopping anyway
        }
        if (unjudged) { // (cleared on REGISTERED)
            // a REGISTER held behind a failed cluster secret handshake never left; any other may have been taken
            Optional<String> refusal = LinkAuthHandler.refusal(closed);
            notTakenUnjudged(refusal.map(cause -> "the cluster secret handshake failed: " + cause)
                    .orElse("the proxy closed the link before it answered"), refusal.isEmpty());
            return;
        }
        answers.discard();
        if (linkRegistered) {
            LOG.warn("the proxy link was lost; registering again as epoch {} pid {} for up to {}", node.epoch(),
                    primary.pid(), Durations.text(config.primaryRegisterTimeout()));
            primary.onProxyLinkLost();
            registerWithin(config.primaryRegisterTimeout(), true, true);
            return;
        }
        long thisAttempt = attempt;
        Duration pause = closedPauses.take();
        lastRefusal = LinkAuthHandler.refusal(closed);
        if (lastRefusal.isPresent()) {
            // its REGISTER never left: LinkAuthHandler holds writes until the link is authenticated
            LOG.warn("the cluster secret handshake with the proxy failed ({}); trying again in {}", lastRefusal.get(),
                    Durations.text(pause));
        } else {
            // the proxy may have accepted it, and heard the replica it named, all the same
            registerLeftUnanswered = true;
            LOG.warn("the proxy closed the link before accepting the registration; trying again in {}",
                    Durations.text(pause));
        }
        node.loop().schedule(() -> {
            if (thisAttempt == attempt && wanted()) {
                connectOnce(thisAttempt);
            }
        }, pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether a REGISTER of ours went out on a link that closed, or was replaced, before its answer: the proxy may have
     * accepted it, and so heard the replica it named, without this primary ever hearing REGISTERED.
     */
    boolean registerLeftUnanswered() {
        return registerLeftUnanswered;
    }

    /**
     * Sends an answer on the registered link with the next {@link #flush}; without a link it is dropped (the proxy
     * resends its request).
     */
    void write(Frame.Answer answer) {
        if (linkRegistered && channel != null && channel.isActive()) {
            answers.add(channel, answer);
        }
    }

    /**
     * Tells the proxy which backup holds every update answered from now on (0: none), in order after the answers
     * already written; without a registered link the next REGISTER carries it.
     */
    void replica(long backupServer) {
        if (linkRegistered && channel != null && channel.isActive()) {
            answers.handOverAll();
            channel.writeAndFlush(new Frame.Replica(backupServer), channel.voidPromise());
        }
    }

    /** STEPPED_DOWN, after every answer written (docs/design.md "Switchover"); nothing without a registered link. */
    void steppedDown(long index) {
        if (linkRegistered && channel != null && channel.isActive()) {
            answers.handOverAll();
            channel.writeAndFlush(new Frame.SteppedDown(index), channel.voidPromise());
        }
    }

    /**
     * BUSY: this primary starts work that keeps it silent up to {@code millis}. The answers framed so far go first, and
     * both leave now, before the work; nothing without a registered link.
     */
    void busy(long millis) {
        if (linkRegistered && channel != null && channel.isActive()) {
            answers.handOver();
            channel.writeAndFlush(new Frame.Busy(millis), channel.voidPromise());
        }
    }

    /** STEP_DOWN_REFUSED with why; nothing without a registered link. */
    void stepDownRefused(String reason) {
        if (linkRegistered && channel != null && channel.isActive()) {
            channel.writeAndFlush(new Frame.StepDownRefused(reason), channel.voidPromise());
        }
    }

    void flush() {
        if (channel != null) {
            answers.handOver();
            channel.flush();
        }
    }

    /** Reading from the current link off and on, for {@link FairTurns}. */
    FairTurns.Reading reading() {
        return new FairTurns.Reading() {
            @Override
            public void pause() {
                if (channel != null) {
                    channel.config().setAutoRead(false);
                }
            }

            @Override
            public void resume() {
                if (channel != null) {
                    channel.config().setAutoRead(true);
                }
            }
        };
    }

    void close() {
        closing = true;
        if (channel != null) {
            answers.handOverAll();
            // Close once every answer already written has reached the socket: a plain close() fails writes still
            // queued behind a full socket buffer, and those are answers SHUTDOWN promised to deliver.
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private ChannelInitializer<Channel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.config().setWriteBufferWaterMark(LINK_BUFFER);
                channel.pipeline().addLast(new IdleStateHandler(SILENCE_LIMIT.toMillis(), PING_AFTER.toMillis(), 0,
                        TimeUnit.MILLISECONDS));
                FrameCodec.install(channel.pipeline());
                channel.pipeline().addLast(new Handler());
            }
        };
    }

    /** Runs on the node's event loop (the channel is registered there), so it may call the primary directly. */
    private final class Handler extends SimpleChannelInboundHandler<Frame> {

        /** Active once the link is authenticated, with a cluster secret: a refusal before it no longer says why. */
        @Override
        public void channelActive(ChannelHandlerContext context) throws Exception {
            if (context.channel() == channel) {
                lastRefusal = Optional.empty();
            }
            super.channelActive(context);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, Frame frame) {
            if (context.channel() != channel) {
                return; // a link replaced or given up on: whatever it still carries is stale
            }
            if (frame instanceof Frame.Request request) {
                primary.onRequest(request);
            } else if (frame instanceof Frame.Closed closed) {
                primary.onClientClosed(closed.conn());
            } else if (frame instanceof Frame.Ping ping) {
                context.writeAndFlush(new Frame.Pong(ping.nanos()));
            } else if (frame instanceof Frame.Registered registered) {
                onRegistered(context.channel(), registered.proxyPid());
            } else if (frame instanceof Frame.StaleEpoch stale && unjudged) {
                notTakenUnjudged("it waits for no node directory this server compared, or it has seen epoch "
                        + stale.currentEpoch(), false);
            } else if (frame instanceof Frame.StaleEpoch stale) {
                primary.onStaleEpoch(stale.currentEpoch());
            } else if (frame instanceof Frame.StepDown stepDown && linkRegistered) {
                primary.stepDown(stepDown.epoch());
            } else if (!(frame instanceof Frame.Pong)) {
                LOG.warn("primary ignores an unexpected {} frame from the proxy", frame.type());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) {
            if (event instanceof IdleStateEvent idle) {
                if (idle.state() == IdleState.WRITER_IDLE) {
                    context.writeAndFlush(new Frame.Ping(System.nanoTime()));
                } else if (idle.state() == IdleState.READER_IDLE && primary.servingBacklog(SILENCE_LIMIT)) {
                    LOG.debug("the proxy link is not read while a backlog of requests is served");
                } else if (idle.state() == IdleState.READER_IDLE) {
                    LOG.warn("the proxy link was silent for {}; closing it", Durations.text(SILENCE_LIMIT));
                    context.close();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            onLinkClosed(context.channel());
            primary.proxyOutputChanged(); // what waited for this link is dropped: serving goes on
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext context) {
            primary.proxyOutputChanged();
            context.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LOG.warn("proxy link error: {}", cause.toString());
            context.close();
        }
    }
}
