package tuplespace.pattern;

/** Why a pattern was refused. (Interim version: the full engine replaces this package.) */
public final class PatternException extends Exception {
    public enum Kind { INVALID, UNSUPPORTED, TOO_LONG }

    private final Kind kind;

    public PatternException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
