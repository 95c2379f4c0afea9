package tuplespace.proxy;

/** The JSON field names of the proxy's STATUS line (docs/internals.md "STATUS"): stable, tools parse them. */
enum ProxyStatusField {
    PROXY("proxy"),
    PID("pid"),
    CLIENTS("clients"),
    MAX_CLIENTS("maxClients"),
    EPOCH("epoch"),
    HELD("held"),
    PRIMARY("primary");

    private final String jsonName;

    ProxyStatusField(String jsonName) {
        this.jsonName = jsonName;
    }

    String jsonName() {
        return jsonName;
    }
}
