package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;

/**
 * A data directory damaged while the service was down, then the same command lines again: a torn last record (a
 * crash mid-write) is truncated with a WARN and the service serves; any other damage (a flipped byte before the end,
 * a missing snapshot, an unknown format version) stops the start (status 1) with a message naming the file, where,
 * and what to do. Never a silent partial state.
 */
@Timeout(300)
class DamagedDataDirIT {

    private static final int PAIRS = 100;

    @RegisterExtension
    final Clusters clusters = new Clusters();

    private Path dataDir;

    @Test
    void aTornLastRecordIsTruncatedWithAWarnAndTheServiceServesTheRest() throws Exception {
        ServiceCluster service = writtenThenKilled(PAIRS);
        Path torn = lastSegment(dataDir.resolve("node-a"));
        for (Path node : List.of(dataDir.resolve("node-a"), dataDir.resolve("node-b"))) {
            Path last = lastSegment(node);
            try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
                file.setLength(recordsEnd(last) - 3); // the last record cut short, as a crash mid-write leaves it
            }
        }

        service.startProxy().startPrimary();
        ServiceStatus restarted = service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);

        assertThat(restarted.size()).as("every pair but the torn last one").isEqualTo(PAIRS - 1);
        assertThat(service.firstPrimary().stderrText()).contains("WARN").contains(torn + ": the record at offset")
                .contains("is torn");
    }

    @Test
    void aFlippedByteBeforeTheEndStopsTheStartNamingTheFileAndTheOffset() throws Exception {
        ServiceCluster service = writtenThenKilled(PAIRS);
        Path segment = lastSegment(dataDir.resolve("node-b"));
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            long middle = recordsEnd(segment) / 2;
            file.seek(middle);
            int b = file.read();
            file.seek(middle);
            file.write(b ^ 0x40);
        }

        assertStartRefused(service, segment.toString(), "offset");
    }

    @Test
    void aMissingSnapshotStopsTheStartNamingTheSnapshotExpected() throws Exception {
        ServiceCluster service = started();
        write(service, 0, 50);
        long backup = service.status().backupPid().orElseThrow();
        ServiceCluster.kill9(backup); // the next backup starts from a snapshot at index 50: node-b's log starts after it
        eventually(ServiceCluster.READY_TIMEOUT, () -> {
            ServiceStatus status = service.status();
            assertThat(status.backupPid()).isPresent().isNotEqualTo(java.util.OptionalLong.of(backup));
            assertThat(status.backupInSync()).isTrue();
        });
        write(service, 50, 80);
        killEverything(service);
        Path snapshot;
        try (Stream<Path> files = Files.list(dataDir.resolve("node-b"))) {
            snapshot = files.filter(file -> file.getFileName().toString().startsWith("snapshot-")).findFirst().orElseThrow();
        }
        Files.delete(snapshot);

        assertStartRefused(service, snapshot.toString(), "which node.meta records as the newest made durable here, "
                + "found no snapshot");
    }

    @Test
    void aLogDeletedWholeStopsTheStartThoughNoSegmentIsLeftToShowAGap() throws Exception {
        ServiceCluster service = writtenThenKilled(PAIRS);
        Path node = dataDir.resolve("node-a");
        try (Stream<Path> files = Files.list(node)) {
            for (Path file : files.toList()) {
                if (file.getFileName().toString().matches("wal-\\d+\\.log")) {
                    Files.delete(file); // "they are only logs"
                }
            }
        }

        assertStartRefused(service, node.toString(), "expected the log to hold entry ",
                "which node.meta records as forced to disk", "The other node directories: node-b");
    }

    @Test
    void anUnknownFormatVersionStopsTheStartSayingWhichVersionToRun() throws Exception {
        ServiceCluster service = writtenThenKilled(PAIRS);
        Path segment = lastSegment(dataDir.resolve("node-a"));
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            byte[] prefix = new byte[12];
            file.readFully(prefix);
            ByteBuffer.wrap(prefix).putInt(8, 2); // format version 2, with a correct header checksum
            CRC32C crc = new CRC32C();
            crc.update(prefix);
            file.seek(0);
            file.write(prefix);
            file.writeInt((int) crc.getValue());
        }

        assertStartRefused(service, segment.toString(), "expected format version 1, found 2");
    }

    private ServiceCluster started() {
        dataDir = clusters.runDirectory().resolve("data");
        ServiceCluster service = clusters.create(ServiceOptions.defaults().withServerArgs("--data-dir", dataDir.toString()));
        service.startProxy().startPrimary();
        service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
        return service;
    }

    private ServiceCluster writtenThenKilled(int pairs) {
        ServiceCluster service = started();
        write(service, 0, pairs);
        service.awaitInSync(ServiceCluster.DURABLE_READY_TIMEOUT);
        killEverything(service);
        return service;
    }

    /** Left connected (the cluster closes it): its closing would log one more entry after the last PUT. */
    private static void write(ServiceCluster service, int from, int to) {
        LineClient client = service.client();
        for (int i = from; i < to; i++) {
            assertThat(client.call(Requests.put(i + 1, List.of(new TextPair("k," + i, "v," + i)))).path("status")
                    .asText()).isEqualTo("ok");
        }
    }

    private static void killEverything(ServiceCluster service) {
        ServiceStatus status = service.status();
        ServiceCluster.kill9All(service.proxy().pid(), status.primaryPid(), status.backupPid().orElseThrow());
        eventually(Duration.ofSeconds(10), () -> assertThat(ServiceCluster.isAlive(status.primaryPid())).isFalse());
    }

    /** The restarted primary exits 1 before serving, and says why: {@code expected} names the file and the damage. */
    private static void assertStartRefused(ServiceCluster service, String... expected) {
        service.startProxy().startPrimary();
        OptionalInt status = service.firstPrimary().awaitExit(Duration.ofSeconds(60));
        assertThat(status).as("the primary refuses to start: " + service.firstPrimary().stderrText()).hasValue(1);
        String errors = service.firstPrimary().stderrText();
        for (String part : expected) {
            assertThat(errors).contains(part);
        }
        assertThat(errors).contains("--data-dir");
        ServiceStatus proxyStatus = eventually(ServiceCluster.READY_TIMEOUT, service::status, any -> { });
        assertThat(proxyStatus.hasPrimary()).as("nothing is served").isFalse();
    }

    /**
     * Where the records of a log segment end, at the latest: past its last non-zero byte. With {@code --fsync always} a
     * segment keeps zeros written ahead of its records, which a kill -9 leaves in the file. The last record may end in
     * zero bytes itself, so this can fall short of its true end, but never before its checksummed header: a cut 3
     * bytes before it is inside the last record all the same.
     */
    private static long recordsEnd(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }

    private static Path lastSegment(Path node) throws IOException {
        try (Stream<Path> files = Files.list(node)) {
            return files.filter(file -> file.getFileName().toString().matches("wal-\\d+\\.log")).sorted()
                    .reduce((first, second) -> second).orElseThrow();
        }
    }
}
