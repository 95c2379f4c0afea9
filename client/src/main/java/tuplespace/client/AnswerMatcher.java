package tuplespace.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import tuplespace.codec.MalformedAnswerException;
import tuplespace.codec.Status;

/**
 * Matches whole answers (from {@code AnswerFrameDecoder}) to requests in the order they were sent: the service
 * answers in request order on a connection (SPEC §2), so a FIFO queue is the whole matching; typed requests also
 * check the echoed id.
 *
 * <p>All state is confined to the channel's event loop: {@link #submit} runs there (the client hands it over with
 * {@code execute}), as do the Netty callbacks. Queueing and writing in one task keeps queue order = wire order.
 */
final class AnswerMatcher extends SimpleChannelInboundHandler<String> {

    private final Queue<PendingRequest<?>> pending = new ArrayDeque<>();
    private final String peer;
    private final Duration requestTimeout;
    /** Why the connection is unusable; null while it is open. Every later request fails with it. */
    private TupleSpaceException closedBecause;

    AnswerMatcher(String peer, Duration requestTimeout) {
        this.peer = peer;
        this.requestTimeout = requestTimeout;
    }

    /** Queues {@code request} and writes its line. Must run on the channel's event loop. */
    void submit(Channel channel, PendingRequest<?> request, String line) {
        if (closedBecause != null) {
            request.fail(closedBecause);
            return;
        }
        pending.add(request);
        request.timeoutWith(channel.eventLoop().schedule(() -> request.fail(new RequestTimeoutException(
                "no answer to " + request.description() + " from " + peer + " within " + requestTimeout.toMillis()
                        + " ms; an update may or may not have been applied")),
                requestTimeout.toNanos(), TimeUnit.NANOSECONDS));
        channel.writeAndFlush(line.endsWith("\n") ? line : line + "\n");
    }

    /** The application closes the client: what is still pending fails, and so does anything sent later. */
    void closeLocally(Channel channel) {
        closeBecause(new ConnectionLostException("the client was closed"));
        channel.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String answer) {
        if (isRefusal(answer)) {
            // SPEC §3: the proxy refuses a client over --max-clients and drops it; nothing was applied.
            closeBecause(new RefusedException(peer + " refused the connection: " + errorOf(answer)));
            ctx.close();
            return;
        }
        PendingRequest<?> request = pending.poll();
        if (request == null) {
            violation(ctx, "the service sent an answer no request asked for: " + LineAnswer.firstLine(answer));
            return;
        }
        try {
            request.answer(answer);
        } catch (ProtocolViolationException e) {
            request.fail(new ConnectionLostException(e.getMessage()));
            violation(ctx, e.getMessage());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closeBecause(new ConnectionLostException("the connection to " + peer
                + " closed before the answer came; an update may or may not have been applied"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeBecause(new ConnectionLostException("the connection to " + peer + " failed: " + cause.getMessage(), cause));
        ctx.close();
    }

    private void violation(ChannelHandlerContext ctx, String message) {
        closeBecause(new ConnectionLostException("closed the connection to " + peer + ": " + message));
        ctx.close();
    }

    /** Fails everything pending with {@code cause}, which also answers every later request. The first cause stays. */
    private void closeBecause(TupleSpaceException cause) {
        if (closedBecause == null) {
            closedBecause = cause;
        }
        for (PendingRequest<?> request = pending.poll(); request != null; request = pending.poll()) {
            request.fail(closedBecause);
        }
    }

    private static boolean isRefusal(String answer) {
        try {
            return LineAnswer.of(answer).status() == Status.REFUSED;
        } catch (MalformedAnswerException e) {
            return false;
        }
    }

    /** The error of a refusal in either mode: the JSON {@code error}, or the text after {@code refused: }. */
    private static String errorOf(String answer) {
        if (answer.startsWith("{")) {
            return tuplespace.codec.AnswerDecoder.decode(answer).error().orElse("(no reason given)");
        }
        String first = LineAnswer.firstLine(answer);
        int colon = first.indexOf(':');
        return colon < 0 ? first : first.substring(colon + 1).strip();
    }
}
