package tuplespace.proxy;

/** The JSON field names of the proxy's STATUS line (docs/internals.md "STATUS"): stable, tools parse them. */
enum ProxyStatusField {
    PROXY("proxy"),
    PID("pid"),
    CLIENTS("clients"),
    MAX_CLIENTS("maxClients"),
    EPOCH("epoch"),
    /**
     * Requests read from clients and not yet answered to them ({@code ClientSessions.undelivered}): with a primary
     * those in flight, without one those held. The name is older than that meaning and stays, like every field's.
     */
    HELD("held"),
    /** The registered primary's replica: the server id (hex) of the backup the proxy would promote; null for none. */
    REPLICA("replica"),
    /** Backups following at the proxy. */
    FOLLOWERS("followers"),
    /**
     * The registered primary's SHUTDOWN_SAP, as it registered it; null for none. After a failover, where to ask the
     * promoted server for its STATUS or to switch over.
     */
    PRIMARY_SHUTDOWN_SAP("primaryShutdownSap"),
    /**
     * The data directory ({@code <id>.<instance>}) of a primary lost while it served on one copy, which the proxy
     * waits for: only a server whose start read it may register; null for none.
     */
    WAITS_FOR("waitsFor"),
    /**
     * The SHUTDOWN_SAP of a server that waits for its backup on another machine to judge its state (it asked to serve
     * before that, and was refused, within the last {@code PrimaryRegistry.AWAITING_JUDGEMENT_HEARD_WITHIN}); null for
     * none.
     */
    AWAITING_JUDGEMENT("awaitingJudgement"),
    /** True while a backup the proxy promoted (a failover or a switchover) has not registered yet. */
    PROMOTING("promoting"),
    /**
     * The last primaries this proxy registered ({@code RegisteredPrimaries}), oldest first: each an object of the
     * fields below; the last one has {@code lost} null while it is the registered primary.
     */
    PRIMARIES("primaries"),
    /** A registered primary's epoch. */
    PRIMARIES_EPOCH("epoch"),
    /** A registered primary's pid. */
    PRIMARIES_PID("pid"),
    /** How it came: registered, promoted, switched over, registered again. */
    PRIMARIES_HOW("how"),
    /** When it registered (ISO-8601, UTC). */
    PRIMARIES_REGISTERED("registered"),
    /** When its link ended (ISO-8601, UTC); null while it is registered. */
    PRIMARIES_LOST("lost"),
    /** Why its link ended (its connection closed or failed, or it was silent for N x D); null while registered. */
    PRIMARIES_WHY("why"),
    /** How many registrations it stands for: 1, or how many times in a row that primary registered again. */
    PRIMARIES_TIMES("times"),
    PRIMARY("primary");

    private final String jsonName;

    ProxyStatusField(String jsonName) {
        this.jsonName = jsonName;
    }

    String jsonName() {
        return jsonName;
    }
}
