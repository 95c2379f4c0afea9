package tuplespace.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text-mode line into tokens and quotes tokens for text-mode answers (docs/protocol.md "Text mode").
 *
 * <p>Tokens are separated by runs of spaces or tabs. A token that starts with {@code "} is quoted: it runs to the
 * next unescaped {@code "}, which must be followed by a blank or the end of the line. Inside quotes {@code \"}
 * stands for {@code "} and {@code \\} for {@code \}; any other backslash is kept as it is, so a quoted pattern
 * such as {@code "user \d+"} needs no doubling. Outside quotes every character, a backslash or a quote included,
 * stands for itself.
 */
public final class TextTokens {

    private TextTokens() {
    }

    /** The tokens of {@code line}; throws {@link TokenException} naming what was expected and found. */
    static List<String> split(String line) throws TokenException {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && isBlank(line.charAt(i))) {
                i++;
            }
            if (i == n) {
                return tokens;
            }
            StringBuilder token = new StringBuilder();
            i = line.charAt(i) == '"' ? readQuoted(line, i, token) : readBare(line, i, token);
            tokens.add(token.toString());
        }
    }

    private static int readBare(String line, int start, StringBuilder token) {
        int i = start;
        while (i < line.length() && !isBlank(line.charAt(i))) {
            token.append(line.charAt(i));
            i++;
        }
        return i;
    }

    private static int readQuoted(String line, int start, StringBuilder token) throws TokenException {
        int i = start + 1;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '"') {
                i++;
                if (i < n && !isBlank(line.charAt(i))) {
                    throw new TokenException("expected a space after the closing quote at column " + i
                            + ", found '" + line.charAt(i) + "' at column " + (i + 1));
                }
                return i;
            }
            if (c == '\\' && i + 1 < n && (line.charAt(i + 1) == '"' || line.charAt(i + 1) == '\\')) {
                token.append(line.charAt(i + 1));
                i += 2;
                continue;
            }
            token.append(c);
            i++;
        }
        throw new TokenException("expected a closing quote for the token that starts at column " + (start + 1)
                + ", found the end of the line");
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * The token as it is written in a text-mode line: bare when that reads back the same, else quoted with
     * {@code "} and {@code \} escaped. Used for pairs in text answers, where a given token may hold anything. A control
     * character other than the tab is spelled out ({@code \x00}, {@code \x1b}), as in every line of an answer: it is
     * shown on a person's terminal, not acted on, and no answer holds a raw NUL (a token with one does not read back the
     * same, but such a token is never a well-formed tuple, only echoed as one that is not).
     */
    public static String quote(String token) {
        if (!needsQuotes(token)) {
            return token;
        }
        StringBuilder quoted = new StringBuilder(token.length() + 2).append('"');
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\');
            }
            Lines.appendShown(quoted, c);
        }
        return quoted.append('"').toString();
    }

    private static boolean needsQuotes(String token) {
        if (token.isEmpty() || token.charAt(0) == '"') {
            return true;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '"') {
                return true;
            }
        }
        return false;
    }

    /** A text-mode line that cannot be split into tokens. */
    static final class TokenException extends Exception {
        TokenException(String message) {
            super(message, null, false, false);
        }
    }
}
