package tuplespace.node;

import java.util.Objects;
import tuplespace.pattern.CutOff;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;

/**
 * Turns one client request line into its answer by applying it to the space (SPEC §1-§2). The production
 * implementation is {@link CodecRequestEvaluator}; it runs on the node's event loop and must not block: the budget
 * it is given bounds its work, and a GET or DELETE that needs more is cut off and handed to the scan thread.
 */
@FunctionalInterface
public interface RequestEvaluator {

    /**
     * Evaluates {@code line} against {@code space}, applying any change. Total: bad input is an answer.
     *
     * @return the answer text (ending {@code \n}), the effect on the space, and whether the request was an
     *     update (PUT, POST, DELETE): updates are replicated and remembered for exactly-once
     */
    Evaluation evaluate(String line, TupleSpace space, MatchBudget budget);

    /**
     * The outcome of one request line. {@code cutOff} says whether a GET or DELETE was cut off by a bound of its
     * budget (then its answer is the cut-off's, and it changed nothing): the node may then evaluate it again with
     * larger bounds elsewhere ({@link LongRequest}).
     */
    record Evaluation(String answer, Effect effect, boolean update, CutOff cutOff) {
        public Evaluation {
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(effect, "effect");
            Objects.requireNonNull(cutOff, "cutOff");
        }

        /** An evaluation that was not cut off. */
        public Evaluation(String answer, Effect effect, boolean update) {
            this(answer, effect, update, CutOff.NONE);
        }
    }
}
