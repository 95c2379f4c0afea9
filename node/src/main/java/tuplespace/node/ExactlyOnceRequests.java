package tuplespace.node;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tuplespace.codec.frame.Frame;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.Effect;

/**
 * What one request from the proxy does to the replicated state (SPEC §4: each update applied exactly once
 * across a failover, and a client sees the same answer it would have seen without the failure). A request whose
 * answer is remembered gets that answer and changes nothing; an update is evaluated, remembered, and gives the
 * log entries to replicate, which also carry the request's floor; a read is evaluated and changes nothing.
 *
 * <p>Reads before an update: a client may pipeline GET (seq 51) then POST (seq 55). If the primary dies after
 * replicating POST 55 but before GET 51's answer left, the proxy resends both, and re-evaluating GET 51 on a state
 * that has POST 55 would give a different answer. So before an update on a connection is replicated, the answers
 * of that connection's earlier reads not yet known delivered (seq above the floor) are remembered and replicated
 * first, as entries with an empty effect. A read not followed by an update on its connection needs nothing:
 * evaluating it again on the new primary is a linearizable answer. Runs on the node's event loop (or on scratch
 * state in {@link TakeoverWarmUp}).
 */
final class ExactlyOnceRequests {

    /** The answer to send and, for an update evaluated now, the changes to append to the replication log, in order. */
    record Handled(String answer, List<Change.Applied> changes) {
        Handled {
            Objects.requireNonNull(answer, "answer");
            changes = List.copyOf(changes);
        }
    }

    /** A read's answer that the proxy may not have delivered yet. */
    private record ReadAnswer(long seq, String answer) {
    }

    private final ReplicatedState state;
    private final RequestEvaluator evaluator;
    private final Duration matchBudget;
    private final MatchClock matchClock;
    /** Per connection, in seq order; pruned by each request's floor and by CLOSED, so it holds undelivered answers only. */
    private final Map<Long, ArrayDeque<ReadAnswer>> undeliveredReads = new HashMap<>();

    /** Budgets charged the calling thread's CPU time ({@link MatchClock#ofCurrentThread}): make it on the serving thread. */
    ExactlyOnceRequests(ReplicatedState state, RequestEvaluator evaluator, Duration matchBudget) {
        this(state, evaluator, matchBudget, MatchClock.ofCurrentThread());
    }

    ExactlyOnceRequests(ReplicatedState state, RequestEvaluator evaluator, Duration matchBudget, MatchClock matchClock) {
        this.state = state;
        this.evaluator = evaluator;
        this.matchBudget = matchBudget;
        this.matchClock = matchClock;
    }

    Handled handle(Frame.Request request) {
        forgetDeliveredReads(request.conn(), request.floor());
        Optional<String> remembered = state.answers().lookup(request.conn(), request.seq());
        if (remembered.isPresent()) {
            // SPEC §4: a resent update is not applied again; it gets the answer it got the first time.
            return new Handled(remembered.get(), List.of());
        }
        // SPEC §1: the budget bounds the work of this request, so it is charged CPU time, not time spent descheduled.
        RequestEvaluator.Evaluation evaluation = evaluator.evaluate(request.line(), state.space(),
                matchClock.budget(matchBudget));
        if (!evaluation.update()) {
            rememberUntilDelivered(request, evaluation.answer());
            return new Handled(evaluation.answer(), List.of());
        }
        List<Change.Applied> changes = new ArrayList<>(rememberUndeliveredReads(request));
        Change.Applied applied = new Change.Applied(request.conn(), request.seq(), request.floor(), evaluation.effect(),
                evaluation.answer());
        state.recordAnswer(applied);
        changes.add(applied);
        return new Handled(evaluation.answer(), changes);
    }

    /** The client connection closed: its undelivered reads will never be asked for again. */
    void connectionClosed(long conn) {
        undeliveredReads.remove(conn);
    }

    /** How many read answers are kept for a possible later update (for tests and STATUS-like diagnostics). */
    int undeliveredReadCount() {
        return undeliveredReads.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    private void rememberUntilDelivered(Frame.Request read, String answer) {
        ArrayDeque<ReadAnswer> reads = undeliveredReads.computeIfAbsent(read.conn(), conn -> new ArrayDeque<>());
        while (!reads.isEmpty() && reads.peekLast().seq() >= read.seq()) {
            reads.pollLast(); // resent on a new proxy link: the answer given now is the one that counts
        }
        reads.addLast(new ReadAnswer(read.seq(), answer));
    }

    private void forgetDeliveredReads(long conn, long floor) {
        ArrayDeque<ReadAnswer> reads = undeliveredReads.get(conn);
        if (reads == null) {
            return;
        }
        while (!reads.isEmpty() && reads.peekFirst().seq() <= floor) {
            reads.pollFirst();
        }
        if (reads.isEmpty()) {
            undeliveredReads.remove(conn);
        }
    }

    /** The update {@code request} comes next: its connection's undelivered read answers become table entries first. */
    private List<Change.Applied> rememberUndeliveredReads(Frame.Request request) {
        ArrayDeque<ReadAnswer> reads = undeliveredReads.remove(request.conn());
        if (reads == null) {
            return List.of();
        }
        List<Change.Applied> changes = new ArrayList<>(reads.size());
        for (ReadAnswer read : reads) {
            if (read.seq() < request.seq()) {
                Change.Applied remembered = new Change.Applied(request.conn(), read.seq(), request.floor(), Effect.NONE,
                        read.answer());
                state.recordAnswer(remembered);
                changes.add(remembered);
            }
        }
        return changes;
    }
}
