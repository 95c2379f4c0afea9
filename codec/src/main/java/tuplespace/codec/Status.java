package tuplespace.codec;

import java.util.Optional;

/** The status word of an answer (SPEC §2): the only place these wire words are spelled. */
public enum Status {
    /** The operation was carried out (GET/DELETE with a malformed pattern too: empty list plus a warning). */
    OK("ok"),
    /** The request could not be understood: not JSON, a missing field, a malformed list of pairs. */
    MALFORMED("malformed"),
    /** The operator is not one of GET, PUT, POST, DELETE. */
    NOT_IMPLEMENTED("not_implemented"),
    /** The proxy will not serve this client (too many clients). */
    REFUSED("refused"),
    /** No primary answered in time. */
    UNAVAILABLE("unavailable");

    private final String wire;

    Status(String wire) {
        this.wire = wire;
    }

    /** The word on the wire, e.g. {@code not_implemented}. */
    public String wire() {
        return wire;
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
