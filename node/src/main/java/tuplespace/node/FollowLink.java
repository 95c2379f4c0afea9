package tuplespace.node;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;

/**
 * A backup's link to the proxy, the witness (docs/design.md "Failover"): FOLLOW(epoch, server id, ...), then PING/PONG
 * until the proxy sends PROMOTE, which it does only once it has lost the primary itself and that primary named this
 * backup its replica (or served on one copy from the node directory this backup recovered, {@link Frame.Follow}).
 * A link that closes or goes silent is opened again, with pauses growing to {@link #MAX_PAUSE}, for as long as the
 * backup follows; STALE_EPOCH (a newer primary serves) ends the following. On the node's event loop.
 */
final class FollowLink {

    private static final Logger LOG = LoggerFactory.getLogger(FollowLink.class);
    static final Duration FIRST_PAUSE = Duration.ofMillis(50);
    /**
     * A backup that waits for a proxy (its primary is gone) must follow a proxy started again before any server
     * registers there with an older state: a restarted proxy holds such a REGISTER this long at most (its
     * {@code PrimaryRegistry} waits {@code FOLLOWERS_RETURN_WITHIN}), so the pauses stay far below that.
     */
    static final Duration MAX_PAUSE = Duration.ofMillis(100);

    private final ServerNode node;
    private final NodeConfig config;
    private final Promoted promoted;
    private final Backoff pauses = new Backoff(FIRST_PAUSE, MAX_PAUSE);
    private Channel channel;
    private long epoch = -1;
    /** What it follows with is the copy recovered at start ({@link #follow}). */
    private boolean followsRecoveredCopy;
    /** The last entry the backup's copy holds now, said with each FOLLOW (an operator's PROMOTE compares them). */
    private final LongSupplier lastIndex;
    private long primaryServer;
    private boolean wanted;
    /**
     * The epoch the proxy said it had seen when it told this backup its copy is stale (STALE_EPOCH); -1 while none did
     * since the backup last began to follow.
     */
    private long newerEpochSeen = -1;
    /** Counts the links opened; a callback of an earlier one is ignored. */
    private long attempt;

    /** What the backup does with a PROMOTE. */
    interface Promoted {
        /**
         * The proxy granted {@code epoch}; with {@code switchover} the primary followed stepped down for this backup (it
         * lives on, holding the same state, and must not be fenced).
         */
        void promoted(long epoch, boolean switchover);
    }

    FollowLink(ServerNode node, NodeConfig config, Promoted promoted, LongSupplier lastIndex) {
        this.node = node;
        this.config = config;
        this.promoted = promoted;
        this.lastIndex = lastIndex;
    }

    /**
     * Follows the primary of {@code followedEpoch}, server id {@code followedServer}, from now on (again, if it was
     * following another). {@code recovered}: with the copy recovered from the backup's own data directory at start,
     * which a proxy that saw a newer epoch refuses as a matter of course (the next backup started where the old primary
     * ran, after a failover): said at INFO then, not WARN.
     */
    void follow(long followedEpoch, long followedServer, boolean recovered) {
        if (wanted && epoch == followedEpoch && primaryServer == followedServer && channel != null) {
            return;
        }
        followsRecoveredCopy = recovered;
        epoch = followedEpoch;
        primaryServer = followedServer;
        wanted = true;
        newerEpochSeen = -1;
        pauses.reset();
        closeChannel();
        open();
    }

    /**
     * BUSY: this backup starts applying what keeps its loop from the link for up to {@code millis}; the proxy takes
     * that silence as the work, not as a lost follower. Nothing without a link.
     */
    void busy(long millis) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(new Frame.Busy(millis), channel.voidPromise());
        }
    }

    /** True while a link to the proxy is open: the proxy hears this backup and may promote it. */
    boolean linked() {
        return channel != null && channel.isActive();
    }

    /** The newer epoch the proxy has seen, when it told this backup that its copy is stale; empty otherwise. */
    OptionalLong newerEpochSeen() {
        return newerEpochSeen < 0 ? OptionalLong.empty() : OptionalLong.of(newerEpochSeen);
    }

    /** Stops following (taking over, or stopping): the link closes and is not opened again. */
    void stop() {
        wanted = false;
        closeChannel();
    }

    private void closeChannel() {
        attempt++;
        if (channel != null) {
            Channel closing = channel;
            channel = null;
            closing.close();
        }
    }

    private void open() {
        long thisAttempt = ++attempt;
        node.network().connect(config.proxySap(), LinkRole.PRIMARY, initializer(thisAttempt),
                NodeNetwork.deadline(ProxyLink.ROUND), () -> wanted && thisAttempt == attempt,
                connected -> {
                    if (!wanted || thisAttempt != attempt) {
                        connected.close();
                        return;
                    }
                    channel = connected;
                    // leaves once the link is authenticated; names the node directory the copy is kept in, which
                    // the proxy may wait for (a primary lost while it served on one copy from it)
                    Optional<NodeStorage> storage = node.storage();
                    connected.writeAndFlush(new Frame.Follow(epoch, node.serverId(), primaryServer,
                            lastIndex.getAsLong(), storage.map(NodeStorage::history).orElse(0L),
                            storage.map(NodeStorage::directoryName).orElse(""),
                            storage.map(NodeStorage::answersWaitForForce).orElse(false)));
                },
                cause -> openAgainLater(thisAttempt));
    }

    private void openAgainLater(long thisAttempt) {
        if (!wanted || thisAttempt != attempt) {
            return;
        }
        channel = null;
        Duration pause = pauses.take();
        LOG.debug("the follow link to the proxy is down; opening it again in {}", pause);
        node.loop().schedule(() -> {
            if (wanted && thisAttempt == attempt) {
                open();
            }
        }, pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ChannelInitializer<Channel> initializer(long thisAttempt) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel socket) {
                socket.pipeline().addLast(new IdleStateHandler(ProxyLink.SILENCE_LIMIT.toMillis(),
                        ProxyLink.PING_AFTER.toMillis(), 0, TimeUnit.MILLISECONDS));
                FrameCodec.install(socket.pipeline());
                socket.pipeline().addLast(new Handler(thisAttempt));
            }
        };
    }

    private final class Handler extends SimpleChannelInboundHandler<Frame> {
        private final long thisAttempt;

        Handler(long thisAttempt) {
            this.thisAttempt = thisAttempt;
        }

        /** Active once the link is authenticated, with a cluster secret: a refused link never follows. */
        @Override
        public void channelActive(ChannelHandlerContext context) throws Exception {
            if (thisAttempt == attempt && wanted) {
                LOG.info("backup follows epoch {} at the proxy {}", epoch, NodeNetwork.describe(config.proxySap()));
            }
            super.channelActive(context);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, Frame frame) {
            if (thisAttempt != attempt || !wanted) {
                return;
            }
            if (frame instanceof Frame.Ping ping) {
                context.writeAndFlush(new Frame.Pong(ping.nanos()));
            } else if (frame instanceof Frame.Promote promote) {
                LOG.info("the proxy promotes this backup to the primary of epoch {}{}", promote.epoch(),
                        promote.switchover() ? " (a switchover: the primary stepped down)" : "");
                promoted.promoted(promote.epoch(), promote.switchover());
            } else if (frame instanceof Frame.StaleEpoch stale) {
                // the primary followed was replaced: this copy can never take over; a new primary may sync it again
                if (followsRecoveredCopy) {
                    LOG.info("the proxy has seen epoch {}, above that of the copy this backup recovered ({}): it does"
                            + " not follow there, and waits for a primary to send it a new snapshot",
                            stale.currentEpoch(), epoch);
                } else {
                    LOG.warn("the proxy has seen epoch {}: this backup of epoch {} stops following until a primary"
                            + " sends it a new snapshot", stale.currentEpoch(), epoch);
                }
                stop();
                newerEpochSeen = stale.currentEpoch();
            } else if (!(frame instanceof Frame.Pong)) {
                LOG.warn("backup ignores an unexpected {} frame from the proxy", frame.type());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) {
            if (event instanceof IdleStateEvent idle) {
                if (idle.state() == IdleState.WRITER_IDLE) {
                    context.writeAndFlush(new Frame.Ping(System.nanoTime()));
                } else if (idle.state() == IdleState.READER_IDLE) {
                    LOG.warn("the follow link to the proxy was silent for {}; opening another",
                            Durations.text(ProxyLink.SILENCE_LIMIT));
                    context.close();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            openAgainLater(thisAttempt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LOG.debug("follow link error: {}", cause.toString());
            context.close();
        }
    }
}
