package tuplespace.node;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;

/**
 * The primary's link to the proxy (docs/internals.md "Proxy ⇄ primary frames"): connects to PROXY_SAP,
 * registers, then turns REQUEST and CLOSED frames into calls on {@link PrimaryNode} and carries ANSWERs
 * back. An idle link is probed with PING; a link silent for {@link #SILENCE_LIMIT} counts as lost.
 */
final class ProxyLink {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyLink.class);
    static final Duration PING_AFTER = Duration.ofSeconds(1);
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(5);

    private final ServerNode node;
    private final NodeConfig config;
    private final PrimaryNode primary;
    private Channel channel;
    private boolean started;
    private boolean closing;

    ProxyLink(ServerNode node, NodeConfig config, PrimaryNode primary) {
        this.node = node;
        this.config = config;
        this.primary = primary;
    }

    boolean started() {
        return started;
    }

    void connect() {
        started = true;
        long deadline = NodeNetwork.deadline(config.primaryRegisterTimeout());
        new NodeNetwork(node.loop()).connect(config.proxySap(), initializer(), deadline, () -> !closing,
                this::onConnected,
                cause -> primary.onProxyUnreachable("could not connect to the proxy at PROXY_SAP "
                        + NodeNetwork.describe(config.proxySap()) + " within " + config.primaryRegisterTimeout()
                        + ": " + cause));
        node.loop().schedule(() -> {
            if (!primary.registered() && !closing && !primary.stopping()) {
                primary.onProxyUnreachable("the proxy at " + NodeNetwork.describe(config.proxySap())
                        + " did not accept the registration within " + config.primaryRegisterTimeout());
            }
        }, config.primaryRegisterTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onConnected(Channel connected) {
        channel = connected;
        channel.writeAndFlush(new Frame.Register(node.epoch(), primary.pid(), NodeNetwork.sapOf(config.shutdownSap()),
                primary.lastIndex()));
        primary.takeoverStep("connected to the proxy, REGISTER sent");
        LOG.info("primary epoch {} registering with the proxy at {} (last index {})", node.epoch(),
                NodeNetwork.describe(config.proxySap()), primary.lastIndex());
    }

    void write(Frame.Answer answer) {
        if (channel != null && channel.isActive()) {
            channel.write(answer, channel.voidPromise());
        }
    }

    void flush() {
        if (channel != null) {
            channel.flush();
        }
    }

    /** Reading from the current link off and on, for {@link BoundedTurns}. */
    BoundedTurns.Reading reading() {
        return new BoundedTurns.Reading() {
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
            channel.close();
        }
    }

    private ChannelInitializer<SocketChannel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(new IdleStateHandler(SILENCE_LIMIT.toMillis(), PING_AFTER.toMillis(), 0,
                        TimeUnit.MILLISECONDS));
                FrameCodec.install(channel.pipeline());
                channel.pipeline().addLast(new Handler());
            }
        };
    }

    /** Runs on the node's event loop (the channel is registered there), so it may call the primary directly. */
    private final class Handler extends SimpleChannelInboundHandler<Frame> {

        @Override
        protected void channelRead0(ChannelHandlerContext context, Frame frame) {
            if (frame instanceof Frame.Request request) {
                primary.onRequest(request);
            } else if (frame instanceof Frame.Closed closed) {
                primary.onClientClosed(closed.conn());
            } else if (frame instanceof Frame.Ping ping) {
                context.writeAndFlush(new Frame.Pong(ping.nanos()));
            } else if (frame instanceof Frame.Registered registered) {
                primary.onRegistered(registered.proxyPid());
            } else if (frame instanceof Frame.StaleEpoch stale) {
                primary.onStaleEpoch(stale.currentEpoch());
            } else if (!(frame instanceof Frame.Pong)) {
                LOG.warn("primary ignores an unexpected {} frame from the proxy", frame.type());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) {
            if (event instanceof IdleStateEvent idle) {
                if (idle.state() == IdleState.WRITER_IDLE) {
                    context.writeAndFlush(new Frame.Ping(System.nanoTime()));
                } else if (idle.state() == IdleState.READER_IDLE && primary.servingBacklog()) {
                    LOG.debug("the proxy link is not read while a backlog of requests is served");
                } else if (idle.state() == IdleState.READER_IDLE) {
                    LOG.warn("the proxy link was silent for {}; closing it", SILENCE_LIMIT);
                    context.close();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            if (closing || primary.stopping()) {
                return;
            }
            if (primary.registered()) {
                primary.onProxyLost("the proxy closed the link");
            } else {
                LOG.warn("the proxy closed the link before accepting the registration; retrying");
                node.loop().schedule(() -> {
                    if (!closing && !primary.stopping()) {
                        connect();
                    }
                }, 100, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LOG.warn("proxy link error: {}", cause.toString());
            context.close();
        }
    }
}
