package tuplespace.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.Channel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Answers;
import tuplespace.codec.auth.LinkAuthHandler;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.auth.RepeatedRefusals;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.codec.tls.TlsGate;
import tuplespace.codec.tls.TlsSettings;

/**
 * The pipelines of the proxy's three listeners (README "Running it"): client lines, primary frames, shutdown commands.
 */
final class ProxyInitializer {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyInitializer.class);
    /** A shutdown-port connection idle this long is closed (a half-open peer must not stay forever). */
    private static final long SHUTDOWN_PORT_IDLE_SECONDS = 60;
    private static final int SHUTDOWN_PORT_MAX_LINE = 1024;

    private ProxyInitializer() {
    }

    /**
     * Client port: request lines in, answer text out; with TLS, a plain-text client is refused in plain text, and
     * without, a client that begins a TLS handshake is.
     */
    static ChannelInitializer<Channel> clientPort(ProxyContext context) {
        Optional<SslContext> tls = context.config().security().clientTls().map(TlsSettings::serverContext);
        String plainRefusal = Answers.refused("service refused: this port requires TLS (the Java library:"
                + " ClientOptions.withTls; the command-line client: --tls-ca FILE)");
        String tlsRefusal = Answers.refused("service refused: this port takes plain text, not TLS");
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                // a client that shuts its side after its last request (nc -N) still gets every answer
                channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                TlsGate.Refusals refused = (peer, why) -> LOG.warn("client {} refused: {}", peer,
                        why);
                channel.pipeline().addLast(tls.map(server -> new TlsGate(server, plainRefusal, refused))
                        .orElseGet(() -> TlsGate.plainPort(tlsRefusal, refused)));
                // with --client-auth-file the first line must be AUTH <token>; the front end sees the client only then
                context.config().security().clientToken().ifPresent(token ->
                        channel.pipeline().addLast(new ClientAuthHandler(token)));
                Duration idle = context.config().clientIdleTimeout();
                if (!idle.isZero()) {
                    // nothing read, and no answer's bytes going out (observed: a long answer read slowly is not idle):
                    // the front end closes it unless a request is under way
                    channel.pipeline().addLast(new IdleStateHandler(true, 0, 0, idle.toNanos(), TimeUnit.NANOSECONDS));
                }
                channel.pipeline().addLast(
                        new ClientLineDecoder(context.config().maxLineBytes(), context.config().clientBufferBytes()),
                        new ClientFrontendHandler(context));
            }
        };
    }

    /** Primary port: frames, with PING on a quiet link and a dead link closed after the allowed misses. */
    static ChannelInitializer<Channel> primaryPort(ProxyContext context) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                // with a cluster secret, nothing of a peer reaches the registry before it proved knowledge of it
                context.config().security().links().guardAccepted(channel.pipeline(), LinkRole.PRIMARY,
                        context.refusedPeers());
                long ping = context.config().pingInterval().toNanos();
                // reader idle only: a silent link is dead; PINGs go out from PrimaryLinkPinger
                channel.pipeline().addLast(new IdleStateHandler(ping * context.config().pingMisses(), 0, 0,
                        TimeUnit.NANOSECONDS));
                // an oversize ANSWER is skipped and reported, not fatal: the link (and the service) stays up
                FrameCodec.installSkippingOversize(channel.pipeline(), context.config().maxFrameBytes());
                PrimaryLinkPinger pinger = new PrimaryLinkPinger(ping);
                PrimaryBackendHandler backend = new PrimaryBackendHandler(context, pinger);
                // a long answer comes in parts, so that other answers can go between them: joined here
                channel.pipeline().addLast(new AnswerParts(context.config().maxFrameBytes(), backend::isRegisteredLink));
                channel.pipeline().addLast(pinger);
                // clients stop being read while this much waits to go to the primary (ClientSession.updateReading)
                channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 4 << 20));
                channel.pipeline().addLast(backend);
            }
        };
    }

    /** Shutdown port: short command lines, one answer line each. */
    static ChannelInitializer<Channel> shutdownPort(ProxyContext context, ProxyStatusReporter statusReporter,
            Supplier<Future<String>> requestShutdown) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(
                        new ReadTimeoutHandler(SHUTDOWN_PORT_IDLE_SECONDS, TimeUnit.SECONDS),
                        new LineBasedFrameDecoder(SHUTDOWN_PORT_MAX_LINE, true, true),
                        new StringDecoder(StandardCharsets.UTF_8),
                        new StringEncoder(StandardCharsets.UTF_8),
                        new ShutdownPortHandler(context, statusReporter, requestShutdown));
                context.config().security().links().guardAccepted(channel.pipeline(), LinkRole.ADMIN,
                        context.refusedPeers());
            }
        };
    }

    /**
     * A refused peer: one WARN with its address (the {@value LinkAuthHandler#AUTH_REFUSED_EVENT} event), the same one
     * again at most once a minute ({@link RepeatedRefusals}). One per proxy: {@link ProxyContext#refusedPeers()}.
     */
    static LinkAuthHandler.RefusalListener refusedPeers() {
        return new RepeatedRefusals((peer, role, connecting, reason) -> LOG.warn(
                "event {}: {} link {} {} refused: {}", LinkAuthHandler.AUTH_REFUSED_EVENT, role.wireName(),
                connecting ? "to" : "from", peer, reason));
    }
}
