package tuplespace.pattern;

import java.util.function.IntPredicate;

/**
 * The pattern as a stream of tokens, after CPython's {@code _parser.Tokenizer}: a token is one code point,
 * or a backslash with the code point after it. Positions count code points, as Python's do, so error
 * positions agree with {@code re.error.pos}.
 */
final class PatternSource {
    private final String pattern;
    private final int[] codePoints;
    private int index;
    private String next;

    PatternSource(String pattern) throws PatternException {
        this.pattern = pattern;
        this.codePoints = pattern.codePoints().toArray();
        advance();
    }

    String pattern() {
        return pattern;
    }

    /** The next token, or null at the end of the pattern. */
    String peek() {
        return next;
    }

    boolean atEnd() {
        return next == null;
    }

    /** True when the next token is exactly {@code token}; consumes it then. */
    boolean match(String token) throws PatternException {
        if (token.equals(next)) {
            advance();
            return true;
        }
        return false;
    }

    String get() throws PatternException {
        String token = next;
        advance();
        return token;
    }

    /** Up to {@code max} single-code-point tokens accepted by {@code accepted}. */
    String getWhile(int max, IntPredicate accepted) throws PatternException {
        StringBuilder result = new StringBuilder();
        for (int i = 0; i < max && isSingle(next) && accepted.test(next.codePointAt(0)); i++) {
            result.append(get());
        }
        return result.toString();
    }

    /** The text up to {@code terminator} (consumed), e.g. a group name; Python's getuntil. */
    String getUntil(String terminator, String what) throws PatternException {
        StringBuilder result = new StringBuilder();
        while (true) {
            String token = get();
            if (token == null) {
                if (result.length() == 0) {
                    throw error("missing " + what, 0);
                }
                throw error("missing " + terminator + ", unterminated name", length(result.toString()));
            }
            if (token.equals(terminator)) {
                if (result.length() == 0) {
                    throw error("missing " + what, 1);
                }
                return result.toString();
            }
            result.append(token);
        }
    }

    /** Position of the next token, in code points. */
    int tell() {
        return index - (next == null ? 0 : length(next));
    }

    void seek(int position) throws PatternException {
        index = position;
        advance();
    }

    /** An INVALID refusal located {@code offset} code points before the next token, like Python's source.error. */
    PatternException error(String reason, int offset) {
        return PatternException.invalid(reason, tell() - offset, pattern);
    }

    static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    static boolean isSingle(String token) {
        return token != null && length(token) == 1 && !token.equals("\\");
    }

    private void advance() throws PatternException {
        if (index >= codePoints.length) {
            next = null;
            return;
        }
        int c = codePoints[index];
        StringBuilder token = new StringBuilder().appendCodePoint(c);
        if (c == '\\') {
            if (index + 1 >= codePoints.length) {
                throw PatternException.invalid("bad escape (end of pattern)", codePoints.length - 1, pattern);
            }
            index++;
            token.appendCodePoint(codePoints[index]);
        }
        index++;
        next = token.toString();
    }
}
