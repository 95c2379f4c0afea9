package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.collection.LongObjectHashMap;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.codec.netty.NextTurn;

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
 * <p>An answer longer than {@link #PART_BYTES} goes in parts (ANSWER_PARTs, then an ANSWER with its last bytes, which
 * the proxy joins): one part is on its way at a time, and the next goes once it has reached the socket, so the
 * answers of other connections go between the parts instead of waiting behind the whole answer on the one link (a
 * small GET waited tens of ms behind a 40 MB one). Long answers take turns, a part each. A connection's later answers
 * wait until its answer in parts is out: the proxy relays a connection's answers in order. The parts are slices of
 * the answer's own buffer, never copies.
 *
 * <p>The buffer is written to the channel as it is: {@link FrameCodec} passes a buffer of whole frames through.
 * Frames written on the channel meanwhile (PONG) may leave before the answers of the burst: the proxy matches them
 * by nothing but type. Runs on the channel's event loop.
 *
 * <p>Memory that runs out while answers are framed (direct buffers: an {@code OutOfMemoryError}) leaves no half
 * frame: the writer drops every answer it holds and closes the link, the primary registers again, and the proxy
 * resends what it has not had answered, as after any lost link. Half-framed answers, or parts that stopped, would
 * have broken the link's frames or left connections waiting for good.
 */
final class AnswerWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AnswerWriter.class);

    /** Past this much, the answers so far are handed to the channel before more are framed. */
    static final int HAND_OVER_BYTES = 64 * 1024;
    /** Longer answers go to the link in their own buffer, after their frame's start, instead of being copied. */
    static final int COPIED_ANSWER_BYTES = HAND_OVER_BYTES;
    /** Longer answers go in parts of this many bytes. */
    static final int PART_BYTES = 256 * 1024;
    private static final int INITIAL_BYTES = 1024;
    /** Length prefix, type, conn, seq and text length. */
    private static final int TEXT_HEADER_BYTES = FrameCodec.LENGTH_FIELD_BYTES + FrameCodec.ANSWER_FIELDS_BYTES;

    /** A long answer on its way in parts ({@code sent} bytes of its text so far), and its connection's answers after it. */
    private static final class InParts {
        final Frame.Answer answer;
        int sent;
        final ArrayDeque<Frame.Answer> behind = new ArrayDeque<>();

        InParts(Frame.Answer answer) {
            this.answer = answer;
        }

        int remaining() {
            return answer.answer().readableBytes() - sent;
        }
    }

    private Channel channel;
    private ByteBuf pending;
    /** Answers in parts waiting for their turn: the first sends a part next. Each holds its own references. */
    private final ArrayDeque<InParts> inParts = new ArrayDeque<>();
    private final LongObjectHashMap<InParts> inPartsByConn = new LongObjectHashMap<>();
    /** A part was written and has not reached the socket yet. */
    private boolean partOnTheWay;
    /** Counts the parts sent: a completion that is not the last part's (one {@link #discard} forgot) is ignored. */
    private long partsSent;
    /** The answer of that part unless it was the last: once the part is out it goes to the back of the turns. */
    private InParts sending;
    /** The bytes of the answers in parts, and of the answers behind them, not yet written to the link. */
    private long waitingBytes;
    /** Where the next part is sent from once one has reached the socket: the link's event loop, or a test's queue. */
    private final Optional<Executor> continuations;
    /** Told after each part reached the socket: fewer answers wait ({@link #waitingBytes}). */
    private Runnable partOut = () -> { };

    AnswerWriter() {
        this.continuations = Optional.empty();
    }

    /** Sends each next part from {@code continuations} (a test runs them when it chooses). */
    AnswerWriter(Executor continuations) {
        this.continuations = Optional.of(continuations);
    }

    /** Frames {@code answer} for {@code link}; answers framed for an earlier link are dropped. */
    void add(Channel link, Frame.Answer answer) {
        try {
            frame(link, answer);
        } catch (VirtualMachineError e) {
            failed(e);
        }
    }

    private void frame(Channel link, Frame.Answer answer) {
        if (link != channel) {
            discard();
            channel = link;
        }
        InParts before = inPartsByConn.get(answer.conn());
        if (before != null) {
            before.behind.add(retained(answer));
            waitingBytes += answer.answer().readableBytes();
            return;
        }
        ByteBuf text = answer.answer();
        if (text.readableBytes() > PART_BYTES) {
            waitingBytes += text.readableBytes();
            InParts parts = new InParts(retained(answer));
            inParts.add(parts);
            inPartsByConn.put(answer.conn(), parts);
            sendNextPart();
            return;
        }
        if (pending == null) {
            pending = link.alloc().ioBuffer(INITIAL_BYTES);
        }
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

    /**
     * Writes (without flushing) every answer still in parts, whole, after what was framed: for the frames that must
     * follow every answer written so far (REPLICA, STEPPED_DOWN) and before the link closes.
     */
    void handOverAll() {
        handOver();
        if (sending != null) {
            inParts.addFirst(sending);
            sending = null;
        }
        try {
            while (!inParts.isEmpty() && channel.isActive()) {
                InParts parts = inParts.poll();
                writePiece(parts, parts.remaining());
                handOver();
            }
        } catch (VirtualMachineError e) {
            failed(e);
        }
        discard(); // what is left was for a link that closed
    }

    /** The next part of the answer whose turn it is, if none is on its way; every part but the last ends in a task. */
    private void sendNextPart() {
        if (partOnTheWay || inParts.isEmpty()) {
            return;
        }
        if (!channel.isActive()) {
            discard();
            return;
        }
        handOver(); // the answers framed before it go first
        InParts parts = inParts.poll();
        partOnTheWay = true; // first: a long answer that waited behind this one's last part waits for its turn
        sending = parts.remaining() > PART_BYTES ? parts : null;
        ChannelFuture written = writePiece(parts, Math.min(PART_BYTES, parts.remaining()));
        long part = ++partsSent;
        Channel link = channel;
        // The next part once this one has reached the socket; in a task, not in the listener, since a listener can run
        // inside the channel's flush, where a flush does nothing; on the loop's next turn, so that the requests it
        // reads meanwhile are served between the parts.
        Executor next = continuations.orElse(NextTurn.of(link.eventLoop()));
        written.addListener(done -> next.execute(() -> partWritten(link, part, done.isSuccess())));
    }

    private void partWritten(Channel link, long part, boolean success) {
        if (link != channel || !partOnTheWay || part != partsSent) {
            return; // a link replaced, its answers dropped, or an earlier part's (what was left of it went at once)
        }
        partOnTheWay = false;
        if (sending != null) {
            inParts.add(sending);
            sending = null;
        }
        if (!success) {
            discard(); // the link failed: the proxy resends the requests
            partOut.run();
            return;
        }
        try {
            sendNextPart();
        } catch (VirtualMachineError e) {
            failed(e);
        }
        handOver();
        link.flush();
        partOut.run();
    }

    /** {@code listener} runs after each part of a long answer reached the socket. */
    void onPartOut(Runnable listener) {
        this.partOut = listener;
    }

    /** Memory ran out while framing: nothing held can go out whole, so nothing goes, and the link closes (see above). */
    private void failed(VirtualMachineError e) {
        LOG.error("primary could not frame its answers for the proxy ({}): it closes the link and registers again;"
                + " the proxy resends the requests it has not had answered", e.toString());
        Channel link = channel;
        discard();
        if (link != null) {
            link.close();
        }
    }

    /**
     * Writes the next {@code length} bytes of {@code parts}' answer: an ANSWER_PART, or the ANSWER that ends it when
     * they are the last; then, after the last, the connection's answers that waited behind it.
     */
    private ChannelFuture writePiece(InParts parts, int length) {
        Frame.Answer answer = parts.answer;
        ByteBuf text = answer.answer();
        boolean last = length == parts.remaining();
        ByteBuf header;
        try {
            header = channel.alloc().ioBuffer(TEXT_HEADER_BYTES);
        } catch (VirtualMachineError e) {
            if (parts != sending) {
                inParts.addFirst(parts); // for discard() to release with the rest
            }
            throw e;
        }
        if (last) {
            FrameCodec.encodeAnswerHeaderWithLength(answer.conn(), answer.seq(), length, header);
        } else {
            FrameCodec.encodeAnswerPartHeaderWithLength(answer.conn(), answer.seq(), length, header);
        }
        ByteBuf bytes = text.retainedSlice(text.readerIndex() + parts.sent, length);
        parts.sent += length;
        waitingBytes -= length;
        ChannelFuture written = channel.write(Unpooled.wrappedBuffer(header, bytes));
        if (!last) {
            return written;
        }
        inPartsByConn.remove(answer.conn());
        text.release();
        Channel link = channel;
        for (Frame.Answer after = parts.behind.poll(); after != null; after = parts.behind.poll()) {
            waitingBytes -= after.answer().readableBytes(); // framed again now, counted again if it waits again
            add(link, after);
            after.answer().release();
        }
        return written;
    }

    /** Drops what was framed and not handed over, and the answers in parts (the link is gone: the proxy resends). */
    void discard() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (sending != null) {
            inParts.add(sending);
            sending = null;
        }
        for (InParts parts : inParts) {
            parts.answer.answer().release();
            parts.behind.forEach(answer -> answer.answer().release());
        }
        inParts.clear();
        inPartsByConn.clear();
        partOnTheWay = false;
        waitingBytes = 0;
    }

    /**
     * The bytes of answers this writer holds for its link and has not written to it yet (answers in parts, and those
     * behind them), but the rest of the answer whose part goes next: the serving waits while they are many
     * ({@code PrimaryNode}), or they would pile up without bound in memory when the proxy takes them more slowly than
     * they are made. One answer of any size (up to 256 MiB) does not count, so that other answers still go between its
     * parts.
     */
    long waitingBytes() {
        InParts next = sending != null ? sending : inParts.peekFirst();
        return Math.max(0, waitingBytes - (next == null ? 0 : next.remaining()));
    }

    /** Bytes framed and not handed over yet. */
    int pendingBytes() {
        return pending == null ? 0 : pending.readableBytes();
    }

    /** Answers in parts not all out yet. */
    int answersInParts() {
        return inParts.size() + (sending != null ? 1 : 0);
    }

    private static Frame.Answer retained(Frame.Answer answer) {
        return new Frame.Answer(answer.conn(), answer.seq(), answer.answer().retainedDuplicate());
    }
}
