package tuplespace.node;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.Channel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Lines;

/**
 * The acting primary's SHUTDOWN_SAP (docs/internals.md "Shutdown SAPs"): line commands {@code SHUTDOWN} and
 * {@code STATUS}; anything else gets an error line naming both. SHUTDOWN is answered once SAVE_FILE is written
 * ({@code ok: ...}) or could not be ({@code error: ...}, and the node serves on). Lines are bounded and idle connections time
 * out, so garbage on this port never harms the node.
 */
final class ShutdownServer {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownServer.class);
    static final int MAX_LINE = 1024;
    static final int IDLE_SECONDS = 30;

    private final PrimaryNode primary;

    ShutdownServer(PrimaryNode primary) {
        this.primary = primary;
    }

    ChannelInitializer<Channel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline()
                        .addLast(new ReadTimeoutHandler(IDLE_SECONDS))
                        .addLast(new LineBasedFrameDecoder(MAX_LINE, true, true))
                        .addLast(new StringDecoder(StandardCharsets.UTF_8))
                        .addLast(new StringEncoder(StandardCharsets.UTF_8))
                        .addLast(new Handler());
            }
        };
    }

    /** On the node's event loop, like every node channel. */
    private final class Handler extends SimpleChannelInboundHandler<String> {

        @Override
        protected void channelRead0(ChannelHandlerContext context, String line) {
            String command = line.strip().toUpperCase(Locale.ROOT);
            if (command.equals("STATUS")) {
                context.writeAndFlush(primary.status().toJsonLine());
            } else if (command.equals("SHUTDOWN")) {
                LOG.info("SHUTDOWN received on the shutdown SAP");
                // answered once SAVE_FILE is written (ok, then the node stops) or could not be (error, it serves on):
                // the connection stays quiet meanwhile, for up to PrimaryNode.SAVE_LIMIT
                if (context.pipeline().get(ReadTimeoutHandler.class) != null) {
                    context.pipeline().remove(ReadTimeoutHandler.class);
                }
                primary.shutdown("SHUTDOWN command", answer ->
                        context.writeAndFlush(answer + "\n").addListener(ChannelFutureListener.CLOSE));
            } else if (command.equals("PROMOTE") || command.startsWith("SWITCHOVER")) {
                String proxyCommand = command.equals("PROMOTE") ? "PROMOTE" : "SWITCHOVER";
                context.writeAndFlush("error: expected SHUTDOWN or STATUS, found '" + shown(line) + "': the proxy"
                        + " takes " + proxyCommand + " on its own shutdown SAP (the proxy's third address), not a"
                        + " server's\n");
            } else {
                context.writeAndFlush("error: expected SHUTDOWN or STATUS, found '" + shown(line) + "'\n");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                context.writeAndFlush("error: expected SHUTDOWN or STATUS, found a line longer than " + MAX_LINE
                        + " bytes\n").addListener(ChannelFutureListener.CLOSE);
                return;
            }
            context.close();
        }
    }

    /** A line received, as an error quotes it. */
    private static String shown(String line) {
        return Lines.shortened(line.strip(), Lines.SHOWN_CHARS);
    }
}
