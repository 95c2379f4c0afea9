package tuplespace.codec.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Where the proxy's and the nodes' event loops and links come from: the seam between their logic and the network.
 * A process uses a {@link SocketTransport}: TCP sockets, its threads. A test may run a whole service in one JVM
 * on a simulated network instead (the launcher's tests: loops it can hang, links it can cut silently), and the same
 * failover logic runs unchanged. Every loop and channel of one process must come from one transport.
 *
 * <p>Callers give SAPs as {@link InetSocketAddress}es and configure their bootstraps' handlers and groups; the
 * transport picks the channel classes, sets the options its channels understand, and binds or connects.
 */
public interface Transport {

    /** For log lines: {@code IO_URING}, {@code EPOLL}, {@code NIO} (logged lower-cased), or a test's network's name. */
    String name();

    /**
     * A group of {@code threads} event loops: the threads that run the owner's handlers and tasks. Everything a node
     * owns runs on its group's one loop ("run on the node's thread").
     */
    EventLoopGroup newLoopGroup(int threads, String threadName);

    /** Binds {@code bootstrap} (group and child handler set) to listen at {@code address}. */
    ChannelFuture bind(ServerBootstrap bootstrap, InetSocketAddress address);

    /**
     * Connects {@code bootstrap} (group and handler set) to {@code address}; the future fails if nothing answers within
     * {@code timeout}.
     */
    ChannelFuture connect(Bootstrap bootstrap, InetSocketAddress address, Duration timeout);
}
