package tuplespace.node;

import java.time.Duration;
import java.util.Objects;
import tuplespace.pattern.CutOff;

/**
 * The two bounds on a GET's or DELETE's pattern matching (docs/protocol.md "The data"), as the server was started with
 * them: the <em>match budget</em> ({@code --match-budget}) bounds matching one pattern against one key or value text,
 * which stops catastrophic backtracking; the <em>request CPU limit</em> ({@code --request-cpu-limit}) bounds the whole
 * request, however many pairs it covers. Both are CPU time of the thread that evaluates.
 */
record MatchLimits(Duration matchBudget, Duration requestCpuLimit) {

    /**
     * How much CPU a GET or DELETE may take on the node's event loop. One that needs more (many pairs, or one long
     * match) is evaluated again on the scan thread, against a snapshot: heartbeats, acknowledgements and other
     * clients' small requests never wait longer than this for a big request (docs/protocol.md "The data").
     */
    static final Duration LOOP_SHARE = Duration.ofMillis(2);

    MatchLimits {
        Objects.requireNonNull(matchBudget, "matchBudget");
        Objects.requireNonNull(requestCpuLimit, "requestCpuLimit");
    }

    /** The bounds of a first try on the event loop: the loop's share, or less where the server's own are less. */
    MatchLimits onTheLoop() {
        return new MatchLimits(min(matchBudget, LOOP_SHARE), min(requestCpuLimit, LOOP_SHARE));
    }

    /** Whether a request that {@code cutOff} stopped within the {@link #onTheLoop()} bounds may finish within these. */
    boolean mayFinishBeyondTheLoop(CutOff cutOff) {
        return switch (cutOff) {
            case NONE -> false;
            case MATCH_BUDGET -> matchBudget.compareTo(LOOP_SHARE) > 0;
            case REQUEST_CPU_LIMIT -> requestCpuLimit.compareTo(LOOP_SHARE) > 0;
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
