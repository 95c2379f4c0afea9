package tuplespace.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The parts of the proxy's STATUS line the demo shows (docs/internals.md, "STATUS"):
 * {@code {"proxy":{"pid":..,"primaries":[..,{"how":..}]},"primary":{"pid":..,"epoch":..,"size":..,
 * "backup":{"state":..,"pid":..}}|null}}.
 *
 * @param how how the last primary the proxy registered came ({@code registered}, {@code promoted}, {@code promoted by
 *            the operator}, {@code switched over}, {@code registered again}); empty before the first
 */
record ServiceStatus(long proxyPid, OptionalLong primaryPid, long epoch, long size, String backupState,
        OptionalLong backupPid, String how) {

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
        JsonNode primaries = root.path("proxy").path("primaries");
        return Optional.of(new ServiceStatus(
                root.path("proxy").path("pid").asLong(),
                primary.isObject() ? OptionalLong.of(primary.path("pid").asLong()) : OptionalLong.empty(),
                primary.path("epoch").asLong(),
                primary.path("size").asLong(),
                backup.path("state").asText("none"),
                backup.path("pid").canConvertToLong() ? OptionalLong.of(backup.path("pid").asLong())
                        : OptionalLong.empty(),
                primaries.isArray() && !primaries.isEmpty() ? primaries.get(primaries.size() - 1).path("how").asText("")
                        : ""));
    }

    boolean hasPrimary() {
        return primaryPid.isPresent();
    }

    /** The service is fully up: a primary is registered and its backup acknowledges every update. */
    boolean isReady() {
        return hasPrimary() && "live".equals(backupState);
    }
}
