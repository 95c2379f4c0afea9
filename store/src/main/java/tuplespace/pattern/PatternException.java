package tuplespace.pattern;

/**
 * Why a pattern was refused. {@link Kind#INVALID} means Python's {@code re.compile} raises too (the
 * message is Python's, with Python's code-point position); {@link Kind#UNSUPPORTED} means Python
 * accepts the pattern but this engine cannot match it faithfully; {@link Kind#TOO_LONG} is our cap.
 */
public final class PatternException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The three reasons a pattern is refused. */
    public enum Kind {
        /** Python's re.compile raises re.error (or ValueError/OverflowError) for this pattern. */
        INVALID,
        /** Python accepts it, we cannot match it faithfully. */
        UNSUPPORTED,
        /** Longer than {@link PyPattern#MAX_PATTERN_LENGTH}. */
        TOO_LONG
    }

    private final Kind kind;
    private final String reason;
    private final int position;

    /**
     * @param reason   what was expected and what was found, without the position
     * @param position code-point index into the pattern (as Python counts), or -1 when Python gives none
     * @param source   the pattern, used only to format the position the way Python does
     */
    PatternException(Kind kind, String reason, int position, String source) {
        super(format(reason, position, source), null, false, false);
        this.kind = kind;
        this.reason = reason;
        this.position = position;
    }

    static PatternException invalid(String reason, int position, String source) {
        return new PatternException(Kind.INVALID, reason, position, source);
    }

    static PatternException unsupported(String reason, String source) {
        return new PatternException(Kind.UNSUPPORTED, reason, -1, source);
    }

    public Kind kind() {
        return kind;
    }

    /** The message without the position, e.g. "missing ), unterminated subpattern" (Python's {@code re.error.msg}). */
    public String reason() {
        return reason;
    }

    /** Code-point position in the pattern as Python reports it ({@code re.error.pos}), or -1. */
    public int position() {
        return position;
    }

    /** A fresh copy, so a cached refusal can be thrown again without sharing an exception instance. */
    PatternException copy(String source) {
        return new PatternException(kind, reason, position, source);
    }

    // Same shape as str(re.error): "msg at position N", or "(line L, column C)" for multi-line patterns.
    private static String format(String reason, int position, String source) {
        if (position < 0) {
            return reason;
        }
        int[] cps = source.codePoints().limit(position).toArray();
        int newlines = 0;
        int lastNewline = -1;
        for (int i = 0; i < cps.length; i++) {
            if (cps[i] == '\n') {
                newlines++;
                lastNewline = i;
            }
        }
        if (source.indexOf('\n') >= 0) {
            return reason + " (line " + (newlines + 1) + ", column " + (position - lastNewline) + ")";
        }
        return reason + " at position " + position;
    }
}
