package tuplespace.client;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Matches whole answers (from {@code AnswerFrameDecoder}) to requests in the order they were sent: the service
 * answers in request order on a connection (docs/protocol.md), so a FIFO queue is the whole matching; typed requests
 * also check the echoed id.
 *
 * <p>All state is confined to the channel's event loop: {@link #submit} runs there (the client's {@link Outbox}
 * hands requests over), as do the Netty callbacks. Queueing and writing in one step keeps queue order = wire order.
 *
 * <p>Timeouts: every request on a connection waits the same time and they are sent in order, so their deadlines
 * are in queue order too. One timer per connection, armed for the oldest deadline still running, does what a
 * timer per request would: when it fires it fails every request whose deadline has passed and re-arms for the
 * next. A timer armed for a request that was answered meanwhile just fires early and re-arms.
 */
final class AnswerMatcher extends SimpleChannelInboundHandler<String> {

    /** What a request without an answer did: a read nothing, an update perhaps. */
    static final String OUTCOME_UNKNOWN = "if it was an update (PUT, POST, DELETE), it may or may not have been applied";

    /** Sent and not answered yet, oldest first (timed-out requests stay: they consume their late answer). */
    private final Queue<PendingRequest<?>> pending = new ArrayDeque<>();
    /** The requests of {@link #pending} that have not timed out: always a tail of it, in the same order. */
    private final Queue<PendingRequest<?>> running = new ArrayDeque<>();
    private final String peer;
    private final Duration requestTimeout;
    private final long requestTimeoutNanos;
    private final Runnable expiry = this::expire;
    private ChannelHandlerContext context;
    /** Armed for the oldest deadline in {@link #running} (or an earlier one); null when not armed. */
    private ScheduledFuture<?> timer;
    /** Lines written since the last flush. */
    private boolean unflushed;
    /** Inside a read: answers being delivered, the channelReadComplete that follows flushes. */
    private boolean reading;
    /** Something came from the peer on this connection (an answer, a refusal, anything). */
    private boolean heardFrom;
    /** Why the connection is unusable; null while it is open. Every request pending then fails with it. */
    private TupleSpaceException closedBecause;
    /** The same in a few words, for the requests made later, which were never sent ({@link #notSent}). */
    private String closedHow;

    AnswerMatcher(String peer, Duration requestTimeout) {
        this.peer = peer;
        this.requestTimeout = requestTimeout;
        this.requestTimeoutNanos = requestTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    /**
     * Queues {@code request} and writes its line, without flushing: the caller flushes once for all it submitted
     * ({@link #flush}), or the read in progress does when it completes ({@link #isReading}). Event loop only.
     */
    void submit(PendingRequest<?> request) {
        if (closedBecause != null) {
            request.fail(notSent(request));
            return;
        }
        long deadline = System.nanoTime() + requestTimeoutNanos;
        request.deadlineNanos(deadline);
        pending.add(request);
        running.add(request);
        if (timer == null) {
            arm(deadline);
        }
        context.write(ByteBufUtil.writeUtf8(context.alloc(), request.line()), context.voidPromise());
        unflushed = true;
    }

    /** Sends what {@link #submit} wrote. Event loop only. */
    void flush() {
        if (unflushed) {
            unflushed = false;
            context.flush();
        }
    }

    /** Whether answers are being read now: a request submitted meanwhile is flushed when the read completes. */
    boolean isReading() {
        return reading;
    }

    /** The application closes the client: what is still pending fails, and so does anything sent later. */
    void closeLocally() {
        closeBecause(new ConnectionLostException("the client was closed"), "the client was closed");
        context.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String text) {
        reading = true;
        heardFrom = true;
        PendingRequest<?> next = pending.peek();
        // read once, as much as the request it answers needs: a typed request its pairs, a line request its status
        ReceivedAnswer answer = ReceivedAnswer.read(text, next != null && next.wantsPairs());
        if (answer.isRefusal()) {
            // docs/protocol.md "Limits and failures": the proxy refuses a client over --max-clients, or one idle past
            // --client-idle-timeout, and drops it; nothing was applied. The channel is closed before the requests
            // fail, so whoever sees the refusal sees a closed client (isOpen false).
            // not "refused the connection", which reads as a TCP refusal: the service answered, and closed
            TupleSpaceException refused = new RefusedException("the service at " + peer + " refused this client and"
                    + " closed the connection: " + errorOf(answer));
            if (closedBecause == null) { // before the close, whose channelInactive would name a lost connection
                closedBecause = refused;
                closedHow = "refused";
            }
            ctx.close();
            closeBecause(refused, "refused");
            return;
        }
        PendingRequest<?> request = pending.poll();
        if (request == null) {
            violation(ctx, "the service sent an answer no request asked for: " + ReceivedAnswer.quoted(text));
            return;
        }
        if (running.peek() == request) {
            running.poll();
        }
        try {
            request.answer(answer);
        } catch (ProtocolViolationException e) {
            request.fail(new ConnectionLostException(e.getMessage()));
            violation(ctx, e.getMessage());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        String closed = "the connection to " + peer + " closed";
        // a port of the service that is not CLIENT_SAP closes on a client's line without a word
        String neverAnswered = heardFrom ? "" : "; nothing ever came back on this connection: if " + peer + " is not"
                + " the proxy's CLIENT_SAP, clients connect there";
        closeBecause(new ConnectionLostException(pending.isEmpty() ? closed + " while no request was under way"
                : closed + " before the answer came; " + OUTCOME_UNKNOWN + neverAnswered), "the connection closed");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeBecause(new ConnectionLostException("the connection to " + peer + " failed: " + cause.getMessage(), cause),
                "it failed: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
        ctx.close();
    }

    private void arm(long deadlineNanos) {
        timer = context.executor().schedule(expiry, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The timer fired: fails every running request whose deadline has passed, then re-arms for the next one. */
    private void expire() {
        timer = null;
        long now = System.nanoTime();
        for (PendingRequest<?> request = running.peek(); request != null && request.deadlineNanos() - now <= 0;
             request = running.peek()) {
            running.poll();
            request.fail(new RequestTimeoutException("no answer to " + request.description() + " from " + peer
                    + " within " + requestTimeout.toMillis() + " ms; " + OUTCOME_UNKNOWN));
        }
        PendingRequest<?> next = running.peek();
        if (next != null && closedBecause == null && timer == null) { // a request sent from a callback above may have armed it
            arm(next.deadlineNanos());
        }
    }

    private void violation(ChannelHandlerContext ctx, String message) {
        closeBecause(new ConnectionLostException("closed the connection to " + peer + ": " + message), message);
        ctx.close();
    }

    /**
     * Fails everything pending with {@code cause}; every later request fails as not sent, {@code how} saying why in a
     * few words. The first cause stays.
     */
    private void closeBecause(TupleSpaceException cause, String how) {
        if (closedBecause == null) {
            closedBecause = cause;
            closedHow = how;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        running.clear();
        for (PendingRequest<?> request = pending.poll(); request != null; request = pending.poll()) {
            request.fail(closedBecause);
        }
    }

    /**
     * Why {@code request}, made once the connection was unusable, fails: it was never sent, so nothing was applied
     * (the requests pending when it closed may have been); a refused client's requests are refused still.
     */
    private TupleSpaceException notSent(PendingRequest<?> request) {
        if (closedBecause instanceof RefusedException) {
            return RefusedException.notSent(request.description() + " was not sent: " + closedBecause.getMessage(),
                    closedBecause);
        }
        return ConnectionLostException.notSent(request.description() + " was not sent, so nothing was applied: the"
                + " connection to " + peer + " is closed already (" + closedHow + ")", closedBecause);
    }

    /** The error of a refusal in either mode: the JSON {@code error}, or the text after {@code refused: }. */
    private static String errorOf(ReceivedAnswer refusal) {
        if (refusal instanceof ReceivedAnswer.Json json) {
            return json.answer().error().orElse("(no reason given)");
        }
        String first = LineAnswer.firstLine(refusal.text());
        int colon = first.indexOf(':');
        return colon < 0 ? first : first.substring(colon + 1).strip();
    }
}
