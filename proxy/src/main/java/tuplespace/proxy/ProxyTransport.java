package tuplespace.proxy;

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
 * The proxy's socket transport: Linux's native epoll when Netty can load it (fewer system calls and less garbage per
 * read and write than the JDK selector, which matters at one request per read), else the JDK's NIO. Event loops
 * and channels must come from the same transport.
 */
enum ProxyTransport {
    EPOLL,
    NIO;

    /** System property that forces NIO, e.g. to rule the native transport out when diagnosing. */
    static final String FORCE_NIO_PROPERTY = "tuplespace.proxy.nio";

    static ProxyTransport best() {
        return !Boolean.getBoolean(FORCE_NIO_PROPERTY) && Epoll.isAvailable() ? EPOLL : NIO;
    }

    IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
