package tuplespace.bench.failover;

import java.util.List;

/** One kill of the primary: the silence it caused, client-visible errors, and the acknowledged writes lost. */
public record FailoverRepetition(double unavailableMillis, double killToFirstAnswerMillis, long clientErrors,
                                 long duplicateEffects, long acknowledgedWrites, LostWrites lostWrites,
                                 List<String> errorExamples) {

    public FailoverRepetition {
        errorExamples = List.copyOf(errorExamples);
    }
}
