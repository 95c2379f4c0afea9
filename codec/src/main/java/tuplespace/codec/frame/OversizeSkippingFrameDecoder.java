package tuplespace.codec.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import tuplespace.codec.netty.LargeMessageCumulator;

/**
 * Strips the 4-byte length prefix like Netty's {@code LengthFieldBasedFrameDecoder}, but a frame over the limit
 * does not break the link: its first bytes (type, and conn and seq for an ANSWER) become one {@link OversizeFrame},
 * and the rest of it is skipped as it arrives, never buffered. The stream stays in step, so the next frame decodes.
 */
final class OversizeSkippingFrameDecoder extends ByteToMessageDecoder {
    private static final int LENGTH_FIELD_BYTES = 4;
    /** Type byte, conn and seq: what an ANSWER starts with. */
    private static final int ANSWER_HEADER_BYTES = 1 + Long.BYTES + Long.BYTES;

    private final int maxFrameLength;
    private long bytesToSkip;

    OversizeSkippingFrameDecoder(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
        setCumulator(LargeMessageCumulator.INSTANCE); // a big ANSWER is relayed as the reads brought it, never copied
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (bytesToSkip > 0) {
            int skipped = (int) Math.min(bytesToSkip, in.readableBytes());
            in.skipBytes(skipped);
            bytesToSkip -= skipped;
            if (bytesToSkip > 0) {
                return;
            }
        }
        if (in.readableBytes() < LENGTH_FIELD_BYTES) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length <= maxFrameLength) {
            if (in.readableBytes() < LENGTH_FIELD_BYTES + length) {
                return;
            }
            in.skipBytes(LENGTH_FIELD_BYTES);
            out.add(in.readRetainedSlice((int) length));
            return;
        }
        int header = (int) Math.min(length, ANSWER_HEADER_BYTES);
        if (in.readableBytes() < LENGTH_FIELD_BYTES + header) {
            return;
        }
        int start = in.readerIndex() + LENGTH_FIELD_BYTES;
        byte typeCode = in.getByte(start);
        boolean answer = (typeCode == FrameType.ANSWER.code() || typeCode == FrameType.ANSWER_PART.code())
                && header == ANSWER_HEADER_BYTES; // the two share their first fields
        out.add(new OversizeFrame(typeCode, answer ? in.getLong(start + 1) : 0,
                answer ? Math.max(0, in.getLong(start + 1 + Long.BYTES)) : 0, length));
        in.skipBytes(LENGTH_FIELD_BYTES);
        bytesToSkip = length;
    }
}
