package tuplespace.codec;

/** The JSON field names of requests and answers (SPEC §2): the only place they are spelled. */
public enum JsonField {
    ID("id"),
    OP("op"),
    KEY("key"),
    VALUE("value"),
    PAIRS("pairs"),
    STATUS("status"),
    WARNING("warning"),
    /** Set when a GET or DELETE was cut off: which bound ({@link CutOffs}). */
    CUTOFF("cutoff"),
    NOTE("note"),
    ERROR("error");

    private final String wire;

    JsonField(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
