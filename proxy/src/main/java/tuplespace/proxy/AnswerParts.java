package tuplespace.proxy;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.codec.frame.FrameType;
import tuplespace.codec.frame.OversizeFrame;

/**
 * Joins a long answer that the primary sent in parts (ANSWER_PARTs, then the ANSWER with its last bytes) back into one
 * ANSWER, so that everything after it on the link sees whole answers. The parts are kept as they came (slices of the
 * link's read buffers, one composite buffer, no copy). A joined answer longer than the proxy's frame limit is
 * reported as the {@link OversizeFrame} a single ANSWER that long would have been, and its parts are dropped as they
 * come rather than kept (a part alone too long to read, skipped by the frame decoder, counts the same). Parts of an
 * answer the link never finishes are released when the link closes: the proxy resends that request to whichever
 * primary serves next. Parts from a link that is not the registered primary's are dropped at once.
 *
 * <p>One per primary link, on its event loop; a connection has at most one answer in parts at a time (the primary
 * sends a connection's answers in order), so a part for another seq of the same connection breaks the protocol.
 */
final class AnswerParts extends ChannelInboundHandlerAdapter {

    /** An answer being joined: its seq, its bytes so far ({@code null} once they are over the limit), their length. */
    private static final class Joining {
        final long seq;
        CompositeByteBuf bytes;
        long length;

        Joining(long seq, CompositeByteBuf bytes) {
            this.seq = seq;
            this.bytes = bytes;
        }

        /** Nothing of it will be relayed: what was kept goes, and nothing more is kept. */
        void drop() {
            if (bytes != null) {
                bytes.release();
                bytes = null;
            }
        }
    }

    private static final int ANSWER_FIELDS = FrameCodec.ANSWER_FIELDS_BYTES;

    private final int maxFrameBytes;
    /** Whether the link is the registered primary's: parts from any other peer are dropped, never kept. */
    private final BooleanSupplier registered;
    private final Map<Long, Joining> byConn = new HashMap<>();

    AnswerParts(int maxFrameBytes, BooleanSupplier registered) {
        this.maxFrameBytes = maxFrameBytes;
        this.registered = registered;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof Frame.AnswerPart part) {
            if (registered.getAsBoolean()) {
                add(ctx, part);
            } else {
                part.part().release(); // its ANSWER goes on and is dropped as not the registered primary's
            }
        } else if (message instanceof OversizeFrame oversize && oversize.isAnswerPart()) {
            overLimit(ctx, oversize); // a part alone over the limit (a proxy whose --max-frame is below a part's size)
        } else if (message instanceof Frame.Answer answer && byConn.containsKey(answer.conn())) {
            ctx.fireChannelRead(finish(answer));
        } else {
            ctx.fireChannelRead(message);
        }
    }

    private void add(ChannelHandlerContext ctx, Frame.AnswerPart part) {
        Joining joining;
        try {
            joining = joining(part.conn(), part.seq(), ctx);
        } catch (DecoderException e) {
            part.part().release();
            throw e;
        }
        joining.length += part.part().readableBytes();
        if (ANSWER_FIELDS + joining.length > maxFrameBytes) {
            joining.drop();
        }
        if (joining.bytes != null) {
            joining.bytes.addComponent(true, part.part());
        } else {
            part.part().release();
        }
    }

    /** A part too long to read: its answer is over the limit, and what came of it before is dropped. */
    private void overLimit(ChannelHandlerContext ctx, OversizeFrame part) {
        Joining joining = joining(part.conn(), part.seq(), ctx);
        joining.drop();
        joining.length += part.length() - ANSWER_FIELDS;
    }

    /** The answer in parts on {@code conn}, begun now if there is none; it must be {@code seq}'s. */
    private Joining joining(long conn, long seq, ChannelHandlerContext ctx) {
        Joining joining = byConn.get(conn);
        if (joining == null) {
            joining = new Joining(seq, ctx.alloc().compositeBuffer(Integer.MAX_VALUE));
            byConn.put(conn, joining);
        } else if (joining.seq != seq) {
            throw new DecoderException("ANSWER_PART for conn " + Long.toHexString(conn) + ": expected seq "
                    + joining.seq + " (its answer is not finished), found seq " + seq);
        }
        return joining;
    }

    /** The whole answer {@code last} ends, or what stands for one over the limit. */
    private Object finish(Frame.Answer last) {
        Joining joining = byConn.remove(last.conn());
        if (joining.seq != last.seq()) {
            last.answer().release();
            joining.drop();
            throw new DecoderException("ANSWER for conn " + Long.toHexString(last.conn()) + ": expected seq "
                    + joining.seq + " to end its parts, found seq " + last.seq());
        }
        long length = joining.length + last.answer().readableBytes();
        if (joining.bytes == null || ANSWER_FIELDS + length > maxFrameBytes) {
            last.answer().release();
            joining.drop();
            return new OversizeFrame(FrameType.ANSWER.code(), last.conn(), last.seq(), ANSWER_FIELDS + length);
        }
        joining.bytes.addComponent(true, last.answer());
        return new Frame.Answer(last.conn(), last.seq(), joining.bytes);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        byConn.values().forEach(Joining::drop);
        byConn.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
