package tuplespace.codec.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * TCP sockets, the transport of the proxy and node processes: Linux's native epoll when Netty can load it (fewer
 * system calls and less garbage per read and write than the JDK selector, which matters at one small message per
 * read), else the JDK's NIO. Listeners reuse their address (a port the previous owner just released); accepted and
 * opened links send small messages at once (no Nagle) and keep-alive probes find a peer gone for good.
 */
public enum SocketTransport implements Transport {
    EPOLL,
    NIO;

    /** System property that forces NIO, e.g. to rule the native transport out when diagnosing. */
    public static final String FORCE_NIO_PROPERTY = "tuplespace.nio";

    private static final SocketTransport BEST = !Boolean.getBoolean(FORCE_NIO_PROPERTY) && epollLoads() ? EPOLL : NIO;

    /** The transport of this process (decided once: every loop and channel must agree). */
    public static SocketTransport best() {
        return BEST;
    }

    /** Epoll's classes are an optional dependency of this module: absent from the class path means NIO. */
    private static boolean epollLoads() {
        try {
            return Epoll.isAvailable();
        } catch (LinkageError absent) {
            return false;
        }
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    @Override
    public EventLoopGroup newLoopGroup(int threads, String threadName) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadName), ioHandlerFactory());
    }

    @Override
    public ChannelFuture bind(ServerBootstrap bootstrap, InetSocketAddress address) {
        return bootstrap.channel(serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .bind(address);
    }

    @Override
    public ChannelFuture connect(Bootstrap bootstrap, InetSocketAddress address, Duration timeout) {
        return bootstrap.channel(socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .connect(address);
    }
}
