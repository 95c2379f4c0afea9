package tuplespace.node;

/** {@code --on-backup-loss}: what the primary does when its backup fails (README "Running it"). */
public enum BackupLossPolicy {
    /** Keep serving, restart the backup a bounded number of times, then serve degraded and keep retrying. */
    DEGRADE,
    /** Save SAVE_FILE and stop. */
    SHUTDOWN
}
