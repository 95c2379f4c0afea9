package tuplespace.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * A client that does not read: its socket takes none of the bytes written to the channel until {@link #startReading},
 * so they wait in the channel's outbound buffer and count toward its writability, as with a real socket whose buffers
 * are full. Sits at the head of an embedded channel's pipeline and holds back the flushes that would hand the bytes
 * over.
 */
final class UnreadSocket extends ChannelOutboundHandlerAdapter {
    private ChannelHandlerContext context;
    private boolean reading;

    static UnreadSocket on(Channel channel) {
        UnreadSocket socket = new UnreadSocket();
        channel.pipeline().addFirst(socket);
        return socket;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (reading) {
            ctx.flush();
        }
    }

    /** The client reads everything written so far and from now on. */
    void startReading() {
        reading = true;
        context.flush();
    }

    /** Bytes written to the channel and not taken by the socket. */
    long waitingBytes() {
        return context.channel().unsafe().outboundBuffer().totalPendingWriteBytes();
    }
}
