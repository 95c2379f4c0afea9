package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A restart's log, read ahead: its reading ({@link LogDecoding}) started as the server process starts, before the
 * process has parsed its options, set up its logging and locked its data directory, which on a cold JVM is about
 * 130 ms in which one of two cores is idle. The log's thread was a restart's longest path; begun so much sooner, a
 * restart on 1,000,000 pairs and 100,000 logged updates answered its first request about 45 ms sooner
 * (docs/performance-history.md).
 *
 * <p>It is only a guess at what the recovery will read: DIR's node directory {@code --node-id} (a backup's), or else
 * DIR's one node directory (none when DIR holds several, which a primary's start must first compare, or none), after
 * its newest snapshot. Nothing on disk changes until the recovery uses
 * what was read ({@link LogDecoding}). {@link Recovery#recover(DataDirectory, Runnable, LogReadAhead)} takes it when
 * it is for the directory and snapshot it recovers, once the directory is locked, and otherwise closes it and reads
 * the log itself; so does a read ahead that failed (the recovery reads again, and reports what it finds).
 *
 * <p>One thread uses an instance (the process's main thread): {@link #take} once, then {@link #close} at the latest
 * when the start no longer needs it, which stops a reading no one took and lets go of what it read.
 */
public final class LogReadAhead implements AutoCloseable {

    private final Path directory;
    private final long afterIndex;
    private final long afterEpoch;
    private LogDecoding decoding;

    private LogReadAhead(Path directory, long afterIndex, long afterEpoch, LogDecoding decoding) {
        this.directory = directory;
        this.afterIndex = afterIndex;
        this.afterEpoch = afterEpoch;
        this.decoding = decoding;
    }

    /** None: the recovery reads its log itself. */
    public static LogReadAhead none() {
        return new LogReadAhead(null, 0, 0, null);
    }

    /**
     * Starts reading the log of {@code root}'s node directory {@code nodeId} after its newest snapshot, on a thread of
     * its own; without a {@code nodeId}, of {@code root}'s one node directory. None when there is no such directory, or
     * {@code root} holds several and no {@code nodeId} says which, or it cannot be read. Never throws.
     */
    public static LogReadAhead start(Path root, Optional<String> nodeId) {
        try {
            List<DataDirectories.Found> found = DataDirectories.find(root).stream()
                    .filter(node -> nodeId.isEmpty() || node.nodeId().equals(nodeId.get())).toList();
            if (found.size() != 1) {
                return none();
            }
            Path directory = found.get(0).path();
            Optional<SnapshotInfo> newest = SnapshotFile.newest(directory);
            long afterIndex = newest.map(SnapshotInfo::index).orElse(0L);
            long afterEpoch = newest.map(SnapshotInfo::epoch).orElse(0L);
            return new LogReadAhead(directory.toAbsolutePath().normalize(), afterIndex, afterEpoch,
                    LogDecoding.start(directory, afterIndex, afterEpoch));
        } catch (IOException | RuntimeException e) {
            return none(); // the recovery reads the directory again, and says what is wrong with it
        }
    }

    /**
     * The reading of {@code directory}'s log after {@code afterIndex} of {@code afterEpoch}, when this is it; otherwise
     * empty, and this reading is stopped. Empty ever after.
     */
    Optional<LogDecoding> take(Path directory, long afterIndex, long afterEpoch) {
        LogDecoding taken = decoding;
        decoding = null;
        if (taken == null) {
            return Optional.empty();
        }
        if (this.directory.equals(directory.toAbsolutePath().normalize()) && this.afterIndex == afterIndex
                && this.afterEpoch == afterEpoch) {
            return Optional.of(taken);
        }
        taken.close();
        return Optional.empty();
    }

    /** Stops the reading unless {@link #take} took it, and lets go of what it read. */
    @Override
    public void close() {
        if (decoding != null) {
            decoding.close();
            decoding = null;
        }
    }
}
