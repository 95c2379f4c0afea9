package tuplespace.proxy;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Lines;
import tuplespace.codec.ShutdownPortCommand;

/**
 * The proxy's SHUTDOWN_SAP: line commands {@code SHUTDOWN}, {@code STATUS}, {@code PROMOTE} and {@code SWITCHOVER}
 * (docs/internals.md "Shutdown SAPs").
 * Anything else is answered with an error line naming the four commands. Runs on the control event loop.
 */
final class ShutdownPortHandler extends SimpleChannelInboundHandler<String> {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownPortHandler.class);

    private final ProxyContext context;
    private final ProxyStatusReporter statusReporter;
    private final Supplier<Future<String>> requestShutdown;

    ShutdownPortHandler(ProxyContext context, ProxyStatusReporter statusReporter,
            Supplier<Future<String>> requestShutdown) {
        this.context = context;
        this.statusReporter = statusReporter;
        this.requestShutdown = requestShutdown;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
        Optional<ShutdownPortCommand> command = ShutdownPortCommand.parse(line);
        if (command.isEmpty()) {
            ctx.writeAndFlush("error: expected SHUTDOWN, STATUS, PROMOTE or SWITCHOVER, found '"
                    + Lines.shortened(line.strip(), Lines.SHOWN_CHARS) + "'\n");
        } else if (command.get() == ShutdownPortCommand.PROMOTE) {
            LOG.warn("PROMOTE requested by {}", ctx.channel().remoteAddress());
            context.controlLoop().submit(() -> context.registry().promoteByOperator()).addListener(answer -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush((answer.isSuccess() ? answer.getNow() : "error: " + answer.cause()) + "\n");
                }
            });
        } else if (command.get() == ShutdownPortCommand.SWITCHOVER) {
            LOG.info("SWITCHOVER requested by {}", ctx.channel().remoteAddress());
            Promise<String> answer = context.controlLoop().newPromise();
            answer.addListener(outcome -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush((outcome.isSuccess() ? outcome.getNow() : "error: " + outcome.cause()) + "\n");
                }
            });
            context.controlLoop().execute(() -> context.registry().switchover(answer));
        } else if (command.get() == ShutdownPortCommand.STATUS) {
            statusReporter.statusLine().addListener(status -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(status.getNow() + "\n");
                }
            });
        } else {
            LOG.info("SHUTDOWN requested by {}", ctx.channel().remoteAddress());
            // answered with the primary's word: ok once it has saved its file, or why it could not (it serves on)
            requestShutdown.get().addListener(answer -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(answer.getNow() + "\n");
                }
            });
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            ctx.writeAndFlush("error: expected SHUTDOWN, STATUS, PROMOTE or SWITCHOVER, found a line too long to be any\n")
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!(cause instanceof ReadTimeoutException)) {
            LOG.debug("shutdown port connection {} failed: {}", ctx.channel().remoteAddress(),
                    cause.toString());
        }
        ctx.close();
    }
}
