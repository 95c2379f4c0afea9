package tuplespace.codec;

import java.util.Arrays;
import java.util.Optional;

/** The status word of an answer (docs/protocol.md): the only place these wire words are spelled. */
public enum Status {
    /** The operation was carried out (GET/DELETE with a malformed pattern too: empty list plus a warning). */
    OK("ok"),
    /** The request could not be understood: not JSON, a missing field, a malformed list of pairs. */
    MALFORMED("malformed"),
    /** The operator is not one of GET, PUT, POST, DELETE. */
    NOT_IMPLEMENTED("not_implemented"),
    /**
     * The proxy will not serve this client: too many clients, a wrong or missing AUTH token, or plain text on a TLS
     * port. The connection is closed; nothing was applied.
     */
    REFUSED("refused"),
    /**
     * No primary answered in time, the answer was too large to send, or the server failed evaluating the request. An
     * update answered so may or may not have been applied: the error says which.
     */
    UNAVAILABLE("unavailable");

    private final String wire;

    Status(String wire) {
        this.wire = wire;
    }

    /** The word on the wire, e.g. {@code not_implemented}. */
    public String wire() {
        return wire;
    }

    /**
     * The status a text-mode answer starts with: the first word of its first line ({@code ok 2 pairs},
     * {@code malformed: ...}), or empty when that is no status word.
     */
    public static Optional<Status> ofTextAnswer(CharSequence text) {
        int end = 0;
        while (end < text.length() && end < TEXT_ANSWER_PREFIX && isWordCharacter(text.charAt(end))) {
            end++;
        }
        return end == TEXT_ANSWER_PREFIX ? Optional.empty() : fromWire(text.subSequence(0, end).toString());
    }

    /**
     * The most characters of an answer's first line {@link #ofTextAnswer} reads: the longest wire word and one more,
     * which tells it from a longer word.
     */
    public static final int TEXT_ANSWER_PREFIX = Arrays.stream(values()).mapToInt(status -> status.wire.length()).max()
            .orElseThrow() + 1;

    private static boolean isWordCharacter(char c) {
        return (c >= 'a' && c <= 'z') || c == '_';
    }

    /** The status whose wire word is exactly {@code word}, or empty. */
    public static Optional<Status> fromWire(String word) {
        for (Status status : values()) {
            if (status.wire.equals(word)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
