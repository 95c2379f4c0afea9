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
import java.util.stream.LongStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;

/**
 * The data directory's disk fills up while the service serves (a small tmpfs, filled by another file): updates are
 * answered {@code unavailable} with the reason and not applied, reads are served, the update whose log write failed
 * is never acknowledged: after the primary's wait for its disk it is answered that its outcome is unknown, and its
 * connection is served on. Once space is freed the service takes updates again by itself, and the held update is
 * logged. So in every fsync mode: with {@code everysec} (as with {@code no}, the same code) the updates whose write
 * failed were acknowledged all the same, and lost to a kill -9 of every process while the disk stayed full (a tester,
 * 3 of 3 runs). Before the wait had a limit, that connection got no answer at all, to its reads neither, until the
 * disk wrote again (a tester waited over 10 minutes).
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
        JsonNode held = null;
        int heldKey = -1;
        Duration heldFor = Duration.ZERO;
        for (int i = 0; i < 5_000 && held == null; i++) {
            long sent = System.nanoTime();
            JsonNode answer = patient.call(Requests.put(1000 + i, List.of(new TextPair("full," + i, large))));
            if (!answer.path("status").asText().equals("ok")) {
                held = answer;
                heldKey = i;
                heldFor = Duration.ofNanos(System.nanoTime() - sent);
            }
        }
        assertThat(held).as("an update is held once the disk is full").isNotNull();
        String heldKeyText = "full," + heldKey;
        assertThat(held.path("status").asText()).isEqualTo("unavailable");
        assertThat(held.path("id").asLong()).as("its own id: " + held).isEqualTo(1000 + heldKey);
        assertThat(held.path("error").asText()).as("the update whose log write failed is not acknowledged")
                .contains("No space left on device")
                .contains("not in the write-ahead log after waiting 5 s for the disk")
                .contains("the outcome is unknown");
        assertThat(heldFor).as("answered after the primary waited for its disk").isGreaterThan(Duration.ofSeconds(4));
        JsonNode sameConnection = patient.call(Requests.get(1, heldKeyText, ".*"));
        assertThat(sameConnection.path("status").asText()).as("the connection is served on: " + sameConnection)
                .isEqualTo("ok");
        assertThat(Requests.answerPairs(sameConnection)).as("applied, in memory").containsKey(heldKeyText);

        LineClient other = service.client();
        JsonNode refused = eventually(Duration.ofSeconds(30),
                () -> other.call(Requests.put(2000, List.of(new TextPair("refused,1", "v")))),
                answer -> assertThat(answer.path("status").asText()).isEqualTo("unavailable"));
        assertThat(refused.path("error").asText()).contains("No space left on device").contains("not applied");
        JsonNode read = reader.call(Requests.get(3, "k,1", ".*"));
        assertThat(read.path("status").asText()).as("reads are served: " + read).isEqualTo("ok");
        assertThat(Requests.answerPairs(read)).containsEntry("k,1", "v");
        assertThat(other.call(Requests.put(2002, List.of(new TextPair("refused,2", "v")))).path("status").asText())
                .as("refused for as long as the disk is full").isEqualTo("unavailable");
        assertThat(Files.readString(service.directory().resolve("primary.err.log"))).contains("disk_error")
                .as("no recovery reported while the disk is still full").doesNotContain("disk_recovered");

        Files.delete(filler);
        JsonNode later = eventually(Duration.ofSeconds(30),
                () -> other.call(Requests.put(2001, List.of(new TextPair("refused,1", "v")))),
                answer -> assertThat(answer.path("status").asText()).isEqualTo("ok"));
        assertThat(later.path("pairs").size()).as("the refused update was not applied").isZero();
        assertThat(Files.readString(service.directory().resolve("primary.err.log"))).contains("disk_error")
                .contains("disk_recovered");

        // logged behind the update answered ok just now, the held one is kept through a kill -9 of every process
        ServiceStatus status = service.status();
        ServiceCluster.kill9All(LongStream.concat(LongStream.of(service.proxy().pid(), status.primaryPid()),
                status.backupPid().stream()).toArray());
        eventually(Duration.ofSeconds(10), () -> assertThat(ServiceCluster.isAlive(status.primaryPid())).isFalse());
        service.startProxy().startPrimary();
        service.awaitPrimaryRegistered();
        JsonNode restarted = eventually(ServiceCluster.DURABLE_READY_TIMEOUT,
                () -> service.client().call(Requests.get(4, heldKeyText + "|refused,1", ".*")),
                answer -> assertThat(answer.path("status").asText()).isEqualTo("ok"));
        assertThat(Requests.answerPairs(restarted)).containsOnlyKeys(heldKeyText, "refused,1");
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
