package tuplespace.node;

import tuplespace.codec.Answers;
import tuplespace.codec.ParsedRequest;
import tuplespace.codec.Requests;
import tuplespace.pattern.CutOff;
import tuplespace.pattern.MatchBudget;
import tuplespace.space.Effect;
import tuplespace.space.Outcome;
import tuplespace.space.Result;
import tuplespace.space.TupleSpace;

/** Parses a request line with the codec, applies it to the space, formats the answer in the request's mode. */
final class CodecRequestEvaluator implements RequestEvaluator {

    @Override
    public Evaluation evaluate(String line, TupleSpace space, MatchBudget budget) {
        ParsedRequest parsed = Requests.parse(line);
        if (parsed instanceof ParsedRequest.Invalid invalid) {
            return new Evaluation(Answers.error(invalid), Effect.NONE, false);
        }
        ParsedRequest.Valid valid = (ParsedRequest.Valid) parsed;
        Outcome outcome = space.apply(valid.command(), budget);
        CutOff cutOff = outcome.result() instanceof Result.Matched matched ? matched.cutOff() : CutOff.NONE;
        return new Evaluation(Answers.format(valid, outcome.result()), outcome.effect(), valid.command().isUpdate(),
                cutOff);
    }
}
