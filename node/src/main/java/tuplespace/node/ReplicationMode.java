package tuplespace.node;

/**
 * {@code --replication}: whether answers wait for the backup's acknowledgement
 * (docs/design.md "Nothing leaves before the backup has it").
 */
public enum ReplicationMode {
    /** An answer leaves only after the backup acknowledged what it depends on (the default). */
    SYNC("sync"),
    /** Answers leave at once; the backup follows. Faster, but a failover may lose acknowledged writes. */
    ASYNC("async");

    private final String word;

    ReplicationMode(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
