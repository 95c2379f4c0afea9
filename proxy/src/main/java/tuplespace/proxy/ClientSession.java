package tuplespace.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Answers;
import tuplespace.codec.Durations;
import tuplespace.codec.Lines;
import tuplespace.codec.Status;
import tuplespace.codec.frame.Frame;

/**
 * One client connection: tags its lines {@code (conn, seq)}, sends them to the registered primary, and delivers
 * answers in seq order (docs/protocol.md). Every method runs on the client channel's event loop, which owns this
 * object; the primary link's handler calls in directly when it shares that loop (the default: one loop) and hops here
 * with {@link #executor()}{@code .execute(...)} otherwise.
 */
final class ClientSession {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

    /** How long a connection closed after an overlong line is still read (and dropped) for its client to close it. */
    static final long LINGER_MILLIS = 2_000;

    private final long conn;
    private final Channel channel;
    private final ProxyContext context;
    private final PendingRequests pending = new PendingRequests();
    private final ClientBounds bounds;
    private PrimaryLink syncedLink;
    private ScheduledFuture<?> deadlineTimer;
    private boolean closeWhenDelivered;
    private boolean closed;
    /** Answers recorded by {@link #onAnswerFlushLater} and not yet written and flushed ({@link #flushAnswers}). */
    private boolean answersUnflushed;
    /**
     * What the decoder had left when the client's input ended while it was not read ({@link
     * ClientLineDecoder.LinesAfterEnd}): taken in order as this client's bounds allow, as reading it would have; null
     * when nothing is left.
     */
    private java.util.ArrayDeque<Object> afterEnd;
    private boolean takingAfterEnd;
    /** The input ended while {@link #afterEnd} held lines: the connection closes once they are taken and answered. */
    private boolean inputEndedBehindLines;
    /** See {@link #slotGivenBack()}; set on this client's loop, read there when it closes. */
    private boolean slotGivenBack;
    /**
     * A request of this connection waited {@code --primary-timeout} without a primary, and no primary has taken its
     * requests since: its later requests are answered {@code unavailable} at once instead of being held for another
     * timeout each (a client pipelining 10,000 requests through an outage heard them answered a window of requests at
     * a time, each window after another timeout).
     */
    private boolean outageOutlasted;
    /** Requests answered {@code unavailable} at once while {@link #outageOutlasted}, for the log once it ends. */
    private long answeredAtOnce;

    ClientSession(long conn, Channel channel, ProxyContext context) {
        this.conn = conn;
        this.channel = channel;
        this.context = context;
        this.bounds = ClientBounds.of(context.config());
        // answers waiting for the client's socket count toward its bounds through the channel's writability
        channel.config().setWriteBufferWaterMark(bounds.waterMark());
    }

    long conn() {
        return conn;
    }

    EventExecutor executor() {
        return channel.eventLoop();
    }

    io.netty.channel.ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /** A request line from the client, its bytes without the terminator; this session takes it over. */
    void onRequestLine(ByteBuf line) {
        if (closed || closeWhenDelivered) {
            line.release();
            return;
        }
        // docs/protocol.md "Limits and failures": held (and its primary timeout running) only while no registered
        // primary has it, and not at all once an earlier request of this connection waited that timeout in vain
        PrimaryLink link = context.registry().current();
        if (link == null && outageOutlasted) {
            String linePrefix = line.toString(StandardCharsets.UTF_8);
            line.release();
            answerInTurn(linePrefix, Status.UNAVAILABLE, unavailableMessage(false, false));
            answeredAtOnce++;
            deliverReadyAnswers();
            return;
        }
        PendingRequests.Pending request = pending.addHeld(line, System.nanoTime());
        context.sessions().addUndelivered(1);
        if (link != null && link == syncedLink) {
            link.send(requestFrame(request)); // flushed once for this loop turn (PrimaryLink)
            pending.forwarded(request);
        } else {
            resendUnansweredIfLinkChanged();
            // only here can a request stay held: while this session is in step with the registered link, all of
            // its requests are forwarded (no deadline to scan for)
            armDeadlineTimer();
        }
        updateReading();
    }

    /** One piece of what the client sent, as the decoder made it ({@link ClientLineDecoder}). */
    void take(Object piece) {
        if (piece instanceof ByteBuf line) {
            onRequestLine(line);
        } else if (piece instanceof ClientLineDecoder.OverlongLine overlong) {
            onOverlongLine(overlong.prefix());
        } else if (piece instanceof ClientLineDecoder.UnterminatedLine unterminated) {
            onUnterminatedLine(unterminated.prefix(), unterminated.length());
        } else if (piece instanceof ClientLineDecoder.UnreadLines unread) {
            onUnreadLines(unread.firstPrefix(), unread.lines(), unread.bytes());
        } else if (piece instanceof ClientLineDecoder.LinesAfterEnd lines) {
            onLinesAfterEnd(lines);
        }
    }

    /**
     * The input ended while this client was not read (a pipeline longer than its window, say): the lines left are
     * taken as its bounds allow, as if it were still read; its half-close waits behind them.
     */
    private void onLinesAfterEnd(ClientLineDecoder.LinesAfterEnd lines) {
        if (closed || closeWhenDelivered) {
            lines.release();
            return;
        }
        afterEnd = new java.util.ArrayDeque<>(lines.items());
        takeLinesAfterEnd();
    }

    private void takeLinesAfterEnd() {
        takingAfterEnd = true;
        try {
            while (afterEnd != null && !afterEnd.isEmpty() && !closed && !closeWhenDelivered && mayRead(true)) {
                take(afterEnd.poll());
            }
        } finally {
            takingAfterEnd = false;
        }
        if (afterEnd != null && (afterEnd.isEmpty() || closed || closeWhenDelivered)) {
            dropLinesAfterEnd();
            if (inputEndedBehindLines) {
                inputEndedBehindLines = false;
                onInputShutdown();
            }
        }
    }

    /** Releases the lines left after the end that were not taken; none are left after. */
    private void dropLinesAfterEnd() {
        if (afterEnd != null) {
            afterEnd.forEach(io.netty.util.ReferenceCountUtil::release);
            afterEnd = null;
        }
    }

    /**
     * A line longer than the limit: answered {@code malformed} in its turn, then the connection closes
     * (docs/protocol.md "Limits and failures").
     */
    void onOverlongLine(String linePrefix) {
        if (closed || closeWhenDelivered) {
            return;
        }
        String error = "request line too long: expected at most " + context.config().maxLineBytes()
                + " bytes, found a longer line; closing the connection";
        LOG.warn("client conn {} sent an overlong line; closing", Long.toHexString(conn));
        answerInTurn(linePrefix, Status.MALFORMED, error);
        closeWhenDelivered = true;
        channel.config().setAutoRead(false);
        deliverReadyAnswers();
    }

    /**
     * The input ended after {@code length} bytes that no newline ended: answered {@code malformed} in its turn, never
     * carried out (a client that died mid-line ends its input the same way). The input's end follows.
     */
    void onUnterminatedLine(String linePrefix, int length) {
        if (closed || closeWhenDelivered) {
            return;
        }
        answerInTurn(linePrefix, Status.MALFORMED, "request line unterminated: expected a newline at its end, found the"
                + " end of the input after " + length + " bytes; it was not carried out");
        deliverReadyAnswers();
    }

    /**
     * The input ended while this client was not read (it held its limit of unanswered requests), and it had sent more
     * than the proxy keeps after the end: the lines past those are answered {@code malformed} once, in their turn, in
     * the mode of the first of them (beginning with {@code firstPrefix}), and not carried out. The input's end follows.
     */
    void onUnreadLines(String firstPrefix, int lines, int bytes) {
        if (closed || closeWhenDelivered) {
            return;
        }
        answerInTurn(firstPrefix, Status.MALFORMED, "requests not read: the input ended while the proxy held this"
                + " client's limit of unanswered requests, and it keeps "
                + Lines.count(context.config().clientBufferBytes(), "byte")
                + " of the lines sent after them (--client-buffer); the " + Lines.count(lines, "line") + " ("
                + Lines.count(bytes, "byte") + ") past those were not carried out");
        deliverReadyAnswers();
    }

    /**
     * The client shut its side of the connection (a half-close, as {@code nc -N} does): every request it sent is
     * answered as usual, then the connection closes. Nothing more can be read, so reading stays off.
     */
    void onInputShutdown() {
        if (closed) {
            return;
        }
        if (afterEnd != null) {
            inputEndedBehindLines = true; // once the lines left are taken
            return;
        }
        if (closeWhenDelivered) { // closing already (an overlong line, the proxy stopping)
            if (pending.isEmpty() && channel instanceof DuplexChannel duplex && duplex.isOutputShutdown()) {
                channel.close(); // the lingering was for this end
            }
            return;
        }
        closeWhenDelivered = true;
        channel.config().setAutoRead(false);
        if (pending.isEmpty()) {
            closeLingering();
        } else {
            slotGivenBack = context.sessions().releaseEnded();
            deliverReadyAnswers();
        }
    }

    /** Whether this client gave back its slot when its input ended ({@link ClientSessions#releaseEnded}). */
    boolean slotGivenBack() {
        return slotGivenBack;
    }

    /**
     * The primary answered {@code seq}; duplicates and late answers are dropped. Delivers at once. Takes
     * {@code answer} over (its bytes go to the client as they came from the primary).
     */
    void onAnswer(long seq, ByteBuf answer) {
        int length = answer.readableBytes();
        if (closed || !pending.answer(seq, answer)) {
            answer.release();
            return;
        }
        bounds.answerArrived(length);
        deliverReadyAnswers();
    }

    /**
     * Like {@link #onAnswer} but the answer is only recorded: the caller must call {@link #flushAnswers} once it has
     * handed over the batch it read, which writes every answer then deliverable at once (one buffer and one write
     * call for many answers). Returns true when this session must be added to the caller's sessions to flush, i.e. it
     * had no answer waiting for that before.
     */
    boolean onAnswerFlushLater(long seq, ByteBuf answer) {
        int length = answer.readableBytes();
        if (closed || !pending.answer(seq, answer)) {
            answer.release();
            return false;
        }
        bounds.answerArrived(length);
        if (answersUnflushed) {
            return false;
        }
        answersUnflushed = true;
        return true;
    }

    /**
     * Writes and flushes the answers {@link #onAnswerFlushLater} recorded that are deliverable now; then the client
     * may be read again.
     */
    void flushAnswers() {
        if (!answersUnflushed) {
            return;
        }
        answersUnflushed = false;
        if (writeReadyAnswers()) {
            channel.flush();
        }
        updateReading();
    }

    /**
     * The primary's answer to {@code seq} was {@code length} bytes, over the proxy's frame limit, and was skipped: the
     * client gets an error in its turn instead. The primary did carry the request out, so an update was applied.
     */
    void onOversizeAnswer(long seq, long length) {
        if (closed) {
            return;
        }
        pending.unansweredLine(seq).ifPresent(line -> onAnswer(seq, error(line, Status.UNAVAILABLE,
                "answer too large: expected an answer of at most " + context.config().maxFrameBytes()
                        + " bytes from the primary, found " + length + " bytes; the request was carried out (an"
                        + " update was applied) but its answer cannot be delivered; narrow the patterns")));
    }

    /**
     * If a primary registered since this session last sent, send it every unanswered request again, in seq order
     * (docs/design.md "Failover" step 4). Idempotent per link.
     */
    void resendUnansweredIfLinkChanged() {
        PrimaryLink link = context.registry().current();
        if (closed || link == null || link == syncedLink) {
            return;
        }
        syncedLink = link;
        if (outageOutlasted) {
            LOG.info("conn {}: {} answered unavailable at once since its first expired; {} serves it now",
                    Long.toHexString(conn), Lines.count(answeredAtOnce, "later request"), link);
            outageOutlasted = false;
            answeredAtOnce = 0;
        }
        List<PendingRequests.Pending> unanswered = pending.unanswered();
        for (PendingRequests.Pending request : unanswered) {
            link.send(requestFrame(request));
            pending.forwarded(request);
        }
        if (!unanswered.isEmpty()) {
            LOG.debug("conn {} sent {} unanswered requests to {}", Long.toHexString(conn),
                    unanswered.size(), link);
        }
        updateReading();
    }

    /**
     * Reads the client only while it reads its answers (its channel is writable), the proxy holds less than its
     * {@link ClientBounds} for it, and the primary link takes more; otherwise TCP pushes back on the client. Resuming
     * decodes the lines the decoder kept meanwhile. Never stops reading the primary link: one client's backlog must
     * not hold up the answers of the others. Client loop; called whenever one of these may have changed.
     */
    void updateReading() {
        if (closed || closeWhenDelivered) {
            return;
        }
        if (afterEnd != null) { // the input is over: the lines left stand for reading
            if (!takingAfterEnd) {
                takeLinesAfterEnd();
            }
            return;
        }
        boolean reading = channel.config().isAutoRead();
        boolean read = mayRead(reading);
        if (read == reading) {
            return;
        }
        channel.config().setAutoRead(read);
        if (read) {
            decoder().ifPresent(ClientLineDecoder::decodeHeld); // lines received but not decoded yet
        }
    }

    /** Whether this client may be read now; {@code reading}: whether it is, for the bounds' hysteresis. */
    private boolean mayRead(boolean reading) {
        PrimaryLink link = context.registry().current();
        return channel.isWritable() && (link == null || link.channel().isWritable())
                && bounds.allowsReading(pending, reading);
    }

    /**
     * The registered primary was lost: unless this session already resent to a newer one, its unanswered requests
     * are held from now, and answered {@code unavailable} if no primary takes them within the timeout
     * (docs/protocol.md "Limits and failures").
     */
    void onPrimaryLost() {
        PrimaryLink link = context.registry().current();
        if (closed || (link != null && link == syncedLink)) {
            return;
        }
        pending.holdAll(System.nanoTime());
        armDeadlineTimer();
        updateReading();
    }

    /** The client left (or the proxy stops): drop its requests and tell the primary. */
    void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        context.sessions().addUndelivered(-pending.size());
        pending.releaseAll();
        dropLinesAfterEnd();
        context.controlLoop().execute(() -> context.registry().clientClosed(conn));
    }

    /**
     * {@code --client-idle-timeout}: this client sent nothing, and nothing of its answers went out, for {@code idle}.
     * Unless a request of it is under way (held, or at the primary; whole lines kept undecoded or after its
     * half-close), the proxy itself stopped reading it (the primary's link is full), or an answer still waits to go
     * into its socket (it reads slowly, or not at all), it is told why in a {@code refused} answer and closed, as a
     * client beyond {@code --max-clients} is, which frees its slot: once it closes its side, or {@link #LINGER_MILLIS}
     * later, also if it takes not even the refusal.
     */
    void closeIfIdle(Duration idle) {
        if (closed || closeWhenDelivered || !pending.isEmpty() || afterEnd != null || proxyStoppedReading()
                || decoder().map(ClientLineDecoder::holdsALine).orElse(false)
                || answerBytesUnsent()) {
            // a request under way or kept undecoded, silence the proxy's own back-pressure made, or an answer the
            // client reads slowly (or not at all: --client-buffer bounds what it holds), which a close would cut short
            return;
        }
        LOG.info("closed idle client {} (conn {}): nothing sent or received for {}",
                channel.remoteAddress(), Long.toHexString(conn), Durations.text(idle));
        closeWhenDelivered = true;
        channel.write(utf8(Answers.refused("service closed this idle connection: nothing sent or received for "
                + Durations.text(idle) + " (the proxy's --client-idle-timeout)")));
        closeLingering();
        // the lingering close waits for the client to take the answer; one that takes nothing is closed all the same
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether this client is not read for a reason of the proxy's, not the client's: the primary's link is full. (A
     * client that does not read its answers, which stops its own reading, is idle all the same.)
     */
    private boolean proxyStoppedReading() {
        PrimaryLink link = context.registry().current();
        return !channel.config().isAutoRead() && channel.isWritable() && link != null && !link.channel().isWritable();
    }

    /** Whether answers written to this client still wait, in part, to go into its socket. */
    private boolean answerBytesUnsent() {
        return unsentAnswerBytes() > 0;
    }

    /**
     * Bytes of answers written to this client and not yet taken by its socket. Any thread ({@link AnswerMemoryGuard}
     * reads it from the control loop): the count is Netty's, kept for any thread to read.
     */
    long unsentAnswerBytes() {
        ChannelOutboundBuffer unsent = channel.unsafe().outboundBuffer();
        return unsent == null ? 0 : unsent.totalPendingWriteBytes();
    }

    /** Whether this client's socket takes answers now (the guard's sign that it reads them). Any thread. */
    boolean takesAnswers() {
        return channel.isWritable();
    }

    /**
     * Closes this client, which does not read its answers, for the proxy's sake ({@link AnswerMemoryGuard}): what it
     * holds for it is dropped. On this client's loop.
     */
    void closeForUnreadAnswers(String why) {
        if (closed) {
            return;
        }
        LOG.warn("closed client conn {} ({}): {}", Long.toHexString(conn), channel.remoteAddress(),
                why);
        channel.close();
    }

    /** This client's line decoder; empty once it is gone (the channel closed). */
    private Optional<ClientLineDecoder> decoder() {
        return Optional.ofNullable(channel.pipeline().get(ClientLineDecoder.class));
    }

    /** Answers what is still pending {@code unavailable} (the service stops) and closes. */
    void closeForShutdown() {
        if (closed) {
            return;
        }
        pending.expireAll(request -> error(request.line(), Status.UNAVAILABLE, "service unavailable: the service is"
                + " shutting down" + (request.forwarded() ? " before the primary that had this request answered it;"
                + " the outcome is unknown: an update may have been applied" : "; the request was not sent to any"
                + " primary and was not applied")));
        closeWhenDelivered = true;
        deliverReadyAnswers();
        channel.close();
    }

    private Frame.Request requestFrame(PendingRequests.Pending request) {
        return new Frame.Request(conn, request.seq(), pending.floor(), request.line());
    }

    private void deliverReadyAnswers() {
        answersUnflushed = true;
        flushAnswers();
    }

    /**
     * Writes the answers now deliverable in seq order, unflushed, and returns true if it wrote any; or, if the last
     * is out, flushes and closes (and returns false: nothing is left to flush).
     */
    private boolean writeReadyAnswers() {
        List<ByteBuf> answers = pending.takeDeliverable();
        if (answers.isEmpty()) {
            return false;
        }
        context.sessions().addUndelivered(-answers.size());
        AnswerBatch.write(channel, answers);
        if (closeWhenDelivered && pending.isEmpty()) {
            closeLingering();
            return false;
        }
        return true;
    }

    /**
     * Closes once the last answer is written, without losing it: the output is shut first (the client reads its
     * answers, then the end), what the client still sends is read and dropped, and the connection closes when the
     * client closes its side or {@link #LINGER_MILLIS} later. Closed at once with bytes unread in the socket, the
     * kernel resets the connection, and a client still writing (the rest of an overlong line) lost the answer to
     * "Connection reset by peer".
     */
    private void closeLingering() {
        channel.writeAndFlush(channel.alloc().buffer(0)).addListener(written -> {
            if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
                channel.close();
                return;
            }
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            // with TLS, its close_notify first: a TCP end alone reads as a truncated stream to a TLS client
            ChannelFuture ended = tls != null ? tls.closeOutbound() : channel.newSucceededFuture();
            ended.addListener(notified -> duplex.shutdownOutput().addListener(shut -> dropInputUntilClosed()));
        });
    }

    /** Reads and drops what the client still sends until it closes, or for {@link #LINGER_MILLIS}. */
    private void dropInputUntilClosed() {
        if (channel instanceof DuplexChannel duplex && duplex.isInputShutdown()) {
            channel.close(); // the client has ended its side already
            return;
        }
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        channel.config().setAutoRead(true); // lines are dropped now (onRequestLine); the client's end closes it
    }

    /**
     * The proxy's own answer ({@code malformed}, {@code unavailable}) to what a client sent, in its turn: after the
     * answers to the requests before it. The caller delivers it.
     */
    private void answerInTurn(String linePrefix, Status status, String error) {
        pending.addAnswered(utf8(Answers.error(linePrefix, status, error)));
        context.sessions().addUndelivered(1);
    }

    /**
     * An answer of the proxy's own about the request {@code line} (in the line's mode: JSON if it starts with '{').
     * Only failures decode a line.
     */
    private ByteBuf error(ByteBuf line, Status status, String error) {
        return utf8(Answers.error(line.toString(StandardCharsets.UTF_8), status, error));
    }

    /** The answer's bytes in a buffer of exactly their size (writeUtf8 would reserve 3 bytes per char). */
    private ByteBuf utf8(String answer) {
        int length = ByteBufUtil.utf8Bytes(answer);
        ByteBuf buffer = channel.alloc().ioBuffer(length);
        ByteBufUtil.reserveAndWriteUtf8(buffer, answer, length);
        return buffer;
    }

    private void armDeadlineTimer() {
        if (deadlineTimer != null || closed) {
            return;
        }
        OptionalLong deadline = pending.nextDeadline(context.config().primaryTimeout().toNanos());
        if (deadline.isEmpty()) {
            return;
        }
        long delay = Math.max(0, deadline.getAsLong() - System.nanoTime());
        deadlineTimer = channel.eventLoop().schedule(this::onDeadline, delay, TimeUnit.NANOSECONDS);
    }

    private void onDeadline() {
        deadlineTimer = null;
        if (closed) {
            return;
        }
        int expired = pending.expire(System.nanoTime(), context.config().primaryTimeout().toNanos(),
                request -> error(request.line(), Status.UNAVAILABLE, unavailableMessage(request.forwarded(), true)));
        if (expired > 0) {
            // the outage outlasted the timeout for this connection: the requests held behind that one are told now
            // what they would be told at their own timeouts, and so is every later one until a primary takes them
            int behind = pending.expireHeld(request -> error(request.line(), Status.UNAVAILABLE,
                    unavailableMessage(request.forwarded(), false)));
            outageOutlasted = true;
            LOG.warn("answered {} of conn {} unavailable: no primary took {} within {} ({} behind {}, and its later"
                    + " requests are answered so at once until a primary registers)",
                    Lines.count(expired, "request"), Long.toHexString(conn), expired == 1 ? "it" : "them",
                    Durations.text(context.config().primaryTimeout()), behind, expired == 1 ? "it" : "them");
        }
        deliverReadyAnswers();
        armDeadlineTimer();
    }

    /**
     * Why a request is answered {@code unavailable} for want of a primary: it waited {@code --primary-timeout} itself
     * ({@code waitedItself}), or an earlier request of its connection did; the client must know whether it may have
     * been applied (forwarded to a primary that was then lost) or certainly was not (docs/protocol.md "Limits and
     * failures").
     */
    private String unavailableMessage(boolean forwarded, boolean waitedItself) {
        String waited = "service unavailable: no primary registered within "
                + context.config().primaryTimeout().toMillis() + " ms"
                + (waitedItself ? "" : " of an earlier request of this connection");
        return forwarded
                ? waited + " after the primary that had this request was lost; the outcome is unknown: an update"
                        + " may have been applied"
                : waited + "; the request was not sent to any primary and was not applied";
    }
}
