package tuplespace.node;

/** {@code backup.state} in STATUS (docs/internals.md): the primary's view of its backup. */
public enum BackupState {
    /** Not started yet. */
    NONE("none"),
    /** Process launched, replication link not connected yet. */
    STARTING("starting"),
    /** {@code --backup-start none}: connecting to a backup someone else starts, again and again; none listens yet. */
    CONNECTING("connecting"),
    /** Receiving the snapshot, then catching up with the answers already out; answers do not wait for it. */
    SYNCING("syncing"),
    /** Holds every update answered and acknowledges every effect; in sync mode answers wait for it; it may take over. */
    LIVE("live"),
    /** Restarts exhausted: no backup, retrying with back-off. */
    DEGRADED("degraded");

    private final String word;

    BackupState(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
