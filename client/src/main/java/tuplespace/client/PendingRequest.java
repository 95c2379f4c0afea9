package tuplespace.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A request sent and not yet answered. Confined to the connection's event loop: the {@link AnswerMatcher} queues
 * it, completes it with the next answer, or fails it (timeout, connection lost).
 */
abstract sealed class PendingRequest<T> permits TypedRequest, LineRequest {

    private final CompletableFuture<T> future = new CompletableFuture<>();
    private final String description;
    private ScheduledFuture<?> timeout;

    PendingRequest(String description) {
        this.description = description;
    }

    final CompletableFuture<T> future() {
        return future;
    }

    /** What the request was, for error messages: {@code GET (id 7)}. */
    final String description() {
        return description;
    }

    final void timeoutWith(ScheduledFuture<?> task) {
        this.timeout = task;
    }

    /**
     * Completes the request with its answer text. A timed-out request still consumes its (late) answer, so later
     * answers keep matching their requests.
     *
     * @throws ProtocolViolationException when the answer cannot belong to this request
     */
    final void answer(String text) {
        cancelTimeout();
        if (!future.isDone()) {
            complete(text);
        }
    }

    final void fail(TupleSpaceException cause) {
        cancelTimeout();
        future.completeExceptionally(cause);
    }

    /** Completes {@link #future()} from the answer text, or fails it with the exception the status calls for. */
    abstract void complete(String text);

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
