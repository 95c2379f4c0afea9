package tuplespace.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The parts of the proxy's STATUS line the demo shows (docs/internals.md, "STATUS"):
 * {@code {"proxy":{"pid":..},"primary":{"pid":..,"epoch":..,"size":..,"backup":{"state":..,"pid":..}}|null}}.
 */
record ServiceStatus(long proxyPid, OptionalLong primaryPid, long epoch, long size, String backupState,
        OptionalLong backupPid) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a STATUS line; empty when it is not the proxy's STATUS JSON. */
    static Optional<ServiceStatus> parse(String line) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (root == null || !root.path("proxy").isObject()) {
            return Optional.empty();
        }
        JsonNode primary = root.path("primary");
        JsonNode backup = primary.path("backup");
        return Optional.of(new ServiceStatus(
                root.path("proxy").path("pid").asLong(),
                primary.isObject() ? OptionalLong.of(primary.path("pid").asLong()) : OptionalLong.empty(),
                primary.path("epoch").asLong(),
                primary.path("size").asLong(),
                backup.path("state").asText("none"),
                backup.path("pid").canConvertToLong() ? OptionalLong.of(backup.path("pid").asLong()) : OptionalLong.empty()));
    }

    boolean hasPrimary() {
        return primaryPid.isPresent();
    }

    /** The service is fully up: a primary is registered and its backup acknowledges every update. */
    boolean isReady() {
        return hasPrimary() && "live".equals(backupState);
    }
}
