package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;

/**
 * The data directory's disk fills up while the service serves (a small tmpfs, filled by another file): updates are
 * answered {@code unavailable} with the reason and not applied, reads are served, the update whose log write failed
 * is not acknowledged until it is on disk, and once space is freed the service takes updates again by itself. So in
 * every fsync mode: with {@code everysec} (as with {@code no}, the same code) the updates whose write failed were
 * acknowledged all the same, and lost to a kill -9 of every process while the disk stayed full (a tester, 3 of 3 runs).
 */
@Timeout(300)
class DiskFullIT {

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @ParameterizedTest(name = "--fsync {0}")
    @ValueSource(strings = {"always", "everysec"})
    void aFullDiskRefusesUpdatesServesReadsAndRecoversOnceSpaceIsFreed(String fsync) throws Exception {
        Path mountPoint = Files.createDirectories(clusters.runDirectory().resolve("small-disk-" + fsync));
        try (SmallTmpfs disk = SmallTmpfs.mountOrSkip(mountPoint, "8m")) {
            fillUpWhileServing(mountPoint, fsync);
        }
    }

    private void fillUpWhileServing(Path mountPoint, String fsync) throws Exception {
        Path dataDir = mountPoint.resolve("data");
        ServiceCluster service = clusters.create(ServiceOptions.defaults()
                .withServerArgs("--data-dir", dataDir.toString(), "--fsync", fsync));
        service.startProxy().startPrimary();
        service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
        LineClient writer = service.client();
        LineClient reader = service.client();
        for (int i = 0; i < 100; i++) {
            assertThat(writer.call(Requests.put(i, List.of(new TextPair("k," + i, "v")))).path("status").asText())
                    .isEqualTo("ok");
        }

        Path filler = mountPoint.resolve("filler");
        fill(filler);
        // The log still takes records into the space it reserved ahead of them (1 MiB with --fsync always) and its last
        // page; the first update whose write fails is held, unanswered. Large values use that space up soon.
        String large = "v".repeat(4096);
        LineClient patient = LineClient.connect(service.clientSap(), Duration.ofSeconds(120));
        CompletableFuture<JsonNode> firstAfterFull = null;
        for (int i = 0; i < 5_000 && firstAfterFull == null; i++) {
            CompletableFuture<JsonNode> answer = patient.send(Requests.put(1000 + i, List.of(new TextPair("full," + i, large))));
            try {
                assertThat(answer.get(5, TimeUnit.SECONDS).path("status").asText()).as("answered while the log writes;"
                        + " the first update whose write fails is held, not answered").isEqualTo("ok");
            } catch (TimeoutException held) {
                firstAfterFull = answer;
            }
        }
        assertThat(firstAfterFull).as("an update is held once the disk is full").isNotNull();
        LineClient other = service.client();
        JsonNode refused = eventually(Duration.ofSeconds(30),
                () -> other.call(Requests.put(2000, List.of(new TextPair("refused,1", "v")))),
                answer -> assertThat(answer.path("status").asText()).isEqualTo("unavailable"));
        assertThat(refused.path("error").asText()).contains("No space left on device").contains("not applied");
        assertThat(firstAfterFull).as("the update whose log write failed is not acknowledged").isNotDone();
        JsonNode read = reader.call(Requests.get(3, "k,1", ".*"));
        assertThat(read.path("status").asText()).as("reads are served: " + read).isEqualTo("ok");
        assertThat(Requests.answerPairs(read)).containsEntry("k,1", "v");

        assertThat(other.call(Requests.put(2002, List.of(new TextPair("refused,2", "v")))).path("status").asText())
                .as("refused for as long as the disk is full").isEqualTo("unavailable");
        assertThat(Files.readString(service.directory().resolve("primary.err.log"))).contains("disk_error")
                .as("no recovery reported while the disk is still full").doesNotContain("disk_recovered");

        Files.delete(filler);
        assertThat(firstAfterFull.get(60, TimeUnit.SECONDS).path("status").asText())
                .as("acknowledged once it is on disk").isEqualTo("ok");
        JsonNode later = eventually(Duration.ofSeconds(30),
                () -> other.call(Requests.put(2001, List.of(new TextPair("refused,1", "v")))),
                answer -> assertThat(answer.path("status").asText()).isEqualTo("ok"));
        assertThat(later.path("pairs").size()).as("the refused update was not applied").isZero();
        assertThat(Files.readString(service.directory().resolve("primary.err.log"))).contains("disk_error")
                .contains("disk_recovered");
    }

    /** Writes {@code file} until the disk is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Files.newOutputStream(file)) {
            fillWith(out, block);
            fillWith(out, new byte[1]);
        }
    }

    private static void fillWith(OutputStream out, byte[] block) throws IOException {
        try {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }
}
