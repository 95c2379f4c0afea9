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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /**
     * A record whose header starts 1 to 3 bytes before a sector's end, the rest of it in the next sector: a power cut
     * that kept the first sector from the disk leaves those bytes, the top of the length, as zeros (the old bytes
     * there), and the next sector written. The length is large enough that its top bytes are not zeros. In the last
     * segment that is a torn tail; anywhere else, and with a header damaged otherwise, it is damage.
     */
    @ParameterizedTest(name = "{0} bytes before the sector's end")
    @ValueSource(ints = {1, 2, 3})
    void aHeaderWhoseFirstSectorAPowerCutKeptFromTheDiskIsTornOnlyInTheLastSegment(int before) throws IOException {
        Random random = new Random(7);
        long at = 512 - before;
        int length = 1 << (8 * (4 - before)); // its top bytes, the ones before the sector's end, are 00 .. 01
        int[] sizes = {(int) at - FilePrefix.LENGTH - RecordFraming.HEADER_BYTES, length + 44, 200};
        Path file = dir.resolve("straddling-" + before);
        byte[] written = new byte[before];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            RecordOutput output = new RecordOutput(channel);
            output.raw(ByteBuffer.allocate(FilePrefix.LENGTH));
            for (int size : sizes) {
                byte[] payload = new byte[size];
                for (int i = 0; i < size; i++) {
                    payload[i] = (byte) (1 + random.nextInt(255));
                }
                output.begin(payload[0]);
                output.buffer(size - 1).put(payload, 1, size - 1);
                output.end();
            }
            output.flush();
            channel.read(ByteBuffer.wrap(written), at);
            channel.write(ByteBuffer.allocate(before), at); // the length's top bytes, as the sector held them: zeros
        }
        assertThat(written[before - 1]).as("the length's top bytes as written").isNotZero();

        assertThat(read(file, true)).isEqualTo("1 record, torn at " + at + ": a record header that does not check, "
                + "with zeros at offset " + at + " where a crash kept a sector of it from the disk");
        assertThat(read(file, false)).startsWith(file + " at offset " + at + ": expected a record header whose length "
                + "check");

        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(written), at); // the length as written...
            ByteBuffer check = ByteBuffer.allocate(1);
            channel.read(check, at + 5);
            check.put(0, (byte) (check.get(0) ^ 0x55)).rewind();
            channel.write(check, at + 5); // ...and a flipped byte of its check
        }
        assertThat(read(file, true)).startsWith(file + " at offset " + at + ": expected a record header whose length "
                + "check");
    }

    /** How many records {@code file} reads back and how it ends, or the damage message. */
    private static String read(Path file, boolean last) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(file, channel, FilePrefix.LENGTH, last);
            int records = 0;
            while (reader.next().isPresent()) {
                records++;
            }
            return records + (records == 1 ? " record" : " records") + reader.tornTail()
                    .map(torn -> ", torn at " + torn.offset() + ": " + torn.reason()).orElse(", whole");
        } catch (DamagedFileException e) {
            return e.getMessage();
        }
    }
}
