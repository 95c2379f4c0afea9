package tuplespace.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The primary's STATUS answer, one JSON line (docs/internals.md "STATUS"). The record components are the
 * stable JSON field names tests and operators rely on: rename nothing.
 */
public record NodeStatus(String role, long pid, long epoch, String replication, long index, long size, long digest,
                         Backup backup, long clients, String saveFile) {

    /** {@code backup}: the backup's own index and digest come with its acknowledgements. */
    public record Backup(String state, Long pid, Long index, Long digest, long restarts) {
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
