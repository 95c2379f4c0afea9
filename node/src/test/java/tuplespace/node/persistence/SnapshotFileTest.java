package tuplespace.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.codec.Utf8Text;
import tuplespace.pattern.MatchBudget;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.Command;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;

/** Snapshot files: what is written comes back, whole or not at all, and a file that differs from its digest is refused. */
@Timeout(30)
class SnapshotFileTest {

    @TempDir
    Path directory;

    private static ReplicatedState state() {
        TupleSpace space = new TupleSpace();
        List<Optional<Pair>> pairs = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) { // several PAIRS records
            pairs.add(Optional.of(Pair.of("user," + i, "name" + i + ",x")));
        }
        pairs.add(Optional.of(Pair.of("ключ", "значение")));
        pairs.add(Optional.of(Pair.of("big", "v".repeat(600_000)))); // a pair larger than a record's target, and half the buffer
        space.apply(new Command.Put(pairs), MatchBudget.unlimited());
        ReplicatedState state = new ReplicatedState(space);
        state.answers().record(-5L << 32, 2, Utf8Text.of("{\"status\":\"ok\"}\n"));
        state.answers().record(7, 9, Utf8Text.of("ok 1 pair removed\n  ключ значение\nend\n"));
        state.answers().record(7, 10, Utf8Text.of("a".repeat(300_000))); // an answer larger than a record's target
        return state;
    }

    @Test
    void whatIsWrittenComesBackWithTheSameDigestPairsAndAnswers() throws IOException {
        ReplicatedState state = state();
        SnapshotContent content = SnapshotContent.take(state, 42, 3);
        state.space().apply(new Command.Delete(".*", ".*"), MatchBudget.unlimited()); // the content does not change

        SnapshotInfo info = SnapshotFile.write(directory, content, ChannelOpener.DEFAULT);
        LoadedSnapshot loaded = SnapshotFile.read(info.file());

        assertThat(info.file()).isEqualTo(directory.resolve("snapshot-0000000000000000042.snap"));
        assertThat(info).isEqualTo(new SnapshotInfo(info.file(), 42, 3, content.space().digest(), 20_002, 3,
                Files.size(info.file())));
        assertThat(loaded.info()).isEqualTo(info);
        assertThat(SnapshotFile.readInfo(info.file())).isEqualTo(info);
        assertThat(loaded.space().digest()).isEqualTo(content.space().digest());
        assertThat(loaded.space().pairs()).containsExactlyElementsOf(content.space().pairs());
        assertThat(loaded.answers()).containsExactlyInAnyOrderElementsOf(content.answers());
        assertThat(filesIn(directory)).containsExactly("snapshot-0000000000000000042.snap");
    }

    @Test
    void theEmptyStateIsASnapshotToo() throws IOException {
        SnapshotInfo info = SnapshotFile.write(directory, SnapshotContent.take(new ReplicatedState(new TupleSpace()), 0, 0),
                ChannelOpener.DEFAULT);

        LoadedSnapshot loaded = SnapshotFile.read(info.file());

        assertThat(loaded.space().size()).isZero();
        assertThat(loaded.answers()).isEmpty();
        assertThat(loaded.info().index()).isZero();
    }

    @Test
    void aFailedWriteLeavesNoFileBehind() throws IOException {
        FaultyDisk disk = new FaultyDisk();
        disk.fillUp();

        assertThatThrownBy(() -> SnapshotFile.write(directory, SnapshotContent.take(state(), 42, 3), disk))
                .hasMessage(FaultyDisk.ENOSPC);
        assertThat(filesIn(directory)).isEmpty();
    }

    @Test
    void aLoadedSpaceWhoseDigestDiffersFromTheRecordedOneIsRefused() throws IOException {
        ReplicatedState state = state();
        Path file = SnapshotFile.write(directory, SnapshotContent.take(state, 42, 3), ChannelOpener.DEFAULT).file();
        // A writer's bug, say: a value differs from what the digest was taken of, yet every checksum matches.
        rewritePairsRecord(file, payload -> {
            int keyLength = payload.getInt(5);
            int valueAt = 5 + 4 + keyLength + 4;
            payload.put(valueAt, (byte) (payload.get(valueAt) + 1));
        });

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageStartingWith(file + ": expected the digest " + state.space().digest() + " its writer recorded, found ")
                .hasMessageContaining("after loading its 20002 pairs");
    }

    @Test
    void pairsOutOfOrderAreRefusedNamingTheRecord() throws IOException {
        Path file = SnapshotFile.write(directory, SnapshotContent.take(state(), 42, 3), ChannelOpener.DEFAULT).file();
        rewritePairsRecord(file, payload -> payload.put(9, (byte) 'z')); // the first key of a record now sorts last

        assertThatThrownBy(() -> SnapshotFile.read(file))
                .isInstanceOf(DamagedFileException.class)
                .hasMessageContaining(": expected keys in ascending order, found ")
                .hasMessageContaining("The record's checksum matches, so it was written this way");
    }

    @Test
    void theWriterWritesInTheBackgroundAndDeletesOlderSnapshotsOnceTheNewOneIsDurable() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        try (DataDirectory node = DataDirectory.open(directory, "a");
             SnapshotWriter writer = new SnapshotWriter(node, ChannelOpener.DEFAULT, loop)) {
            ReplicatedState state = state();
            SnapshotInfo first = writer.write(SnapshotContent.take(state, 10, 1)).get(10, TimeUnit.SECONDS);
            Thread[] completedOn = new Thread[1];
            SnapshotInfo second = writer.write(SnapshotContent.take(state, 20, 1))
                    .whenComplete((info, failure) -> completedOn[0] = Thread.currentThread())
                    .get(10, TimeUnit.SECONDS);

            assertThat(first.index()).isEqualTo(10);
            assertThat(DataFiles.snapshots(node.path())).extracting(DataFiles.Numbered::index).containsExactly(20L);
            assertThat(loop.submit(Thread::currentThread).get()).isSameAs(completedOn[0]); // completed on the loop
            assertThat(SnapshotFile.read(second.file()).space().digest()).isEqualTo(state.space().digest());
        } finally {
            loop.shutdown();
        }
    }

    /** Changes the second PAIRS record's payload with {@code change} and seals it again, so its checksum matches. */
    private static void rewritePairsRecord(Path file, Consumer<ByteBuffer> change) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int seen = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordReader reader = new RecordReader(file, channel, FilePrefix.LENGTH);
            for (Optional<ByteBuffer> record = reader.next(); record.isPresent(); record = reader.next()) {
                if (record.get().get(record.get().position()) == 3 && ++seen == 2) {
                    int headerAt = (int) reader.recordOffset();
                    ByteBuffer whole = ByteBuffer.wrap(bytes);
                    int payloadAt = headerAt + RecordFraming.HEADER_BYTES;
                    change.accept(whole.duplicate().position(payloadAt).slice());
                    whole.position(payloadAt + record.get().remaining());
                    RecordFraming.seal(whole, headerAt);
                    Files.write(file, bytes);
                    return;
                }
            }
        }
        throw new AssertionError("expected a second PAIRS record, found none");
    }

    private static List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).collect(Collectors.toList());
        }
    }
}
