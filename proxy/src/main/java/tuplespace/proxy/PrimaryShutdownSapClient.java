package tuplespace.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import tuplespace.codec.Sap;
import tuplespace.codec.auth.LinkAuthHandler;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.netty.Transport;

/**
 * Sends one line command ({@code SHUTDOWN}, {@code STATUS}) to a primary's shutdown SAP and returns its first
 * answer line (docs/internals.md "Shutdown SAPs"). Connecting and waiting for the answer are both bounded.
 */
final class PrimaryShutdownSapClient {
    private static final int MAX_ANSWER_BYTES = 1 << 20;

    private final EventLoopGroup group;
    private final Transport transport;
    private final Duration timeout;
    private final LinkSecurity security;
    private final LinkAuthHandler.RefusalListener refused;

    PrimaryShutdownSapClient(EventLoopGroup group, Transport transport, Duration timeout, LinkSecurity security,
                             LinkAuthHandler.RefusalListener refused) {
        this.group = group;
        this.transport = transport;
        this.timeout = timeout;
        this.security = security;
        this.refused = refused;
    }

    /** Completes with the answer line, or fails (connect refused, timeout, closed without an answer). */
    Future<String> send(Sap sap, String command) {
        return send(sap, command, timeout);
    }

    /**
     * {@link #send(Sap, String)}, waiting up to {@code answerTimeout} for the answer once connected (SHUTDOWN: the
     * primary answers once it has saved its file).
     */
    Future<String> send(Sap sap, String command, Duration answerTimeout) {
        Promise<String> answer = group.next().newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(
                                new ReadTimeoutHandler(answerTimeout.toNanos(), TimeUnit.NANOSECONDS),
                                new LineBasedFrameDecoder(MAX_ANSWER_BYTES),
                                new StringDecoder(StandardCharsets.UTF_8),
                                new StringEncoder(StandardCharsets.UTF_8),
                                new FirstLineHandler(command, answer));
                        // the primary's SHUTDOWN_SAP takes commands only after the handshake, when there is a secret
                        security.guardConnecting(channel.pipeline(), LinkRole.ADMIN, refused);
                    }
                });
        ChannelFuture connect = transport.connect(bootstrap, sap.toSocketAddress(), timeout);
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                answer.tryFailure(done.cause());
            }
        });
        answer.addListener(done -> connect.channel().close());
        return answer;
    }

    /** Sends the command once connected, takes the first line as the answer. */
    private static final class FirstLineHandler extends SimpleChannelInboundHandler<String> {
        private final String command;
        private final Promise<String> answer;

        FirstLineHandler(String command, Promise<String> answer) {
            this.command = command;
            this.answer = answer;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(command + "\n");
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            answer.trySuccess(line);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.tryFailure(new java.io.IOException("the shutdown SAP closed the connection without answering "
                    + command));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.tryFailure(cause);
            ctx.close();
        }
    }
}
