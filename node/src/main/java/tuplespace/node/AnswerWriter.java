package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;

/**
 * The ANSWER frames of one burst of serving, framed by {@link FrameCodec} into one buffer and handed to the proxy
 * link as one write. Each answer written on its own cost two buffers (frame and length prefix) and two entries of the
 * channel's outbound queue; a burst answers up to hundreds of requests. The bytes are exactly those of the link's
 * own pipeline: {@link FrameCodec#encodeWithLength}.
 *
 * <p>An answer longer than {@link #COPIED_ANSWER_BYTES} is not copied: the frames before it and its frame's start are
 * handed over, then the answer's own buffer (a GET of a million pairs is 40 MB: copying it on the loop allocated,
 * zeroed and copied that much while every other client waited).
 *
 * <p>The buffer is written to the channel as it is: {@link FrameCodec} passes a buffer of whole frames through.
 * Frames written on the channel meanwhile (PONG) may leave before the answers of the burst: the proxy matches them
 * by nothing but type. Runs on the channel's event loop.
 */
final class AnswerWriter {

    /** Past this much, the answers so far are handed to the channel before more are framed. */
    static final int HAND_OVER_BYTES = 64 * 1024;
    /** Longer answers go to the link in their own buffer, after their frame's start, instead of being copied. */
    static final int COPIED_ANSWER_BYTES = HAND_OVER_BYTES;
    private static final int INITIAL_BYTES = 1024;

    private Channel channel;
    private ByteBuf pending;

    /** Frames {@code answer} for {@code link}; answers framed for an earlier link are dropped. */
    void add(Channel link, Frame.Answer answer) {
        if (link != channel) {
            discard();
            channel = link;
        }
        if (pending == null) {
            pending = link.alloc().ioBuffer(INITIAL_BYTES);
        }
        ByteBuf text = answer.answer();
        if (text.readableBytes() > COPIED_ANSWER_BYTES) {
            FrameCodec.encodeAnswerHeaderWithLength(answer, pending);
            if (handOver()) {
                link.write(text.retainedDuplicate(), link.voidPromise());
            }
            return;
        }
        FrameCodec.encodeWithLength(answer, pending);
        if (pending.readableBytes() >= HAND_OVER_BYTES) {
            handOver();
        }
    }

    /**
     * Writes (without flushing) what was framed to its link; dropped if that link has closed. True unless it was
     * dropped.
     */
    boolean handOver() {
        if (pending == null) {
            return true;
        }
        ByteBuf framed = pending;
        pending = null;
        if (!channel.isActive()) {
            framed.release();
            return false;
        }
        channel.write(framed, channel.voidPromise());
        return true;
    }

    /** Drops what was framed and not handed over (the link is gone: the proxy resends the requests). */
    void discard() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** Bytes framed and not handed over yet. */
    int pendingBytes() {
        return pending == null ? 0 : pending.readableBytes();
    }
}
