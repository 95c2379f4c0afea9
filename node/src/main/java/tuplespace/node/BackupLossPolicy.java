package tuplespace.node;

/** {@code --on-backup-loss}: what the primary does when its backup fails (SPEC §4). */
public enum BackupLossPolicy {
    /** Keep serving, restart the backup a bounded number of times, then serve degraded and keep retrying. */
    DEGRADE,
    /** The course spec's behaviour: save SAVE_FILE and stop. */
    SHUTDOWN
}
