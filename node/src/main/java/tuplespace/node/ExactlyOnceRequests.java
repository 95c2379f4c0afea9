package tuplespace.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import tuplespace.codec.frame.Frame;
import tuplespace.pattern.MatchBudget;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.Effect;

/**
 * What one request from the proxy does to the replicated state (SPEC §4: each update applied exactly once
 * across a failover, with the answer it got the first time). A request whose answer is remembered gets that
 * answer and changes nothing; an update is evaluated, remembered, and gives the log entry to replicate, which
 * also carries the request's floor; anything else (a read) is evaluated and changes nothing, unless a later
 * update on the same connection comes while its delivery is unconfirmed (see {@link #handle}). Runs on the
 * node's event loop (or on scratch state in {@link ServingWarmUp}).
 */
final class ExactlyOnceRequests {

    /** The answer to send and the changes to append to the replication log, in order (none for most reads). */
    record Handled(String answer, List<Change.Applied> changes) {
        Handled {
            Objects.requireNonNull(answer, "answer");
            changes = List.copyOf(changes);
        }
    }

    private final ReplicatedState state;
    private final RequestEvaluator evaluator;
    private final Duration matchBudget;
    /** Per connection, reads answered above the proxy's floor: the proxy may still send them again. */
    private final Map<Long, NavigableMap<Long, String>> unconfirmedReads = new HashMap<>();

    ExactlyOnceRequests(ReplicatedState state, RequestEvaluator evaluator, Duration matchBudget) {
        this.state = state;
        this.evaluator = evaluator;
        this.matchBudget = matchBudget;
    }

    /**
     * A read evaluated again after a failover must not see updates that came after it on its connection, which
     * the new primary applied as backup (a pipelining client would read a value from its own future). So when
     * an update comes while earlier reads of its connection are unconfirmed, those reads' answers are
     * replicated first, as effect-free entries, and a resent read finds its answer like a resent update.
     */
    Handled handle(Frame.Request request) {
        long conn = request.conn();
        Optional<String> remembered = state.answers().lookup(conn, request.seq());
        if (remembered.isPresent()) {
            // SPEC §4: a resent request is not applied again; it gets the answer it got the first time.
            return new Handled(remembered.get(), List.of());
        }
        RequestEvaluator.Evaluation evaluation = evaluator.evaluate(request.line(), state.space(),
                MatchBudget.of(matchBudget, System::nanoTime));
        if (!evaluation.update()) {
            NavigableMap<Long, String> reads = unconfirmedReads.computeIfAbsent(conn, c -> new TreeMap<>());
            reads.headMap(request.floor(), true).clear(); // delivered: the proxy will not send them again
            reads.put(request.seq(), evaluation.answer());
            return new Handled(evaluation.answer(), List.of());
        }
        List<Change.Applied> changes = new ArrayList<>(2);
        NavigableMap<Long, String> reads = unconfirmedReads.remove(conn);
        if (reads != null) {
            reads.tailMap(request.floor(), false).forEach((seq, answer) ->
                    changes.add(new Change.Applied(conn, seq, 0, Effect.NONE, answer)));
        }
        changes.add(new Change.Applied(conn, request.seq(), request.floor(), evaluation.effect(), evaluation.answer()));
        changes.forEach(state::recordAnswer);
        return new Handled(evaluation.answer(), changes);
    }

    /** The client left: nothing of its will be sent again. */
    void forget(long conn) {
        unconfirmedReads.remove(conn);
    }
}
