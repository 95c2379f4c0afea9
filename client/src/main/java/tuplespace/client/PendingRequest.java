package tuplespace.client;

import java.util.concurrent.CompletableFuture;

/**
 * A request from the moment it is sent until it is answered. The caller's thread makes it; from then on it is
 * confined to the connection's event loop: the {@link AnswerMatcher} writes its line, completes it with the next
 * answer, or fails it (timeout, connection lost).
 */
abstract sealed class PendingRequest<T> permits TypedRequest, LineRequest {

    private final CompletableFuture<T> future = new CompletableFuture<>();
    private final String line;
    /** {@link System#nanoTime()} after which it times out; set when it is written. */
    private long deadlineNanos;

    /** {@code line}: the request line, ending with {@code \n}. */
    PendingRequest(String line) {
        this.line = line;
    }

    final CompletableFuture<T> future() {
        return future;
    }

    final String line() {
        return line;
    }

    final long deadlineNanos() {
        return deadlineNanos;
    }

    final void deadlineNanos(long nanos) {
        this.deadlineNanos = nanos;
    }

    /** Whether its answer's pairs are decoded into {@code Pair}s ({@link ReceivedAnswer#read(String, boolean)}). */
    abstract boolean wantsPairs();

    /** What the request was, for error messages: {@code GET (id 7)}. Built only when a message needs it. */
    abstract String description();

    /**
     * Completes the request with its answer. A timed-out request still consumes its (late) answer, so later
     * answers keep matching their requests.
     *
     * @throws ProtocolViolationException when the answer cannot belong to this request
     */
    final void answer(ReceivedAnswer received) {
        if (!future.isDone()) {
            complete(received);
        }
    }

    final void fail(TupleSpaceException cause) {
        future.completeExceptionally(cause);
    }

    /** Completes {@link #future()} from the answer, or fails it with the exception the status calls for. */
    abstract void complete(ReceivedAnswer received);
}
