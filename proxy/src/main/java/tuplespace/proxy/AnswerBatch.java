package tuplespace.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.List;

/**
 * Writes the answers a client gets at once (in seq order) to its channel: runs of small answers copied into one
 * buffer, larger answers passed on as they came from the primary link (no copy).
 *
 * <p>Why copy at all: with a pipeline of 16 exact GETs a client gets 16 answers of about 50 bytes in one flush.
 * Written one by one, each is an entry of the channel's outbound buffer (with its pending-bytes accounting and a
 * pipeline pass) and an iovec of the {@code writev}; the profile of 50 clients × 16 showed that bookkeeping as a
 * large part of the proxy's own (non-syscall) time. Copying 800 bytes is cheaper, and the client gets one
 * {@code send} of one buffer. An answer of {@link #COPY_LIMIT} bytes or more is not copied: its bytes dominate.
 */
final class AnswerBatch {

    /** Answers shorter than this are copied into a batch buffer; longer ones are written as they are. */
    static final int COPY_LIMIT = 1024;

    private AnswerBatch() {
    }

    /** Writes {@code answers} (taken over: each is written or released) to {@code channel}, unflushed. */
    static void write(Channel channel, List<ByteBuf> answers) {
        int count = answers.size();
        int from = 0;
        while (from < count) {
            int to = from;
            int bytes = 0;
            while (to < count && answers.get(to).readableBytes() < COPY_LIMIT) {
                bytes += answers.get(to).readableBytes();
                to++;
            }
            if (to - from >= 2) {
                channel.write(copied(channel, answers.subList(from, to), bytes), channel.voidPromise());
            } else if (to > from) {
                channel.write(answers.get(from), channel.voidPromise());
            }
            if (to < count) {
                channel.write(answers.get(to), channel.voidPromise()); // a large answer, as it is
                to++;
            }
            from = to;
        }
    }

    private static ByteBuf copied(Channel channel, List<ByteBuf> run, int bytes) {
        ByteBuf batch = channel.alloc().ioBuffer(bytes);
        for (int i = 0; i < run.size(); i++) {
            ByteBuf answer = run.get(i);
            batch.writeBytes(answer, answer.readerIndex(), answer.readableBytes());
            answer.release();
        }
        return batch;
    }
}
