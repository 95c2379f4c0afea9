package tuplespace.node;

import java.util.Objects;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;

/**
 * Turns one client request line into its answer by applying it to the space (SPEC §1-§2). The production
 * implementation is {@link CodecRequestEvaluator}; it runs on the node's event loop and must not block.
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

    /** The outcome of one request line. */
    record Evaluation(String answer, Effect effect, boolean update) {
        public Evaluation {
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(effect, "effect");
        }
    }
}
