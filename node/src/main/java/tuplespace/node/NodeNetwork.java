package tuplespace.node;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import tuplespace.codec.Sap;
import tuplespace.codec.auth.LinkAuthHandler;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.netty.Transport;

/**
 * Links for a node: every channel lives on the node's one event loop, so handlers run on the thread that
 * owns the node state and need no hand-off. The channels come from the node's {@link Transport} (TCP, or a test's
 * simulated network). Every connect has a timeout; binds and connects are retried
 * until a deadline (a port the previous owner just released, a peer still starting). With a cluster secret every
 * connection, accepted or opened, starts with the link handshake for its {@link LinkRole} ({@link LinkSecurity}).
 */
final class NodeNetwork {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration RETRY_PAUSE = Duration.ofMillis(20);

    private final Transport transport;
    private final EventLoop loop;
    private final LinkSecurity security;
    private final LinkAuthHandler.RefusalListener refused;

    NodeNetwork(Transport transport, EventLoop loop, LinkSecurity security, LinkAuthHandler.RefusalListener refused) {
        this.transport = transport;
        this.loop = loop;
        this.security = security;
        this.refused = refused;
    }

    EventLoop loop() {
        return loop;
    }

    /** Binds {@code address} (SO_REUSEADDR), retrying until {@code deadlineNanos}; reports the channel or the last failure. */
    void bind(InetSocketAddress address, LinkRole role, ChannelInitializer<Channel> initializer,
              long deadlineNanos, Consumer<Channel> bound, Consumer<Throwable> failed) {
        bind(address, guarded(role, true, initializer), deadlineNanos, bound, failed);
    }

    private void bind(InetSocketAddress address, ChannelInitializer<Channel> initializer, long deadlineNanos,
              Consumer<Channel> bound, Consumer<Throwable> failed) {
        ChannelFuture future = transport.bind(new ServerBootstrap().group(loop, loop).childHandler(initializer), address);
        future.addListener(f -> {
            if (f.isSuccess()) {
                bound.accept(future.channel());
            } else if (System.nanoTime() - deadlineNanos < 0) {
                loop.schedule(() -> bind(address, initializer, deadlineNanos, bound, failed),
                        RETRY_PAUSE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                failed.accept(f.cause());
            }
        });
    }

    /** Connects to {@code address}, retrying until {@code deadlineNanos}; {@code stillWanted} can cancel the retries. */
    void connect(InetSocketAddress address, LinkRole role, ChannelInitializer<Channel> initializer,
                 long deadlineNanos, java.util.function.BooleanSupplier stillWanted, Consumer<Channel> connected,
                 Consumer<Throwable> failed) {
        connect(address, role, initializer, deadlineNanos, stillWanted, connected, cause -> { }, failed);
    }

    /** As above, and tells {@code missed} of each failed try that is tried again. */
    void connect(InetSocketAddress address, LinkRole role, ChannelInitializer<Channel> initializer,
                 long deadlineNanos, java.util.function.BooleanSupplier stillWanted, Consumer<Channel> connected,
                 Consumer<Throwable> missed, Consumer<Throwable> failed) {
        connect(address, guarded(role, false, initializer), deadlineNanos, stillWanted, connected, missed, failed);
    }

    private void connect(InetSocketAddress address, ChannelInitializer<Channel> initializer, long deadlineNanos,
                 java.util.function.BooleanSupplier stillWanted, Consumer<Channel> connected,
                 Consumer<Throwable> missed, Consumer<Throwable> failed) {
        if (!stillWanted.getAsBoolean()) {
            return;
        }
        ChannelFuture future = transport.connect(new Bootstrap().group(loop).handler(initializer), address,
                CONNECT_TIMEOUT);
        future.addListener(f -> {
            if (f.isSuccess()) {
                connected.accept(future.channel());
            } else if (System.nanoTime() - deadlineNanos < 0 && stillWanted.getAsBoolean()) {
                missed.accept(f.cause());
                loop.schedule(() -> connect(address, initializer, deadlineNanos, stillWanted, connected, missed,
                                failed), RETRY_PAUSE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                failed.accept(f.cause());
            }
        });
    }

    /**
     * Whether something accepts a TCP connection at {@code address} now: one attempt (within {@link #CONNECT_TIMEOUT}),
     * closed at once, before any handshake (the listener sees a connection close unused, which it does not count as a
     * refusal). Reports on the loop.
     */
    void probe(InetSocketAddress address, Consumer<Boolean> listening) {
        ChannelFuture future = transport.connect(new Bootstrap().group(loop).handler(new ChannelInboundHandlerAdapter()),
                address, CONNECT_TIMEOUT); // nothing is said on it
        future.addListener(f -> {
            if (f.isSuccess()) {
                future.channel().close();
            }
            listening.accept(f.isSuccess());
        });
    }

    /**
     * The link's own pipeline behind the handshake, when there is a secret: writes made on connecting (REGISTER, the
     * first heartbeat) wait for it, and the handlers see the channel become active only once the peer proved itself.
     */
    private ChannelInitializer<Channel> guarded(LinkRole role, boolean accepted,
                                                      ChannelInitializer<Channel> initializer) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(initializer);
                if (accepted) {
                    security.guardAccepted(channel.pipeline(), role, refused);
                } else {
                    security.guardConnecting(channel.pipeline(), role, refused);
                }
            }
        };
    }

    static long deadline(Duration fromNow) {
        return System.nanoTime() + fromNow.toNanos();
    }

    /** The SAP an address was given as ({@code [v6]:port} for IPv6), for messages and for other processes. */
    static Sap sapOf(InetSocketAddress address) {
        return new Sap(address.getHostString(), address.getPort());
    }

    static String describe(InetSocketAddress address) {
        return sapOf(address).toString();
    }
}
