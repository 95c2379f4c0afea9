package tuplespace.proxy;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Answers;
import tuplespace.codec.Lines;

/**
 * The client side of the proxy: admits the client (or refuses it, docs/protocol.md "Limits and failures"), feeds its
 * lines to its {@link ClientSession} and stops reading while the client does not read its answers. One instance per
 * channel; all state is confined to the channel's event loop.
 */
final class ClientFrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientFrontendHandler.class);

    private final ProxyContext context;
    private ClientSession session;

    ClientFrontendHandler(ProxyContext context) {
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!context.sessions().tryAdmit()) {
            refuse(ctx);
            return;
        }
        session = new ClientSession(context.sessions().nextConn(), ctx.channel(), context);
        context.sessions().add(session);
        LOG.debug("client {} connected as conn {}", ctx.channel().remoteAddress(),
                Long.toHexString(session.conn()));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (session == null) {
            if (message instanceof ClientLineDecoder.LinesAfterEnd lines) {
                lines.release();
            }
            ReferenceCountUtil.release(message);
            return; // refused: its bytes are ignored until it is closed
        }
        session.take(message);
    }

    /**
     * The client shut its side (the channel allows half-closure): its requests are answered, then it closes. Or it was
     * idle for {@code --client-idle-timeout}: closed unless a request of it is under way.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && session != null) {
            session.closeIfIdle(context.config().clientIdleTimeout());
        }
        if (event == ChannelInputShutdownEvent.INSTANCE) {
            if (session == null) {
                ctx.close(); // refused: nothing to answer
            } else {
                session.onInputShutdown();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // a client that does not read its answers stops being read, so it cannot make the proxy buffer without end
        if (session != null) {
            session.updateReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            session.onClosed();
            context.sessions().remove(session);
            if (session.slotGivenBack()) {
                context.sessions().endedClosed();
            } else {
                context.sessions().release();
            }
            LOG.debug("conn {} closed", Long.toHexString(session.conn()));
            session = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client {} failed, closing: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void refuse(ChannelHandlerContext ctx) {
        int most = context.sessions().maxClients();
        String error = "service refused: this proxy already serves " + Lines.count(most, "client");
        context.fullRefusals().refused("refused client " + ctx.channel().remoteAddress() + ": " + error)
                .ifPresent(line -> LOG.warn("{}", line));
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), Answers.refused(error)))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
