package tuplespace.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalLong;

/**
 * The proxy's answer to {@code STATUS} (docs/internals.md "STATUS"):
 * {@code {"proxy":{pid,clients,maxClients,epoch,held},"primary":{role,pid,epoch,index,digest,backup:{...}}|null}}.
 */
record ServiceStatus(JsonNode json) {

    ServiceStatus {
        if (json == null || !json.isObject() || !json.has("proxy")) {
            throw new IllegalArgumentException("STATUS must be a JSON object with a \"proxy\" field, got " + json);
        }
    }

    JsonNode proxy() {
        return json.get("proxy");
    }

    long proxyPid() {
        return proxy().path("pid").asLong();
    }

    long proxyClients() {
        return proxy().path("clients").asLong();
    }

    /** How many backups follow at the proxy (each could be promoted). */
    long followers() {
        return proxy().path("followers").asLong();
    }

    /** The proxy would promote a backup now: the primary named a replica, and that replica follows at the proxy. */
    boolean replicaFollows() {
        return proxy().hasNonNull("replica") && followers() > 0;
    }

    boolean hasPrimary() {
        return json.hasNonNull("primary") && json.get("primary").isObject();
    }

    JsonNode primary() {
        if (!hasPrimary()) {
            throw new AssertionError("no primary registered: " + json);
        }
        return json.get("primary");
    }

    long primaryPid() {
        return primary().path("pid").asLong();
    }

    long epoch() {
        return primary().path("epoch").asLong();
    }

    long index() {
        return primary().path("index").asLong();
    }

    long digest() {
        return primary().path("digest").asLong();
    }

    long size() {
        return primary().path("size").asLong();
    }

    String backupState() {
        return primary().path("backup").path("state").asText("<missing>");
    }

    OptionalLong backupPid() {
        JsonNode pid = primary().path("backup").path("pid");
        return pid.isNumber() ? OptionalLong.of(pid.asLong()) : OptionalLong.empty();
    }

    long backupIndex() {
        return primary().path("backup").path("index").asLong(Long.MIN_VALUE);
    }

    long backupDigest() {
        return primary().path("backup").path("digest").asLong(Long.MIN_VALUE);
    }

    /**
     * Both copies equal: the backup is live, has every effect and the same digest as the primary, and a primary with a
     * data directory has logged every effect too. The backup acknowledges what it logged, but the primary logs beside
     * replicating: without the last condition, a kill could find the backup's log ahead of the primary's.
     */
    boolean backupInSync() {
        return hasPrimary() && "live".equals(backupState())
                && backupIndex() == index() && backupDigest() == digest() && primaryLoggedAll();
    }

    /** The primary has no data directory, or its log holds every effect up to its index as its fsync mode requires. */
    boolean primaryLoggedAll() {
        JsonNode storage = primary().path("storage");
        return !storage.isObject() || storage.path("logged").asLong(Long.MIN_VALUE) >= index();
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
