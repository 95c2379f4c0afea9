package tuplespace.codec.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket transport of the proxy and the nodes: Linux's native epoll when Netty can load it (fewer system calls
 * and less garbage per read and write than the JDK selector, which matters at one small message per read), else
 * the JDK's NIO. Event loops and channels must come from the same transport.
 */
public enum Transport {
    EPOLL,
    NIO;

    /** System property that forces NIO, e.g. to rule the native transport out when diagnosing. */
    public static final String FORCE_NIO_PROPERTY = "tuplespace.nio";

    private static final Transport BEST = !Boolean.getBoolean(FORCE_NIO_PROPERTY) && epollLoads() ? EPOLL : NIO;

    /** The transport of this process (decided once: every loop and channel must agree). */
    public static Transport best() {
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
}
