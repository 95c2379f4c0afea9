package tuplespace.codec;

import java.util.Optional;
import tuplespace.pattern.CutOff;

/**
 * The wire names of the bounds that cut a GET or DELETE off, in the JSON answer's {@code cutoff} field: a program
 * tells "one text took too long" (a pattern to fix) from "the request covered too much" (a pattern to narrow)
 * without reading the warning's words. Named like the server options that set the bounds.
 */
public final class CutOffs {

    public static final String MATCH_BUDGET = "match_budget";
    public static final String REQUEST_CPU_LIMIT = "request_cpu_limit";

    private CutOffs() {
    }

    /** The wire name of a cut-off ({@code NONE} has none: the field is absent). */
    public static String wire(CutOff cutOff) {
        return switch (cutOff) {
            case MATCH_BUDGET -> MATCH_BUDGET;
            case REQUEST_CPU_LIMIT -> REQUEST_CPU_LIMIT;
            case NONE -> throw new IllegalArgumentException("expected a cut-off, found NONE: the field is absent then");
        };
    }

    /** The cut-off a wire name stands for; empty for a name this version does not know. */
    public static Optional<CutOff> parse(String wire) {
        return switch (wire) {
            case MATCH_BUDGET -> Optional.of(CutOff.MATCH_BUDGET);
            case REQUEST_CPU_LIMIT -> Optional.of(CutOff.REQUEST_CPU_LIMIT);
            default -> Optional.empty();
        };
    }
}
