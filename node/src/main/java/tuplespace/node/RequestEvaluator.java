package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;
import tuplespace.pattern.CutOff;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;

/**
 * Turns one client request line into its answer by applying it to the space (docs/protocol.md). The production
 * implementation is {@link CodecRequestEvaluator}; it runs on the node's event loop and must not block: the budget
 * it is given bounds its work, and a GET or DELETE that needs more is cut off and handed to the scan thread.
 */
@FunctionalInterface
public interface RequestEvaluator {

    /**
     * Evaluates {@code line} (its readable bytes, UTF-8, which are neither changed nor released) against
     * {@code space}, applying any change, and writes the answer into a buffer of {@code allocator}. Total: bad input
     * is an answer.
     *
     * @return the answer (UTF-8, ending {@code \n}; the caller releases it), the effect on the space, and whether the
     *     request was an update (PUT, POST, DELETE): updates are replicated and remembered for exactly-once
     */
    Evaluation evaluate(ByteBuf line, TupleSpace space, MatchBudget budget, ByteBufAllocator allocator);

    /**
     * The outcome of one request line. {@code answer} is the evaluation's, to be released by whoever takes it.
     * {@code cutOff} says whether a GET or DELETE was cut off by a bound of its budget (then its answer is the
     * cut-off's, and it changed nothing): the node may then evaluate it again with larger bounds elsewhere
     * ({@link LongRequest}).
     */
    record Evaluation(ByteBuf answer, Effect effect, boolean update, CutOff cutOff) {
        public Evaluation {
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(effect, "effect");
            Objects.requireNonNull(cutOff, "cutOff");
        }

        /** An evaluation that was not cut off. */
        public Evaluation(ByteBuf answer, Effect effect, boolean update) {
            this(answer, effect, update, CutOff.NONE);
        }
    }
}
