package tuplespace.client;

import java.util.ArrayList;
import java.util.List;
import tuplespace.codec.AnswerDecoder;
import tuplespace.codec.Lines;
import tuplespace.codec.MalformedAnswerException;
import tuplespace.codec.ParsedAnswer;
import tuplespace.codec.Status;
import tuplespace.tuple.Pair;

/**
 * One whole answer as it arrived, read exactly once: the matcher looks at its status to spot a refusal, then hands
 * the same reading to the request it answers (docs/protocol.md, docs/internals.md "Answer lines").
 */
sealed interface ReceivedAnswer {

    /** The answer text exactly as received. */
    String text();

    /** Whether this is the proxy's refusal of the connection (docs/protocol.md "Limits and failures"). */
    boolean isRefusal();

    /**
     * A JSON answer line, decoded: {@code answer} holds everything but the elements of {@code pairs}; {@code pairs}
     * holds its well-formed pairs when they were asked for (a typed request's answer), else nothing (a line request
     * needs only the status: a million-pair answer is not decoded twice, nor held twice).
     */
    record Json(String text, ParsedAnswer answer, List<Pair> pairs) implements ReceivedAnswer {
        @Override
        public boolean isRefusal() {
            return answer.status() == Status.REFUSED;
        }
    }

    /** A text-mode answer; only its status word is read. */
    record Text(String text, Status status) implements ReceivedAnswer {
        @Override
        public boolean isRefusal() {
            return status == Status.REFUSED;
        }
    }

    /** Text that is no answer of either mode; {@code problem} says what was expected and found. */
    record NotAnAnswer(String text, String problem) implements ReceivedAnswer {
        @Override
        public boolean isRefusal() {
            return false;
        }
    }

    /** Reads an answer of either mode; of a JSON answer, everything but its pairs. */
    static ReceivedAnswer read(String text) {
        return read(text, false);
    }

    /**
     * Reads an answer of either mode; of a JSON answer, also its well-formed pairs when {@code withPairs} (straight
     * into {@link Pair}s as the line is parsed: no element object is kept).
     */
    static ReceivedAnswer read(String text, boolean withPairs) {
        if (text.startsWith("{")) {
            try {
                if (!withPairs) {
                    return new Json(text, AnswerDecoder.header(text).answer(), List.of());
                }
                List<Pair> pairs = new ArrayList<>();
                ParsedAnswer answer = AnswerDecoder.decode(text, element -> element.pair().ifPresent(pairs::add));
                return new Json(text, answer, pairs);
            } catch (MalformedAnswerException e) {
                return new NotAnAnswer(text, e.getMessage());
            }
        }
        return Status.ofTextAnswer(text).<ReceivedAnswer>map(status -> new Text(text, status))
                .orElseGet(() -> new NotAnAnswer(text, "expected a text answer starting with a status word (ok,"
                        + " malformed, not_implemented, refused, unavailable), found " + quoted(text)));
    }

    /** The answer as {@link TupleSpaceClient#sendLine} hands it back. */
    static LineAnswer toLineAnswer(ReceivedAnswer received) {
        if (received instanceof Json json) {
            return new LineAnswer(json.text(), json.answer().status());
        }
        if (received instanceof Text text) {
            return new LineAnswer(text.text(), text.status());
        }
        throw new MalformedAnswerException(((NotAnAnswer) received).problem());
    }

    /**
     * The first line of {@code text} as a message quotes it: its start ({@link Lines#SHOWN_CHARS} characters), its
     * control characters spelled out ({@link Lines#shortened}), since what a peer sent by mistake (a binary port's
     * bytes) may end on a terminal.
     */
    static String firstLine(String text) {
        int lineEnd = text.indexOf('\n');
        return Lines.shortened(lineEnd < 0 ? text : text.substring(0, lineEnd), Lines.SHOWN_CHARS);
    }

    /**
     * {@code text} quoted as what came instead of an answer: its first line, and when that holds bytes no text answer
     * has (NUL, other control characters, bytes that are not UTF-8) a hint that the port is not a client's.
     */
    static String quoted(String text) {
        int lineEnd = text.indexOf('\n');
        String line = lineEnd < 0 ? text : text.substring(0, lineEnd);
        boolean binary = line.chars().anyMatch(c -> c == '\uFFFD' || c < ' ' && c != '\t' && c != '\r');
        return "'" + firstLine(text) + "'" + (binary ? " (binary bytes: this port is not where clients connect, the"
                + " proxy's CLIENT_SAP; it may be another port of the service)" : "");
    }
}
