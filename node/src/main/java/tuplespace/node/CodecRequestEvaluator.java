package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import tuplespace.codec.Answers;
import tuplespace.codec.ParsedRequest;
import tuplespace.codec.Requests;
import tuplespace.pattern.CutOff;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.Effect;
import tuplespace.space.Outcome;
import tuplespace.space.Result;
import tuplespace.space.TupleSpace;

/**
 * Parses a request line's bytes with the codec, applies it to the space, and writes the answer in the request's mode
 * into a buffer of the allocator: no {@code String} of the line or of the answer on the way of a valid JSON request.
 */
final class CodecRequestEvaluator implements RequestEvaluator {

    @Override
    public Evaluation evaluate(ByteBuf line, TupleSpace space, MatchBudget budget, ByteBufAllocator allocator) {
        ParsedRequest parsed = Requests.parse(line);
        if (parsed instanceof ParsedRequest.Invalid invalid) {
            return new Evaluation(ByteBufUtil.writeUtf8(allocator, Answers.error(invalid)), Effect.NONE, false);
        }
        ParsedRequest.Valid valid = (ParsedRequest.Valid) parsed;
        Outcome outcome = space.apply(valid.command(), budget);
        CutOff cutOff = outcome.result() instanceof Result.Matched matched ? matched.cutOff() : CutOff.NONE;
        ByteBuf answer = allocator.buffer();
        try {
            Answers.write(valid, outcome.result(), answer);
        } catch (RuntimeException | Error e) {
            answer.release();
            throw e;
        }
        return new Evaluation(answer, outcome.effect(), valid.command().isUpdate(), cutOff);
    }
}
