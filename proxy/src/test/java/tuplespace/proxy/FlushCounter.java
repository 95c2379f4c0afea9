package tuplespace.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the flushes that reach the head of a channel's pipeline, i.e. the write calls the channel may make. */
final class FlushCounter extends ChannelOutboundHandlerAdapter {
    private final AtomicInteger count = new AtomicInteger();

    static FlushCounter on(Channel channel) {
        FlushCounter counter = new FlushCounter();
        channel.pipeline().addFirst(counter);
        return counter;
    }

    int count() {
        return count.get();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        count.incrementAndGet();
        ctx.flush();
    }
}
