package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;
import tuplespace.testing.ManagedProcess;
import tuplespace.testing.ManagedProcess.Result;

/**
 * SHUTDOWN and SAVE_FILE (docs/using.md "Status and shutdown", README "Running it"): an orderly stop saves the whole
 * space to SAVE_FILE as {@code tuplespace/1} JSON and every process exits 0; a new service started with that file as
 * INIT_FILE holds the same pairs. When the file cannot be written, nothing stops.
 */
class ShutdownIT {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shutdownSavesTheSpaceAndARestartFromTheFileServesTheSamePairs() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        Map<String, String> written = load(cluster, 500);
        ServiceStatus status = cluster.awaitBackupLive();
        assertThat(status.primaryPid()).as("no failover on a healthy service: the primary is still the one started")
                .isEqualTo(cluster.firstPrimary().pid());
        long backup = status.backupPid().orElseThrow(() -> new AssertionError("no backup pid in " + status));

        String answer = cluster.shutdown();
        assertThat(answer).as("answer to SHUTDOWN").startsWith("ok");

        assertThat(cluster.proxy().awaitExit(EXIT_TIMEOUT)).as("proxy exit status").isEqualTo(OptionalInt.of(0));
        assertThat(cluster.firstPrimary().awaitExit(EXIT_TIMEOUT)).as("primary exit status").isEqualTo(OptionalInt.of(0));
        // The backup is the primary's child: only the primary sees its exit status; we check it is gone.
        eventually(EXIT_TIMEOUT, () ->
                assertThat(ServiceCluster.isAlive(backup)).as("backup %d stopped", backup).isFalse());

        assertThat(savedPairs(cluster.saveFile())).as("pairs in SAVE_FILE").isEqualTo(written);

        // Restart a whole new service from the saved file: it must answer GET with the same pairs.
        Path initFile = clusters.runDirectory().resolve("init.json");
        Files.copy(cluster.saveFile(), initFile);
        ServiceCluster restarted = clusters.start(ServiceOptions.defaults().withInitFile(initFile));
        try (LineClient client = restarted.client()) {
            assertThat(Requests.answerPairs(client.call(Requests.get(1, ".*", ".*")))).as("pairs after restart").isEqualTo(written);
        }
        assertThat(restarted.status().size()).isEqualTo(written.size());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aShutdownThatCannotSaveStopsNothingAndALaterOneSavesEveryPair() throws Exception {
        Path saveFile = clusters.runDirectory().resolve("not-created-yet").resolve("space.json");
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults().withSaveFile(saveFile));
        Map<String, String> written = load(cluster, 3000);
        cluster.awaitBackupLive();

        assertRefusedAndStillServing(cluster, saveFile, "its directory " + saveFile.getParent() + " does not exist",
                written);

        Files.createDirectories(saveFile.getParent());
        assertSavedAndStopped(cluster, written);
    }

    /** The case found with a full disk: SAVE_FILE on a 32 KiB tmpfs and 3,000 pairs. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aShutdownOnAFullDiskStopsNothingAndALaterOneSavesEveryPairOnceThereIsSpace() throws Exception {
        Path mountPoint = Files.createDirectories(clusters.runDirectory().resolve("small-disk"));
        try (SmallTmpfs disk = SmallTmpfs.mountOrSkip(mountPoint, "32k")) {
            Path saveFile = mountPoint.resolve("space.json");
            ServiceCluster cluster = clusters.start(ServiceOptions.defaults().withSaveFile(saveFile));
            Map<String, String> written = load(cluster, 3000);
            cluster.awaitBackupLive();

            assertRefusedAndStillServing(cluster, saveFile, "No space left on device", written);
            try (var left = Files.list(mountPoint)) {
                assertThat(left.toList()).as("no SAVE_FILE, whole or half-written, and no temporary file").isEmpty();
            }

            disk.resize("8m");
            assertSavedAndStopped(cluster, written);
        }
    }

    /**
     * The server's own SHUTDOWN_SAP instead of the proxy's (README "Files"): the primary saves, it and its backup stop,
     * and the proxy stays up without a primary, holding what clients send until one registers again.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aShutdownOnTheServersOwnSapStopsPrimaryAndBackupAndTheProxyHoldsRequests() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        Map<String, String> written = load(cluster, 200);
        long backup = cluster.awaitBackupLive().backupPid().orElseThrow();

        Result stopped = ManagedProcess.runCli(List.of("shutdown", cluster.primaryShutdownSap().toString()));
        assertThat(stopped.exitCode()).as("exit status; out: %s", stopped.out()).isZero();
        assertThat(stopped.out()).startsWith("ok: saved " + written.size() + " pairs to ");
        assertThat(cluster.firstPrimary().awaitExit(EXIT_TIMEOUT)).as("primary exit status").isEqualTo(OptionalInt.of(0));
        eventually(EXIT_TIMEOUT, () ->
                assertThat(ServiceCluster.isAlive(backup)).as("backup %d stopped", backup).isFalse());
        assertThat(savedPairs(cluster.saveFile())).as("pairs in SAVE_FILE").isEqualTo(written);

        assertThat(cluster.proxy().isAlive()).as("the proxy still runs").isTrue();
        try (LineClient client = cluster.client()) {
            var held = client.send(Requests.get(1, ".*", ".*"));
            eventually(EXIT_TIMEOUT, () -> assertThat(cluster.status().proxy().path("held").asLong())
                    .as("requests the proxy holds").isEqualTo(1));
            assertThat(held).as("no answer without a primary").isNotDone();
            assertThat(cluster.status().hasPrimary()).as("no primary registered").isFalse();

            // Started again from SAVE_FILE without a data directory, the server is at epoch 1, which this proxy has
            // seen: it is refused, and says what to do (README "Files")
            List<String> restart = new ArrayList<>(List.of(cluster.primaryShutdownSap().toString(),
                    cluster.proxyPrimarySap().toString(), cluster.backupSap().toString(),
                    cluster.heartbeatSap().toString(), cluster.saveFile().toString(), "null",
                    cluster.saveFile().toString()));
            restart.addAll(cluster.options().serverArgs());
            ManagedProcess again = cluster.startServer("restarted", restart);
            assertThat(again.awaitExit(EXIT_TIMEOUT)).as("exit status of the restarted server").hasValue(1);
            assertThat(again.stderrText()).contains("stale_epoch")
                    .contains("if the proxy's STATUS shows no primary and no followers, this is a restart without"
                            + " --data-dir, which starts at epoch 1 again: restart the proxy as well");
            // still held, or answered unavailable after the proxy's --primary-timeout: never ok
            if (held.isDone()) {
                assertThat(held.join().path("status").asText()).as("the GET that waited at the proxy")
                        .isEqualTo("unavailable");
            }
        }
    }

    /**
     * {@code ./tuplespace shutdown} when SAVE_FILE cannot be written: exit 1 with the primary's reason, and every
     * process serves on with both copies (one more update is applied, replicated and answered).
     */
    private static void assertRefusedAndStillServing(ServiceCluster cluster, Path saveFile, String cause,
                                                     Map<String, String> written) throws Exception {
        Result refused = ManagedProcess.runCli(List.of("shutdown", cluster.proxyShutdownSap().toString()));
        assertThat(refused.exitCode()).as("exit status of a SHUTDOWN that could not save; out: %s", refused.out())
                .isEqualTo(1);
        assertThat(refused.out()).startsWith("error:").contains(saveFile.toString()).contains(cause)
                .contains("nothing was stopped");

        assertThat(cluster.proxy().isAlive()).as("the proxy still runs").isTrue();
        assertThat(cluster.firstPrimary().isAlive()).as("the primary still runs").isTrue();
        try (LineClient client = cluster.client()) {
            TextPair more = new TextPair("after,refused,shutdown", "still,served");
            assertThat(Requests.answerPairs(client.call(Requests.put(1, List.of(more))))).isEmpty();
            written.put(more.key(), more.value());
            assertThat(Requests.answerPairs(client.call(Requests.get(2, ".*", ".*")))).as("pairs served")
                    .isEqualTo(written);
        }
        ServiceStatus status = cluster.awaitInSync();
        assertThat(status.size()).as("primary and backup hold every pair: %s", status).isEqualTo(written.size());
    }

    private static void assertSavedAndStopped(ServiceCluster cluster, Map<String, String> written) throws Exception {
        String answer = cluster.shutdown();
        assertThat(answer).as("answer to SHUTDOWN").startsWith("ok: saved " + written.size() + " pairs to ");
        assertThat(cluster.proxy().awaitExit(EXIT_TIMEOUT)).as("proxy exit status").isEqualTo(OptionalInt.of(0));
        assertThat(cluster.firstPrimary().awaitExit(EXIT_TIMEOUT)).as("primary exit status").isEqualTo(OptionalInt.of(0));
        assertThat(savedPairs(cluster.saveFile())).as("pairs in SAVE_FILE").isEqualTo(written);
    }

    /** Writes {@code count} pairs (multi-field tuples too) in pipelined PUTs and returns them. */
    static Map<String, String> load(ServiceCluster cluster, int count) {
        Map<String, String> written = new TreeMap<>();
        try (LineClient client = cluster.client()) {
            List<java.util.concurrent.CompletableFuture<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                TextPair pair = new TextPair("k," + i + ",x" + (i % 7), "value" + i + (i % 3 == 0 ? ",extra" : ""));
                written.put(pair.key(), pair.value());
                answers.add(client.send(Requests.put(i, List.of(pair))));
            }
            for (var answer : answers) {
                assertThat(Requests.answerPairs(answer.join())).as("PUT of a new key adds it").isEmpty();
            }
        }
        return written;
    }

    /** Reads a {@code tuplespace/1} file (README "Running it") and returns its pairs, failing on any other shape. */
    static Map<String, String> savedPairs(Path file) throws Exception {
        assertThat(file).as("SAVE_FILE").exists();
        JsonNode json = LineClient.JSON.readTree(file.toFile());
        assertThat(json.path("format").asText()).as("format field of %s", file).isEqualTo("tuplespace/1");
        assertThat(json.path("pairs").isArray()).as("pairs field is a list").isTrue();
        Map<String, String> pairs = new TreeMap<>();
        for (JsonNode pair : json.get("pairs")) {
            assertThat(pair.size()).as("a pair is [key, value]: %s", pair).isEqualTo(2);
            pairs.put(Requests.text(pair.get(0)), Requests.text(pair.get(1)));
        }
        return pairs;
    }
}
