package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.collection.LongObjectHashMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Answers;
import tuplespace.codec.ParsedRequest;
import tuplespace.codec.Requests;
import tuplespace.codec.Status;
import tuplespace.codec.Utf8Text;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.frame.FrameCodec;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.replication.ReplicationInvariantException;
import tuplespace.space.Effect;

/**
 * What one request from the proxy does to the replicated state (docs/design.md "Failover": each update applied exactly
 * once across a failover, and a client sees the same answer it would have seen without the failure). A request whose
 * answer is remembered gets that answer and changes nothing; an update is evaluated, remembered, and gives the
 * log entries to replicate, which also carry the request's floor; a read is evaluated and changes nothing.
 *
 * <p>Reads before an update: a client may pipeline GET (seq 51) then POST (seq 55). If the primary dies after
 * replicating POST 55 but before GET 51's answer left, the proxy resends both, and re-evaluating GET 51 on a state
 * that has POST 55 would give a different answer. So before an update on a connection is replicated, the answers
 * of that connection's earlier reads not yet known delivered (seq above the floor) are remembered and replicated
 * first, as entries with an empty effect. A read not followed by an update on its connection needs nothing:
 * evaluating it again on the new primary is a linearizable answer.
 *
 * <p>What that costs is bounded by the proxy's per-client bounds (docs/internals.md "Proxy bounds"): a read's answer
 * is kept only until a later request of its connection carries a floor at or past it, and the proxy sends no request
 * more than {@link Frame.Request#MAX_IN_FLIGHT} ahead of its floor, so a connection has at most that many answers
 * here; pruning by {@code seq - MAX_IN_FLIGHT} as well makes the count bound hold even against a proxy that broke the
 * rule. In bytes, the proxy stops reading a client once the answers it expects for it would pass its client buffer
 * bound (512 KiB by default), so a client that never reads leaves about that much here: the answers of the
 * requests in flight when it was stopped, kept until it reads again and sends a newer floor, or closes.
 *
 * <p>Every request accepted is answered (the proxy never expires a request a registered primary holds):
 * <ul>
 *   <li>An answer over {@link FrameCodec#MAX_ANSWER_BYTES} cannot travel; it is replaced by an {@code unavailable}
 *       error that says so ("answer too large", as the proxy says for frames over its own limit). An update's effect
 *       stands, and the error is the answer remembered and replicated for it, so a resend gets the same.</li>
 *   <li>An unexpected exception while evaluating is logged at ERROR with the request and answered
 *       {@code unavailable} ("internal error"); serving goes on. The error is remembered like an update's answer. If
 *       the failed evaluation changed the space anyway, there is no effect to replicate: that is a broken replication
 *       invariant, and the node stops (fail-stop).</li>
 * </ul>
 * <p>Answers are bytes from the start: the evaluator writes each into a buffer of the node's allocator, which
 * {@link Handled} hands to the caller (who releases it once it is framed). A read's answer kept for a possible later
 * update is a reference of its own to the same bytes (released when the proxy's floor passes it, when its connection
 * closes, when it is resent, when an update turns it into a table entry, or when the node ends); the answer table
 * keeps a copy of the bytes ({@link Utf8Text}), which it replicates and saves as they are: no answer is decoded.
 * Runs on the node's event loop (or on scratch state in {@link ServingWarmUp}).
 */
final class ExactlyOnceRequests {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceRequests.class);
    /** How much of a failed request line goes into the ERROR log line. */
    private static final int LOGGED_LINE_CHARS = 500;
    /** Heap buffers the garbage collector frees, not watched for leaks: the tests' allocator. */
    private static final ByteBufAllocator UNPOOLED = new UnpooledByteBufAllocator(false, true);

    /**
     * The answer to send (UTF-8; the caller releases it) and, for an update evaluated now, the changes to append to
     * the replication log, in order. {@code changedTheSpace}: the answer is that of an update that changed the space,
     * or may have (a resent update, whose answer was remembered): it may not leave as it is before the change is
     * logged.
     */
    record Handled(ByteBuf answer, List<Change.Applied> changes, boolean changedTheSpace) {
        Handled {
            Objects.requireNonNull(answer, "answer");
            changes = List.copyOf(changes);
        }

        /** The answer decoded, leaving it as it is (tests, logs). */
        String answerText() {
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * A read's answer that the proxy may not have delivered yet: a reference of its own, released when it goes; or,
     * past {@link #KEPT_READS_LIMIT}, a short error in its stead ({@code keptBytes} 0).
     */
    private record ReadAnswer(long seq, ByteBuf answer, int keptBytes) {
    }

    /**
     * How many bytes of read answers not known to be delivered are kept, for all connections together. Past it a read's
     * answer is not kept: were an update of its connection to follow it and a failover to come before it was delivered,
     * its resend would be answered that the answer was lost, and to send it again (a read changes nothing). Without a
     * bound, clients that sent big GETs and closed drove a primary out of direct memory in seconds (a tester: 6 GB).
     */
    static final long KEPT_READS_LIMIT = 64L << 20;

    private final ReplicatedState state;
    private final RequestEvaluator evaluator;
    private final MatchLimits limits;
    private final MatchClock matchClock;
    private final long maxAnswerBytes;
    private final ByteBufAllocator allocator;
    /**
     * Per connection, in seq order; pruned by each request's floor and by CLOSED, so it holds undelivered answers only:
     * at most {@link Frame.Request#MAX_IN_FLIGHT} per connection (see the class comment). A connection's queue stays
     * while the connection does, empty or not: a client of one GET at a time would otherwise add and remove a map
     * entry and a queue with every GET.
     */
    private final LongObjectHashMap<ArrayDeque<ReadAnswer>> undeliveredReads = new LongObjectHashMap<>();
    /** The bytes of the answers {@link #undeliveredReads} keeps (not of the errors kept in their stead). */
    private long keptReadBytes;

    /**
     * Budgets charged the calling thread's CPU time ({@link MatchClock#ofCurrentThread}): make it on the serving
     * thread. Answers are written into buffers of {@code allocator} (the node's channels' own, pooled).
     */
    ExactlyOnceRequests(ReplicatedState state, RequestEvaluator evaluator, MatchLimits limits, ByteBufAllocator allocator) {
        this(state, evaluator, limits, MatchClock.ofCurrentThread(), FrameCodec.MAX_ANSWER_BYTES, allocator);
    }

    /**
     * Answers in unpooled heap buffers, which need no release to be freed (so the leak detector does not watch them):
     * tests.
     */
    ExactlyOnceRequests(ReplicatedState state, RequestEvaluator evaluator, MatchLimits limits) {
        this(state, evaluator, limits, MatchClock.ofCurrentThread());
    }

    ExactlyOnceRequests(ReplicatedState state, RequestEvaluator evaluator, MatchLimits limits, MatchClock matchClock) {
        this(state, evaluator, limits, matchClock, FrameCodec.MAX_ANSWER_BYTES);
    }

    /** {@code maxAnswerBytes}: the longest answer text (UTF-8) an ANSWER frame may carry; smaller in tests. */
    ExactlyOnceRequests(ReplicatedState state, RequestEvaluator evaluator, MatchLimits limits, MatchClock matchClock,
                        long maxAnswerBytes) {
        this(state, evaluator, limits, matchClock, maxAnswerBytes, UNPOOLED);
    }

    private ExactlyOnceRequests(ReplicatedState state, RequestEvaluator evaluator, MatchLimits limits,
                                MatchClock matchClock, long maxAnswerBytes, ByteBufAllocator allocator) {
        if (maxAnswerBytes < 1) {
            throw new IllegalArgumentException("expected a positive answer size limit, found " + maxAnswerBytes);
        }
        this.state = state;
        this.evaluator = evaluator;
        this.limits = limits;
        this.matchClock = matchClock;
        this.maxAnswerBytes = maxAnswerBytes;
        this.allocator = allocator;
    }

    /** The allocator answers are written with: a {@link LongRequest} writes its answer with it too. */
    ByteBufAllocator allocator() {
        return allocator;
    }

    /** Handles {@code request} on the calling thread, within the server's full limits however long that takes. */
    Handled handle(Frame.Request request) {
        return handle(request, limits, tooBig -> {
            throw new IllegalStateException("expected a final answer within the full limits, found a cut-off to retry");
        }).orElseThrow();
    }

    /**
     * The primary's serving path, on the event loop: handles {@code request} if it fits in the loop's share
     * ({@link MatchLimits#onTheLoop}). A GET or DELETE that needs more is neither answered nor remembered here: it is
     * passed to {@code tooBigForTheLoop} (to start a {@link LongRequest} at this point of the serving order), and its
     * answer comes from {@link #complete}. Empty in that case.
     */
    Optional<Handled> handleOnTheLoop(Frame.Request request, Consumer<Frame.Request> tooBigForTheLoop) {
        return handle(request, limits.onTheLoop(), tooBigForTheLoop);
    }

    /** On the event loop, once the scan thread is done with {@code done}: its answer and, for a DELETE, its effect. */
    Handled complete(LongRequest done) {
        Frame.Request request = done.request();
        RequestEvaluator.Evaluation evaluation = evaluate(request,
                () -> done.complete(state.space(), matchClock.budget(limits.matchBudget(), limits.requestCpuLimit())));
        return finish(request, withSendableAnswer(request, evaluation));
    }

    private Optional<Handled> handle(Frame.Request request, MatchLimits bounds, Consumer<Frame.Request> tooBig) {
        // by the protocol, everything up to seq - MAX_IN_FLIGHT is delivered even if the floor says less
        forgetDeliveredReads(request.conn(), Math.max(request.floor(), request.seq() - Frame.Request.MAX_IN_FLIGHT));
        Optional<Utf8Text> remembered = state.answers().lookup(request.conn(), request.seq());
        if (remembered.isPresent()) {
            // docs/design.md "Failover" step 5: a resent update is not applied again; it gets the answer it got the
            // first time.
            return Optional.of(new Handled(AnswerBuffers.written(allocator, remembered.get()::writeTo), List.of(),
                    isUpdate(request)));
        }
        RequestEvaluator.Evaluation evaluation = evaluate(request,
                // docs/protocol.md "The data": the budget bounds the work of this request, so it is charged CPU time,
                // not time descheduled.
                () -> evaluator.evaluate(request.line(), state.space(),
                        matchClock.budget(bounds.matchBudget(), bounds.requestCpuLimit()), allocator));
        if (bounds != limits && limits.mayFinishBeyondTheLoop(evaluation.cutOff())) {
            evaluation.answer().release();
            tooBig.accept(request); // a cut-off changes nothing: it is as if the loop had not tried
            return Optional.empty();
        }
        return Optional.of(finish(request, withSendableAnswer(request, evaluation)));
    }

    /**
     * While the node cannot log ({@code reason}: its disk failed), an update is not evaluated: it would change the
     * space with no way to make it durable. Gives the refusal ({@code unavailable}, the reason, nothing changed and
     * nothing remembered) when {@code request} is an update whose answer is not remembered already; empty for anything
     * else, which is handled as usual (a read is served; a resent update gets its remembered answer).
     */
    Optional<Handled> refuseUpdate(Frame.Request request, String reason) {
        if (state.answers().lookup(request.conn(), request.seq()).isPresent() || !isUpdate(request)) {
            return Optional.empty();
        }
        return Optional.of(new Handled(AnswerBuffers.text(allocator, Answers.error(request.lineText(),
                Status.UNAVAILABLE, reason + "; the update was not applied; reads are served; retry once the disk works"
                        + " again")), List.of(), false));
    }

    /** Whether {@code request} is a well-formed PUT, POST or DELETE. */
    static boolean isUpdate(Frame.Request request) {
        return Requests.parse(request.line()) instanceof ParsedRequest.Valid valid && valid.command().isUpdate();
    }

    /** Remembers what an evaluated request did, for exactly-once, and gives the changes to replicate. */
    private Handled finish(Frame.Request request, RequestEvaluator.Evaluation evaluation) {
        if (!evaluation.update()) {
            rememberUntilDelivered(request, evaluation.answer());
            return new Handled(evaluation.answer(), List.of(), false);
        }
        List<Change.Applied> changes = new ArrayList<>(rememberUndeliveredReads(request));
        Change.Applied applied = new Change.Applied(request.conn(), request.seq(), request.floor(), evaluation.effect(),
                Utf8Text.copyOf(evaluation.answer()));
        state.recordAnswer(applied);
        changes.add(applied);
        return new Handled(evaluation.answer(), changes, !evaluation.effect().isEmpty());
    }

    /** Runs an evaluation of {@code request}; an unexpected failure that changed nothing becomes an error answer. */
    private RequestEvaluator.Evaluation evaluate(Frame.Request request, Supplier<RequestEvaluator.Evaluation> evaluation) {
        long digestBefore = state.space().digest();
        int sizeBefore = state.space().size();
        try {
            return evaluation.get();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError failure) {
            String text = request.lineText();
            String line = text.length() <= LOGGED_LINE_CHARS ? text
                    : text.substring(0, LOGGED_LINE_CHARS) + "... (" + text.length() + " chars)";
            if (state.space().digest() != digestBefore || state.space().size() != sizeBefore) {
                throw new ReplicationInvariantException("evaluating conn " + Long.toHexString(request.conn()) + " seq "
                        + request.seq() + " failed half-way (" + failure + ") and changed the space with no effect to"
                        + " replicate; request: " + line);
            }
            String error;
            if (failure instanceof OutOfMemoryError outOfMemory) {
                // no stack: many requests may fail so at once, and the cause is the load, not this line
                LOG.warn("out of memory on conn {} seq {}, answered unavailable, nothing changed: {}",
                        Long.toHexString(request.conn()), request.seq(), outOfMemory.getMessage());
                error = "the server is out of memory (" + outOfMemory.getMessage() + "); nothing was changed; retry"
                        + " later";
            } else {
                LOG.error("internal error on conn {} seq {}, answered unavailable, nothing changed; request: {}",
                        Long.toHexString(request.conn()), request.seq(), line, failure);
                error = "internal error: expected to evaluate the request, found " + failure.getClass().getSimpleName()
                        + "; nothing was changed; the server log has the details";
            }
            // Remembered like an update's answer (update = true): a resend after a failover gets the same error. On the
            // heap: an answer in direct memory may be what could not be had.
            return new RequestEvaluator.Evaluation(Unpooled.wrappedBuffer(Answers.error(text, Status.UNAVAILABLE, error)
                    .getBytes(StandardCharsets.UTF_8)), Effect.NONE, true);
        }
    }

    /** The evaluation, or, when its answer is too large for an ANSWER frame, the same with an error answer instead. */
    private RequestEvaluator.Evaluation withSendableAnswer(Frame.Request request, RequestEvaluator.Evaluation evaluation) {
        long bytes = evaluation.answer().readableBytes();
        if (bytes <= maxAnswerBytes) {
            return evaluation;
        }
        evaluation.answer().release();
        LOG.warn("the answer to conn {} seq {} would be {} bytes, over the limit of {}; answering an error instead",
                Long.toHexString(request.conn()), request.seq(), bytes, maxAnswerBytes);
        String carriedOut = evaluation.update() ? "the update was applied, but its answer cannot be sent"
                : "nothing was changed";
        return new RequestEvaluator.Evaluation(AnswerBuffers.text(allocator, Answers.error(request.lineText(),
                Status.UNAVAILABLE, "answer too large: expected an answer of at most " + maxAnswerBytes + " bytes, found "
                        + bytes + " bytes; " + carriedOut + "; narrow the patterns")), evaluation.effect(),
                evaluation.update());
    }

    /** The client connection closed: its undelivered reads will never be asked for again. */
    void connectionClosed(long conn) {
        ArrayDeque<ReadAnswer> reads = undeliveredReads.remove(conn);
        if (reads != null) {
            reads.forEach(this::forget);
        }
    }

    /** The node stops serving: every kept read answer goes (nobody will ask for one again). */
    void forgetAllReads() {
        undeliveredReads.values().forEach(reads -> reads.forEach(this::forget));
        undeliveredReads.clear();
    }

    /** How many read answers are kept for a possible later update (for tests and STATUS-like diagnostics). */
    int undeliveredReadCount() {
        return undeliveredReads.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** Keeps a reference of its own to {@code answer} (its own indices too: framing the answer does not move them). */
    private void rememberUntilDelivered(Frame.Request read, ByteBuf answer) {
        ArrayDeque<ReadAnswer> reads = undeliveredReads.get(read.conn());
        if (reads == null) {
            reads = new ArrayDeque<>();
            undeliveredReads.put(read.conn(), reads);
        }
        while (!reads.isEmpty() && reads.peekLast().seq() >= read.seq()) {
            forget(reads.pollLast()); // resent on a new proxy link: the answer given now is the one that counts
        }
        int bytes = answer.readableBytes();
        if (keptReadBytes + bytes > KEPT_READS_LIMIT) {
            reads.addLast(new ReadAnswer(read.seq(), Unpooled.wrappedBuffer(Answers.error(read.lineText(),
                    Status.UNAVAILABLE, "the answer to this read was lost in a failover (the server kept "
                            + (KEPT_READS_LIMIT >> 20) + " MiB of answers not yet delivered, not this one); nothing was"
                            + " changed: send it again").getBytes(StandardCharsets.UTF_8)), 0));
            return;
        }
        keptReadBytes += bytes;
        reads.addLast(new ReadAnswer(read.seq(), answer.retainedDuplicate(), bytes));
    }

    private void forget(ReadAnswer read) {
        keptReadBytes -= read.keptBytes();
        read.answer().release();
    }

    /** The bytes of read answers kept now (tests). */
    long keptReadBytes() {
        return keptReadBytes;
    }

    private void forgetDeliveredReads(long conn, long floor) {
        ArrayDeque<ReadAnswer> reads = undeliveredReads.get(conn);
        if (reads == null) {
            return;
        }
        while (!reads.isEmpty() && reads.peekFirst().seq() <= floor) {
            forget(reads.pollFirst());
        }
    }

    /** The update {@code request} comes next: its connection's undelivered read answers become table entries first. */
    private List<Change.Applied> rememberUndeliveredReads(Frame.Request request) {
        ArrayDeque<ReadAnswer> reads = undeliveredReads.get(request.conn());
        if (reads == null || reads.isEmpty()) {
            return List.of();
        }
        List<Change.Applied> changes = new ArrayList<>(reads.size());
        for (ReadAnswer read : reads) {
            if (read.seq() < request.seq()) {
                Change.Applied remembered = new Change.Applied(request.conn(), read.seq(), request.floor(), Effect.NONE,
                        Utf8Text.copyOf(read.answer()));
                state.recordAnswer(remembered);
                changes.add(remembered);
            }
            forget(read);
        }
        reads.clear();
        return changes;
    }
}
