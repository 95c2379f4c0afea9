package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.replication.AnswerTable;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.TupleSpace;

/**
 * Brings a node directory back into memory at start-up: the newest snapshot, then every log entry after it, to the
 * state a backup applying them one by one ({@link ReplicatedState#apply}) would reach. Blocks; runs before the node
 * serves. The log is read, decoded and summed up in runs on a second thread while this one loads the snapshot
 * ({@link LogDecoding}); then each run's net effect is laid over the loaded space as it comes, in one walk in key order
 * ({@link TupleSpace#applyEffect(tuplespace.space.NetEffect)}), and at the end the log's net change to the answer
 * table ({@link tuplespace.replication.NetAnswers}) over the snapshot's answers. What it changes on disk (a torn tail
 * truncated, a superseded log deleted) waits until the snapshot is whole.
 *
 * <p>Damage rules (docs/internals.md "Files"): a torn last record of the last segment is what a crash while writing
 * leaves, so it is truncated and logged at WARN with the file and the offset. Anything else, a checksum that fails
 * before the end, a missing segment, an unknown format version, a snapshot that is not whole or whose digest differs,
 * a missing snapshot (none as new as the one {@code node.meta} records), a log that ends before the entry
 * {@code node.meta} records as forced (its newest segments deleted), stops the start with a
 * {@link DamagedFileException} naming the file, the offset and what to do: no silent data loss, and no partial state.
 */
public final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    /** A snapshot of at least this many pairs takes about a second or more to load: its start is logged. */
    static final long LONG_START_PAIRS = 1_000_000;

    private Recovery() {
    }

    public static Recovered recover(DataDirectory directory) throws IOException {
        return recover(directory, () -> { }, LogReadAhead.none());
    }

    /**
     * The same, running {@code idleWork} on the calling thread once: the first time that thread would wait (for a
     * snapshot loaded ahead, or for the log's next run), or once every run is laid if it never waits. Work of the start
     * that needs no recovered state, done where that thread would only wait (a restart's log took about 100 ms longer
     * than its snapshot on 2 cores). It must not throw. Takes the log's reading and the snapshot loaded from
     * {@code readAhead} when it read ahead this directory's log after this snapshot, and loaded that one; stops its
     * reading otherwise.
     */
    public static Recovered recover(DataDirectory directory, Runnable idleWork, LogReadAhead readAhead)
            throws IOException {
        // a start that takes seconds says so at its beginning, not only at its end (a tester watched 3.6 s of silence)
        Path path = directory.path();
        for (Path leftOver : DataFiles.deleteTemporaries(path)) {
            LOG.info("{}: deleted {}, a file a crash left half-written", directory, leftOver.getFileName());
        }
        long started = System.nanoTime();
        Optional<SnapshotInfo> newest = SnapshotFile.newest(path, directory.recordedSnapshot());
        long snapshotIndex = newest.map(SnapshotInfo::index).orElse(0L);
        long snapshotEpoch = newest.map(SnapshotInfo::epoch).orElse(0L);
        newest.filter(info -> info.pairs() >= LONG_START_PAIRS).ifPresent(info -> LOG.info("{}: recovering {} pairs"
                + " from {} ({} MB) and the log after entry {}", directory, info.pairs(), info.file().getFileName(),
                info.bytes() >> 20, info.index()));
        Optional<LoadedSnapshot> snapshot;
        boolean loadedAhead;
        ReplicatedState state;
        LogReader.Tail tail;
        // the log is read and decoded on a second thread while this one loads the snapshot (its header gave where
        // the log goes on); it is applied, and repaired, only once the snapshot is whole
        Optional<LogDecoding> readAlready = readAhead.take(path, snapshotIndex, snapshotEpoch);
        try (LogDecoding log = readAlready.orElseGet(() -> LogDecoding.start(path, snapshotIndex, snapshotEpoch))) {
            Runnable idleOnce = once(idleWork); // while a snapshot loaded ahead loads, or the log is read
            Optional<LoadedSnapshot> fromReadAhead = newest.isPresent()
                    ? readAhead.takeSnapshot(newest.get(), idleOnce) : Optional.empty();
            loadedAhead = fromReadAhead.isPresent();
            snapshot = loadedAhead ? fromReadAhead : newestSnapshot(newest);
            TupleSpace space = snapshot.map(LoadedSnapshot::space).orElseGet(TupleSpace::new);
            LogDecoding.Summary logged = log.await(space::applyEffect, idleOnce);
            LogReader.requireReaches(path, directory.recordedLogged(), logged.replay().tail());
            state = new ReplicatedState(space);
            snapshot.ifPresent(loaded -> restoreAnswers(state.answers(), loaded.answers()));
            logged.answers().applyTo(state.answers());
            tail = logged.repair();
        }
        List<String> warnings = new ArrayList<>();
        tail.warning().ifPresent(warning -> {
            LOG.warn("{}", warning);
            warnings.add(warning);
        });
        LOG.info("{}: recovered {} pairs and {} remembered answers up to entry {} of epoch {} ({}, {} entries of log{})"
                        + " in {} ms", directory, state.space().size(), state.answers().size(), tail.lastIndex(),
                tail.lastEpoch(), snapshot.map(loaded -> loaded.info().file().getFileName().toString())
                        .orElse("no snapshot"), tail.lastIndex() - snapshotIndex,
                readAlready.isPresent() ? (loadedAhead ? ", snapshot and log read ahead" : ", log read ahead") : "",
                (System.nanoTime() - started) / 1_000_000);
        long lastEpochServer = directory.highestEpoch() == tail.lastEpoch() ? directory.epochServer() : 0;
        return new Recovered(state, tail.lastIndex(), tail.lastEpoch(), lastEpochServer,
                Math.max(directory.highestEpoch(), tail.lastEpoch()),
                snapshot.map(LoadedSnapshot::info), warnings);
    }

    /**
     * The newest snapshot ({@link SnapshotFile#newest}), read whole. A damaged one stops the start (its message says to
     * move it away): falling back to an older one silently would hide the damage, and the log before the newest is
     * usually cut already. So does a missing one (none as new as the one {@code node.meta} records).
     */
    private static Optional<LoadedSnapshot> newestSnapshot(Optional<SnapshotInfo> newest) throws IOException {
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SnapshotFile.read(newest.get().file()));
    }

    /** {@code work}, run by the first call only. */
    private static Runnable once(Runnable work) {
        boolean[] ran = {false};
        return () -> {
            if (!ran[0]) {
                ran[0] = true;
                work.run();
            }
        };
    }

    private static void restoreAnswers(AnswerTable table, List<AnswerTable.Entry> answers) {
        for (AnswerTable.Entry answer : answers) {
            table.record(answer.conn(), answer.seq(), answer.answer());
        }
    }
}
