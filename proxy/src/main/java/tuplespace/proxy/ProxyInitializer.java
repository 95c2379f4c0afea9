package tuplespace.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import tuplespace.codec.frame.FrameCodec;

/** The pipelines of the proxy's three listeners (SPEC §3): client lines, primary frames, shutdown commands. */
final class ProxyInitializer {
    /** A shutdown-port connection idle this long is closed (a half-open peer must not stay forever). */
    private static final long SHUTDOWN_PORT_IDLE_SECONDS = 60;
    private static final int SHUTDOWN_PORT_MAX_LINE = 1024;

    private ProxyInitializer() {
    }

    /** Client port: request lines in, answer text out. */
    static ChannelInitializer<SocketChannel> clientPort(ProxyContext context) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(
                        new ClientLineDecoder(context.config().maxLineBytes()),
                        new ClientFrontendHandler(context));
            }
        };
    }

    /** Primary port: frames, with PING on a quiet link and a dead link closed after the allowed misses. */
    static ChannelInitializer<SocketChannel> primaryPort(ProxyContext context) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                long ping = context.config().pingInterval().toNanos();
                // reader idle only: a silent link is dead; PINGs go out from PrimaryLinkPinger
                channel.pipeline().addLast(new IdleStateHandler(ping * context.config().pingMisses(), 0, 0,
                        TimeUnit.NANOSECONDS));
                // an oversize ANSWER is skipped and reported, not fatal: the link (and the service) stays up
                FrameCodec.installSkippingOversize(channel.pipeline(), context.config().maxFrameBytes());
                channel.pipeline().addLast(new PrimaryLinkPinger(ping));
                // clients stop being read while this much waits to go to the primary (ClientSession.updateReading)
                channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 4 << 20));
                channel.pipeline().addLast(new PrimaryBackendHandler(context));
            }
        };
    }

    /** Shutdown port: short command lines, one answer line each. */
    static ChannelInitializer<SocketChannel> shutdownPort(ProxyContext context, ProxyStatusReporter statusReporter,
            Supplier<Future<String>> requestShutdown) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(
                        new ReadTimeoutHandler(SHUTDOWN_PORT_IDLE_SECONDS, TimeUnit.SECONDS),
                        new LineBasedFrameDecoder(SHUTDOWN_PORT_MAX_LINE, true, true),
                        new StringDecoder(StandardCharsets.UTF_8),
                        new StringEncoder(StandardCharsets.UTF_8),
                        new ShutdownPortHandler(context, statusReporter, requestShutdown));
            }
        };
    }
}
