package tuplespace.node;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import tuplespace.codec.frame.Frame;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;

/**
 * What one request from the proxy does to the replicated state (SPEC §4: each update applied exactly once
 * across a failover, with the answer it got the first time). A request whose answer is remembered gets that
 * answer and changes nothing; an update is evaluated, remembered, and gives the one log entry to replicate,
 * which also carries the request's floor; anything else is evaluated and changes nothing. Runs on the node's
 * event loop (or on scratch state in {@link TakeoverWarmUp}).
 */
final class ExactlyOnceRequests {

    /** The answer to send and, for an update evaluated now, the change to append to the replication log. */
    record Handled(String answer, Optional<Change.Applied> change) {
        Handled {
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(change, "change");
        }
    }

    private final ReplicatedState state;
    private final RequestEvaluator evaluator;
    private final Duration matchBudget;
    private final MatchClock matchClock;

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
        Optional<String> remembered = state.answers().lookup(request.conn(), request.seq());
        if (remembered.isPresent()) {
            // SPEC §4: a resent update is not applied again; it gets the answer it got the first time.
            return new Handled(remembered.get(), Optional.empty());
        }
        // SPEC §1: the budget bounds the work of this request, so it is charged CPU time, not time spent descheduled.
        RequestEvaluator.Evaluation evaluation = evaluator.evaluate(request.line(), state.space(),
                matchClock.budget(matchBudget));
        if (!evaluation.update()) {
            // Delivered answers stay remembered until this connection's next update carries the floor (or it closes).
            return new Handled(evaluation.answer(), Optional.empty());
        }
        Change.Applied applied = new Change.Applied(request.conn(), request.seq(), request.floor(), evaluation.effect(),
                evaluation.answer());
        state.recordAnswer(applied);
        return new Handled(evaluation.answer(), Optional.of(applied));
    }
}
