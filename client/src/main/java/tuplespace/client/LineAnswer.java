package tuplespace.client;

import java.util.Objects;
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
     * Reads the status of an answer of either mode (docs/protocol.md, docs/internals.md "Answer lines").
     *
     * @throws MalformedAnswerException when the text is not an answer
     */
    public static LineAnswer of(String text) {
        return ReceivedAnswer.toLineAnswer(ReceivedAnswer.read(text));
    }

    /** Whether the service carried the request out ({@code ok}). */
    public boolean isOk() {
        return status == Status.OK;
    }

    static String firstLine(String text) {
        return ReceivedAnswer.firstLine(text);
    }
}
