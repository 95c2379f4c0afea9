package tuplespace.bench.failover;

import java.util.List;
import java.util.OptionalDouble;

/**
 * One failure of the primary — kill -9, or SIGSTOP (a hung process) — the silence it caused, client-visible errors,
 * and the acknowledged writes lost. {@code hungProcessGone}: after a SIGSTOP, whether the system fenced (killed)
 * the hung process. {@code protectedAgainMillis}: from the signal until the system kept a second copy again by itself
 * (a new replica live), where it makes one ({@link FailoverSystem#protectedAgainAt}).
 */
public record FailoverRepetition(Fault fault, boolean hungProcessGone, double unavailableMillis, double killToFirstAnswerMillis, long clientErrors,
                                 long duplicateEffects, long acknowledgedWrites, LostWrites lostWrites,
                                 OptionalDouble protectedAgainMillis,
                                 List<String> errorExamples) {

    /** How the primary fails. */
    public enum Fault { KILL, STOP }

    public FailoverRepetition {
        errorExamples = List.copyOf(errorExamples);
    }
}
