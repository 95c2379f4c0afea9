package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Optional;
import java.util.function.LongSupplier;
import tuplespace.codec.Answers;
import tuplespace.codec.ParsedRequest;
import tuplespace.codec.Requests;
import tuplespace.codec.Status;
import tuplespace.codec.frame.Frame;
import tuplespace.pattern.CutOff;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.ChangeRecorder;
import tuplespace.space.Command;
import tuplespace.space.Effect;
import tuplespace.space.Outcome;
import tuplespace.space.Result;
import tuplespace.space.SpaceSnapshot;
import tuplespace.space.TupleSpace;

/**
 * A GET or DELETE too big for the event loop (it needed more than {@link MatchLimits#LOOP_SHARE}), evaluated on the
 * scan thread against a snapshot of the space taken at its place in the serving order (docs/protocol.md "The data": a
 * request answers every matching pair, and no request delays heartbeats, acknowledgements or other clients' small
 * requests).
 *
 * <p>Three steps, on two threads:
 * <ol>
 *   <li>{@link #start} on the event loop, at the request's place in the serving order: takes the snapshot (for a
 *       DELETE, also starts recording the keys changed from then on). Its connection's later requests wait.</li>
 *   <li>{@link #scan} on the scan thread: the GET's answer, or the DELETE's candidates, from the snapshot, within the
 *       server's full limits; the answer is formatted there too, off the loop.</li>
 *   <li>{@link #complete} on the event loop again. A GET's answer is the snapshot's: one consistent state, which had
 *       every update answered before the GET arrived and nothing of any update after (linearizable). A DELETE takes
 *       effect now, at one point of the serving order, and removes exactly the pairs that match now: the candidates
 *       whose keys did not change since the snapshot, and the changed keys that match now, checked again.</li>
 * </ol>
 * The scan thread hands the object back to the loop through the loop's task queue, which orders its writes in
 * {@code scan} before the loop's reads in {@code complete}.
 */
final class LongRequest {

    private final Frame.Request request;
    private final ParsedRequest.Valid parsed;
    private final long snapshotIndex;
    private final SpaceSnapshot snapshot;
    private final Optional<ChangeRecorder> changes;
    /** A DELETE's candidates, until it completes; a GET keeps only its answer and {@link #cutOff}. */
    private Result.Matched found;
    private CutOff cutOff = CutOff.NONE;
    private final ByteBufAllocator allocator;
    /** Written on the scan thread; given away by {@link #complete}, released by {@link #abandon} otherwise. */
    private ByteBuf answer;
    private boolean failed;
    private long scanNanos;

    private LongRequest(Frame.Request request, ParsedRequest.Valid parsed, long snapshotIndex, SpaceSnapshot snapshot,
                        Optional<ChangeRecorder> changes, ByteBufAllocator allocator) {
        this.allocator = allocator;
        this.request = request;
        this.parsed = parsed;
        this.snapshotIndex = snapshotIndex;
        this.snapshot = snapshot;
        this.changes = changes;
    }

    /**
     * On the event loop: the long request {@code request} starts at this point of the serving order, when the
     * replication log is at {@code index}. Empty when the line is not a GET or DELETE (only those can be long). The
     * answer is written into a buffer of {@code allocator}.
     */
    static Optional<LongRequest> start(Frame.Request request, TupleSpace space, long index, ByteBufAllocator allocator) {
        if (!(Requests.parse(request.line()) instanceof ParsedRequest.Valid parsed)) {
            return Optional.empty();
        }
        if (parsed.command() instanceof Command.Delete) {
            ChangeRecorder changes = space.recordChanges();
            return Optional.of(new LongRequest(request, parsed, index, changes.snapshot(), Optional.of(changes), allocator));
        }
        if (parsed.command() instanceof Command.Get) {
            return Optional.of(new LongRequest(request, parsed, index, space.snapshot(), Optional.empty(), allocator));
        }
        return Optional.empty();
    }

    /**
     * On the scan thread, with a budget of that thread's clock and the server's full limits; {@code servingClock} (the
     * thread's CPU time, {@link ThreadCpuTime}) measures the serving time charged to the connection when it is
     * unparked.
     */
    void scan(MatchBudget budget, LongSupplier servingClock) {
        long started = servingClock.getAsLong();
        try {
            evaluate(budget);
        } finally {
            scanNanos = servingClock.getAsLong() - started;
        }
    }

    private void evaluate(MatchBudget budget) {
        found = snapshot.find(keyexp(), valexp(), budget);
        answer = formatted(found);
        cutOff = found.cutOff();
        if (changes.isEmpty()) {
            found = null; // a GET needs only its answer now: its pairs may be a million
        }
    }

    /**
     * On the scan thread, instead of {@link #scan}'s result: evaluating failed unexpectedly (a bug of ours). Answered
     * {@code unavailable} and remembered like an update's answer, as on the loop ({@link ExactlyOnceRequests}).
     */
    void failed(Throwable failure) {
        failed = true;
        if (answer != null) {
            answer.release();
        }
        answer = AnswerBuffers.text(allocator, Answers.error(request.lineText(), Status.UNAVAILABLE, "internal error:"
                + " expected to evaluate the request, found " + failure.getClass().getSimpleName() + "; nothing was"
                + " changed; the server log has the details"));
    }

    private ByteBuf formatted(Result result) {
        return AnswerBuffers.written(allocator, buffer -> Answers.write(parsed, result, buffer));
    }

    /**
     * On the event loop, after {@link #scan}: what the request did, its answer given to the caller. A GET changes
     * nothing; a DELETE applies its effect to {@code space} now. {@code budget} bounds checking the keys changed since
     * the snapshot again.
     */
    RequestEvaluator.Evaluation complete(TupleSpace space, MatchBudget budget) {
        ByteBuf answered = answer;
        answer = null;
        if (failed) {
            changes.ifPresent(ChangeRecorder::close);
            return new RequestEvaluator.Evaluation(answered, Effect.NONE, true);
        }
        if (changes.isEmpty()) {
            return new RequestEvaluator.Evaluation(answered, Effect.NONE, false, cutOff);
        }
        try (ChangeRecorder recorder = changes.get()) {
            Outcome outcome = space.deleteFound((Command.Delete) parsed.command(), found, recorder, budget);
            // Nothing changed since the snapshot (the common case): the answer formatted off the loop is the answer.
            if (!outcome.result().equals(found)) {
                answered.release();
                answered = formatted(outcome.result());
            }
            Result.Matched result = (Result.Matched) outcome.result();
            return new RequestEvaluator.Evaluation(answered, outcome.effect(), true, result.cutOff());
        }
    }

    /** The node stops serving before {@link #complete}: stops recording changes and lets the answer go. */
    void abandon() {
        changes.ifPresent(ChangeRecorder::close);
        if (answer != null) {
            answer.release();
            answer = null;
        }
    }

    Frame.Request request() {
        return request;
    }

    /** How many pairs a DELETE found to remove once back on the loop ({@link #complete}); 0 for a GET. */
    int deleting() {
        return found == null ? 0 : found.pairs().size();
    }

    /** How long the scan thread worked on it: charged to its connection's share of serving. */
    long scanNanos() {
        return scanNanos;
    }

    /**
     * The replication index the snapshot was taken at: a GET's answer depends on it (docs/design.md "Nothing leaves
     * before the backup has it").
     */
    long snapshotIndex() {
        return snapshotIndex;
    }

    boolean isUpdate() {
        return changes.isPresent();
    }

    private String keyexp() {
        return parsed.command() instanceof Command.Get get ? get.keyexp() : ((Command.Delete) parsed.command()).keyexp();
    }

    private String valexp() {
        return parsed.command() instanceof Command.Get get ? get.valexp() : ((Command.Delete) parsed.command()).valexp();
    }

    @Override
    public String toString() {
        return "long " + (isUpdate() ? "DELETE" : "GET") + " conn " + Long.toHexString(request.conn()) + " seq "
                + request.seq() + " at index " + snapshotIndex;
    }
}
