package tuplespace.client;

import java.util.Objects;
import tuplespace.codec.AnswerDecoder;
import tuplespace.codec.MalformedAnswerException;
import tuplespace.codec.Status;

/**
 * The answer to a request line sent as is ({@link TupleSpaceClient#sendLine}): the text exactly as the service
 * sent it (one JSON line, or text-mode lines up to {@code end}, each ending {@code \n}) and its status word.
 */
public record LineAnswer(String text, Status status) {

    public LineAnswer {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(status, "status");
    }

    /**
     * Reads the status of an answer of either mode (SPEC §2, docs/internals.md "Answer lines").
     *
     * @throws MalformedAnswerException when the text is not an answer
     */
    public static LineAnswer of(String text) {
        if (text.startsWith("{")) {
            return new LineAnswer(text, AnswerDecoder.decode(text).status());
        }
        return new LineAnswer(text, textStatus(text));
    }

    /** Whether the service carried the request out ({@code ok}). */
    public boolean isOk() {
        return status == Status.OK;
    }

    /** The text-mode status is the first word of the first line: {@code ok 2 pairs}, {@code malformed: ...}. */
    private static Status textStatus(String text) {
        int end = 0;
        while (end < text.length() && isWordCharacter(text.charAt(end))) {
            end++;
        }
        String word = text.substring(0, end);
        return Status.fromWire(word).orElseThrow(() -> new MalformedAnswerException(
                "expected a text answer starting with a status word (ok, malformed, not_implemented, refused,"
                        + " unavailable), found '" + firstLine(text) + "'"));
    }

    private static boolean isWordCharacter(char c) {
        return (c >= 'a' && c <= 'z') || c == '_';
    }

    static String firstLine(String text) {
        int lineEnd = text.indexOf('\n');
        return lineEnd < 0 ? text : text.substring(0, lineEnd);
    }
}
