package tuplespace.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
            return new Evaluation(AnswerBuffers.text(allocator, Answers.error(invalid)), Effect.NONE, false);
        }
        ParsedRequest.Valid valid = (ParsedRequest.Valid) parsed;
        Outcome outcome = space.apply(valid.command(), budget);
        CutOff cutOff = outcome.result() instanceof Result.Matched matched ? matched.cutOff() : CutOff.NONE;
        // the space has changed already: the answer must be had, in direct memory or on the heap
        ByteBuf answer = AnswerBuffers.written(allocator, buffer -> Answers.write(valid, outcome.result(), buffer));
        return new Evaluation(answer, outcome.effect(), valid.command().isUpdate(), cutOff);
    }
}
