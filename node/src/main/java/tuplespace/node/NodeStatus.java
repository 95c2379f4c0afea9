package tuplespace.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The primary's STATUS answer, one JSON line (docs/internals.md "STATUS"). The record components are the
 * stable JSON field names tests and operators rely on: rename nothing.
 */
public record NodeStatus(String role, long pid, long epoch, String replication, long index, long size, long digest,
                         Backup backup, long clients, String saveFile, Storage storage, boolean registered) {

    /**
     * {@code backup}: the backup's own index and digest come with its acknowledgements; {@code lastFailure}, why the
     * last backup failed (as {@code backup_failed} said it), until a backup is live again; null when none failed since;
     * {@code sync}, how far the snapshot a syncing backup is sent has gone, null unless one is; {@code nextRetry}, when
     * a degraded primary starts its next backup (ISO-8601, UTC), null unless it waits for that (a retry under way shows
     * its {@code pid} instead).
     */
    public record Backup(String state, Long pid, Long index, Long digest, long restarts, String lastFailure,
                         Sync sync, String nextRetry) {
    }

    /**
     * {@code sync}: of the {@code pairs} of the snapshot a syncing backup is sent, {@code pairsSent} are on their way;
     * all of them once only the backup's acknowledgement of the snapshot's end is awaited.
     */
    public record Sync(long pairsSent, long pairs) {
    }

    /**
     * {@code storage}: the node's data directory ({@code --data-dir}), or null without one. {@code logged} is the
     * highest index logged as the fsync mode requires; {@code diskError} says why updates are refused, or is null.
     */
    public record Storage(String dataDir, String fsync, long logBytes, long logged, Long snapshotIndex,
                          String snapshotTime, String diskError) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJsonLine() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a status record always serializes", e);
        }
    }
}
