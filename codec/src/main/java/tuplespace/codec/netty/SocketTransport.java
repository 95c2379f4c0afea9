package tuplespace.codec.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * TCP sockets, the transport of the proxy and node processes: one of Linux's native interfaces when Netty can load it,
 * else the JDK's NIO. Listeners reuse their address (a port the previous owner just released); accepted and opened
 * links send small messages at once (no Nagle) and keep-alive probes find a peer gone for good.
 *
 * <p>Which one a process takes depends on how many links one of its loops serves ({@link #forManyLinks()},
 * {@link #forFewLinks()}). io_uring hands the kernel the reads and writes of every link a loop turn has in one system
 * call; epoll makes one call per read and per write, but fewer than the JDK selector and with less garbage, which
 * matters at one small message per read. The proxy's loop serves 50 clients sending one request each at a time, and
 * io_uring answered a fifth more exact GETs through it (docs/performance-history.md); a node's loop serves two or
 * three links, where io_uring gained nothing and pipelined loads ran slower, so nodes keep epoll.
 *
 * <p>The system property {@value #PROPERTY} ({@code io_uring}, {@code epoll} or {@code nio}) names the transport a
 * process takes instead, e.g. to rule a native one out when diagnosing; naming one the machine cannot run stops the
 * process with the reason.
 */
public enum SocketTransport implements Transport {
    IO_URING,
    EPOLL,
    NIO;

    /** System property naming the transport a process takes instead of its default. */
    public static final String PROPERTY = "tuplespace.transport";

    /** What a process whose loops serve many links with small messages (the proxy) prefers, best first. */
    static final List<SocketTransport> FOR_MANY_LINKS = List.of(IO_URING, EPOLL, NIO);
    /** What a process whose loop serves a few links (a node) prefers, best first. */
    static final List<SocketTransport> FOR_FEW_LINKS = List.of(EPOLL, NIO);

    /**
     * For the proxy: io_uring, else epoll, else NIO; or the one {@value #PROPERTY} names.
     *
     * @throws IllegalArgumentException when {@value #PROPERTY} names no transport, or one this machine cannot run
     */
    public static SocketTransport forManyLinks() {
        return choose(System.getProperty(PROPERTY), FOR_MANY_LINKS, SocketTransport::available);
    }

    /**
     * For a node: epoll, else NIO; or the one {@value #PROPERTY} names.
     *
     * @throws IllegalArgumentException when {@value #PROPERTY} names no transport, or one this machine cannot run
     */
    public static SocketTransport forFewLinks() {
        return choose(System.getProperty(PROPERTY), FOR_FEW_LINKS, SocketTransport::available);
    }

    /**
     * The one {@code named} (the value of {@value #PROPERTY}, or null for none), else the first of {@code preferred}
     * that {@code available} allows (NIO always is). An operator who names a transport wants that one: one the machine
     * cannot run is refused with the reason, not swapped for another in silence.
     *
     * @throws IllegalArgumentException when {@code named} is no transport, or one that is not available
     */
    static SocketTransport choose(String named, List<SocketTransport> preferred, Predicate<SocketTransport> available) {
        if (named == null) {
            return preferred.stream().filter(available).findFirst().orElse(NIO);
        }
        SocketTransport chosen = parse(named);
        if (!available.test(chosen)) {
            throw new IllegalArgumentException("expected " + PROPERTY + " to name a transport this machine runs, found "
                    + chosen + ", which it cannot: " + chosen.unavailableBecause());
        }
        return chosen;
    }

    private static SocketTransport parse(String named) {
        String name = named.trim().toLowerCase(Locale.ROOT);
        for (SocketTransport transport : values()) {
            if (transport.toString().equals(name)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("expected " + PROPERTY + " to be one of "
                + Arrays.stream(values()).map(SocketTransport::toString).collect(Collectors.joining(", "))
                + ", found '" + named + "'");
    }

    /** Why {@link #available()} says no, as Netty found it; for messages. */
    public String unavailableBecause() {
        try {
            Throwable cause = switch (this) {
                case IO_URING -> IoUring.unavailabilityCause();
                case EPOLL -> Epoll.unavailabilityCause();
                case NIO -> null;
            };
            return cause == null ? "no reason given" : cause.toString();
        } catch (LinkageError absent) {
            return "its classes are not on the class path (" + absent + ")";
        }
    }

    /**
     * Whether this JVM on this machine runs it. The native transports' classes are optional dependencies of this
     * module (the servers bring them, the client library never uses them): absent from the class path means no.
     */
    public boolean available() {
        try {
            return switch (this) {
                case IO_URING -> IoUring.isAvailable();
                case EPOLL -> Epoll.isAvailable();
                case NIO -> true;
            };
        } catch (LinkageError absent) {
            return false;
        }
    }

    /** {@code io_uring}, {@code epoll} or {@code nio}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Completion-queue entries of an io_uring loop: eight times Netty's 4,096. A flood of clients (32 threads each
     * connecting, pipelining 20 GETs of 1 MB answers and closing) overflowed 4,096 on the proxy's loop, and Netty
     * logged a WARN at each overflow, 440-460 lines in 20 s; none with this many (16 bytes each: 512 KiB per loop).
     * Completions past the queue are not lost (the kernel holds them), only handled later.
     */
    static final int COMPLETION_QUEUE_ENTRIES = 32_768;

    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory(
                    new IoUringIoHandlerConfig().setCqSize(COMPLETION_QUEUE_ENTRIES));
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends SocketChannel> socketChannel() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /**
     * The option that bounds what a socket keeps unsent in the kernel ({@code TCP_NOTSENT_LOWAT}), on the transports
     * that set it; NIO cannot.
     */
    public Optional<ChannelOption<Long>> notSentLowWatermark() {
        return switch (this) {
            case IO_URING -> Optional.of(IoUringChannelOption.TCP_NOTSENT_LOWAT);
            case EPOLL -> Optional.of(EpollChannelOption.TCP_NOTSENT_LOWAT);
            case NIO -> Optional.empty();
        };
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
