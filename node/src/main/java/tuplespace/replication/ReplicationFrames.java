package tuplespace.replication;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.channel.socket.SocketChannel;
import java.util.List;
import java.util.function.Supplier;

/** Netty framing for the node-internal links: a 4-byte length, then a {@link ReplicationCodec} payload. */
public final class ReplicationFrames {

    /** Large enough for a snapshot slice or a batch of big effects; anything larger is garbage. */
    public static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

    private ReplicationFrames() {
    }

    /** A node-internal link's pipeline: the frames, then a fresh {@code handler} for each connection. */
    public static ChannelInitializer<SocketChannel> initializer(Supplier<? extends ChannelHandler> handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                addTo(channel.pipeline());
                channel.pipeline().addLast(handler.get());
            }
        };
    }

    /** Adds the decoder and encoder; inbound messages arrive as {@link ReplicationMessage}s. */
    public static void addTo(ChannelPipeline pipeline) {
        pipeline.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4));
        pipeline.addLast("frame-encoder", new LengthFieldPrepender(4));
        pipeline.addLast("message-decoder", new Decoder());
        pipeline.addLast("message-encoder", new Encoder());
    }

    private static final class Decoder extends MessageToMessageDecoder<ByteBuf> {
        @Override
        protected void decode(ChannelHandlerContext context, ByteBuf frame, List<Object> out) {
            out.add(ReplicationCodec.decode(frame));
        }
    }

    private static final class Encoder extends MessageToByteEncoder<ReplicationMessage> {
        @Override
        protected void encode(ChannelHandlerContext context, ReplicationMessage message, ByteBuf out) {
            ReplicationCodec.encode(message, out);
        }
    }
}
