package tuplespace.codec;

/**
 * The JSON field names of the space's requests and answers (docs/protocol.md "JSON mode"): the only place the codec
 * spells them. The AUTH line's fields ({@code op}, {@code token}) are spelled where AUTH is sent and checked (the
 * client library and the proxy's client authentication).
 */
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
