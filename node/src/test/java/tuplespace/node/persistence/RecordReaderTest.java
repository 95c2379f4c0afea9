package tuplespace.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordReaderTest {

    @TempDir
    Path dir;

    /**
     * Sizes chosen so that records cross the end of the reader's small first buffer (64 KiB), the end of its large
     * one (4 MiB), and exceed each: every one must come back whole and in order.
     */
    @Test
    void recordsOfEverySizeComeBackWholeAcrossTheReadersBufferBoundaries() throws IOException {
        Random random = new Random(42);
        List<byte[]> payloads = new ArrayList<>();
        int[] sizes = {1, 100, 65_000, 700, 70_000, 3 << 20, 900_000, 5 << 20, 33, 2 << 20, 17};
        for (int size : sizes) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            payload[0] = 7; // never a zero first byte: a file's zeros at its end read as a torn tail
            payload[size - 1] = 9;
            payloads.add(payload);
        }
        Path file = dir.resolve("records");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            RecordOutput output = new RecordOutput(channel);
            output.raw(ByteBuffer.allocate(FilePrefix.LENGTH));
            for (byte[] payload : payloads) {
                output.begin(payload[0]);
                output.buffer(payload.length - 1).put(payload, 1, payload.length - 1);
                output.end();
            }
            output.flush();
        }

        List<byte[]> read = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(file, channel, FilePrefix.LENGTH);
            for (Optional<ByteBuffer> record = reader.next(); record.isPresent(); record = reader.next()) {
                byte[] bytes = new byte[record.get().remaining()];
                record.get().get(bytes);
                read.add(bytes);
            }
            assertThat(reader.tornTail()).isEmpty();
            assertThat(reader.validEnd()).isEqualTo(channel.size());
        }
        assertThat(read).hasSameSizeAs(payloads);
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(read.get(i)).as("record %d of %d bytes", i, sizes[i]).isEqualTo(payloads.get(i));
        }
    }
}
