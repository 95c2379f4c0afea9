package tuplespace.replication;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.channel.Channel;
import java.util.List;
import java.util.function.Supplier;
import tuplespace.codec.frame.FrameCodec;

/** Netty framing for the node-internal links: a 4-byte length, then a {@link ReplicationCodec} payload. */
public final class ReplicationFrames {

    /**
     * The largest frame on a node-internal link. One entry must always fit: its answer may hold
     * {@link FrameCodec#MAX_ANSWER_BYTES} and its effect about as much (a DELETE removes the keys its answer lists),
     * plus headers. Batches and answer chunks stay near {@link ReplicationBatch#MAX_BYTES}; snapshot frames
     * {@link SnapshotStream#FRAME_BYTES}, or one pair, bounded by a request line.
     */
    public static final int MAX_FRAME_BYTES = 2 * FrameCodec.MAX_ANSWER_BYTES + 16 * 1024 * 1024;

    private ReplicationFrames() {
    }

    /** A node-internal link's pipeline: the frames, then a fresh {@code handler} for each connection. */
    public static ChannelInitializer<Channel> initializer(Supplier<? extends ChannelHandler> handler) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                addTo(channel.pipeline());
                channel.pipeline().addLast(handler.get());
            }
        };
    }

    /** Adds the decoder and encoder; inbound messages arrive as {@link ReplicationMessage}s. */
    public static void addTo(ChannelPipeline pipeline) {
        addTo(pipeline, MAX_FRAME_BYTES);
    }

    /** With another frame limit: tests check the limit without building a 512 MiB frame. */
    static void addTo(ChannelPipeline pipeline, int maxFrameBytes) {
        pipeline.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4));
        pipeline.addLast("message-decoder", new Decoder());
        pipeline.addLast("message-encoder", new Encoder(maxFrameBytes));
    }

    private static final class Decoder extends MessageToMessageDecoder<ByteBuf> {
        @Override
        protected void decode(ChannelHandlerContext context, ByteBuf frame, List<Object> out) {
            out.add(ReplicationCodec.decode(frame));
        }
    }

    /**
     * Writes the 4-byte length and the payload into one buffer, sized up front for a batch of entries (one buffer
     * and no regrowth per frame: a batch is the primary's most frequent write). Never sends a frame the peer would
     * refuse: a larger message fails its write with an {@link EncoderException} (the sender closes the link; a
     * backup is then restarted and brought up to date by a sliced snapshot).
     */
    private static final class Encoder extends MessageToByteEncoder<ReplicationMessage> {
        private static final int LENGTH_BYTES = 4;
        private final int maxFrameBytes;

        Encoder(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        protected ByteBuf allocateBuffer(ChannelHandlerContext context, ReplicationMessage message, boolean preferDirect) {
            long expected = message instanceof ReplicationMessage.Entries entries
                    ? LENGTH_BYTES + ReplicationCodec.encodedSize(entries) : 64;
            int initial = (int) Math.min(expected, maxFrameBytes + (long) LENGTH_BYTES);
            return preferDirect ? context.alloc().ioBuffer(initial) : context.alloc().heapBuffer(initial);
        }

        @Override
        protected void encode(ChannelHandlerContext context, ReplicationMessage message, ByteBuf out) {
            int lengthAt = out.writerIndex();
            out.writeInt(0);
            ReplicationCodec.encode(message, out);
            int payload = out.writerIndex() - lengthAt - LENGTH_BYTES;
            if (payload > maxFrameBytes) {
                throw new EncoderException("expected a replication frame of at most " + maxFrameBytes + " bytes, found a "
                        + message.getClass().getSimpleName() + " of " + payload + " bytes");
            }
            out.setInt(lengthAt, payload);
        }
    }
}
