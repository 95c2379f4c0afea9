package tuplespace.pattern;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The note of a GET or DELETE whose patterns were both accepted: each pattern's {@link PyPattern#notes()}, labelled
 * with the request field it came from, e.g. {@code keyexp: Possible nested set at position 1; valexp: ...}.
 *
 * <p>A note is advice, not a warning (docs/protocol.md, "Answers: warning and note"): the patterns are valid and
 * the answer they give is complete, so a caller puts this in the answer's {@code note} and never in its
 * {@code warning}, which is kept for answers that are not the full answer (a refused pattern, a cut-off).
 */
public final class PatternNotes {

    private PatternNotes() {
    }

    /** The note on a request's two accepted patterns; empty when neither has anything to say (the usual case). */
    public static Optional<String> of(PyPattern keyPattern, PyPattern valuePattern) {
        return joined(keyPattern.notes(), valuePattern.notes());
    }

    /** The note on a request whose key is a plain literal, never compiled: only the value pattern can have one. */
    public static Optional<String> ofValuePattern(PyPattern valuePattern) {
        return joined(List.of(), valuePattern.notes());
    }

    private static Optional<String> joined(List<String> keyNotes, List<String> valueNotes) {
        if (keyNotes.isEmpty() && valueNotes.isEmpty()) {
            return Optional.empty();
        }
        List<String> labelled = new ArrayList<>(keyNotes.size() + valueNotes.size());
        keyNotes.forEach(note -> labelled.add("keyexp: " + note));
        valueNotes.forEach(note -> labelled.add("valexp: " + note));
        return Optional.of(String.join("; ", labelled));
    }
}
