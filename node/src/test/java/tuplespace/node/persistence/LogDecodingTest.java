package tuplespace.node.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.replication.AnswerTable;
import tuplespace.space.NetEffect;
import tuplespace.space.TupleSpace;

/**
 * A log summed up in runs on the decoding thread and handed over run by run ({@link LogDecoding}): laid over an empty
 * space in the order they come, the runs leave the state that applying the entries one by one leaves.
 */
@Timeout(30)
class LogDecodingTest {

    private static final int ENTRIES = 1_000;
    private static final int PER_RUN = 64;

    @TempDir
    Path root;

    private final Workload work = new Workload(23, 200);
    private DataDirectory directory;
    private Path segment;

    @BeforeEach
    void logEntries() throws Exception {
        directory = DataDirectory.open(root, "a");
        WriteAheadLog log = WriteAheadLog.open(directory, 1, LogOptions.of(FsyncMode.NO), new RecordingListener(),
                Runnable::run);
        for (int i = 0; i < ENTRIES; i += 10) {
            log.append(work.next(10));
        }
        log.close().get(10, TimeUnit.SECONDS);
        segment = DataFiles.segment(directory.path(), 1);
    }

    @AfterEach
    void closeDirectory() throws IOException {
        directory.close();
    }

    @Test
    void theRunsLaidInTheOrderTheyComeLeaveTheStateOfTheEntriesAppliedOneByOne() throws Exception {
        List<NetEffect> runs = new ArrayList<>();
        List<Thread> idleWorkOn = new ArrayList<>();
        TupleSpace space = new TupleSpace();

        LogDecoding.Summary summary;
        try (LogDecoding decoding = LogDecoding.start(directory.path(), 0, 0, PER_RUN)) {
            summary = decoding.await(run -> {
                runs.add(run);
                space.applyEffect(run);
            }, () -> idleWorkOn.add(Thread.currentThread()));
        }

        assertThat(runs).hasSize((ENTRIES + PER_RUN - 1) / PER_RUN);
        assertThat(idleWorkOn).containsExactly(Thread.currentThread());
        assertThat(space.digest()).isEqualTo(work.reference().space().digest());
        AnswerTable answers = new AnswerTable();
        summary.answers().applyTo(answers);
        assertThat(answers.entries()).containsExactlyInAnyOrderElementsOf(work.reference().answers().entries());
        assertThat(summary.repair().lastIndex()).isEqualTo(ENTRIES);
    }

    /** The runs before the damage have been handed over; the caller learns of the damage from await, and gives up. */
    @Test
    void damageInTheLogStopsTheRunsAfterItAndAwaitThrowsIt() throws Exception {
        List<Long> offsets = RecoveryTest.recordOffsets(segment);
        long middle = offsets.get(offsets.size() / 2);
        RecoveryTest.flipByte(segment, middle + RecordFraming.HEADER_BYTES + 20);
        List<NetEffect> runs = new ArrayList<>();

        try (LogDecoding decoding = LogDecoding.start(directory.path(), 0, 0, PER_RUN)) {
            assertThatThrownBy(() -> decoding.await(runs::add, () -> { }))
                    .isInstanceOf(DamagedFileException.class)
                    .hasMessageStartingWith(segment + " at offset " + middle + ": expected a record of ");
        }
        assertThat(runs).hasSize(offsets.size() / 2 / PER_RUN);
    }
}
