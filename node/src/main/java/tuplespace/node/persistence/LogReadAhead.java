package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A restart's log and newest snapshot, read ahead: the log's reading ({@link LogDecoding}) and the snapshot's loading,
 * each on a thread of its own, started as the server process starts, before the process has parsed its options and set
 * up its logging, which on a cold JVM took about 130 ms in which one of two cores was idle. The log's thread was a
 * restart's longest path; begun so much sooner, a restart on 1,000,000 pairs and 100,000 logged updates answered its
 * first request about 70 ms sooner than the build before, and with the snapshot loaded ahead too, about 55 ms sooner
 * than the build that read only the log ahead (docs/performance-history.md).
 *
 * <p>It takes the node directory's lock first, as {@link DataDirectory#open} would, and reads nothing when another
 * process holds it: so no one writes the log while it is read, and what was read is what the recovery would read.
 * {@link DataDirectory#open(Path, String, LogReadAhead)} adopts that lock; {@link #close} releases it if nothing did.
 *
 * <p>It is only a guess at what the recovery will read: DIR's node directory {@code --node-id} (a backup's), or else
 * DIR's one node directory (none when DIR holds several, which a primary's start must first compare, or none), after
 * its newest snapshot. Nothing on disk changes until the recovery uses what was read ({@link LogDecoding}).
 * {@link Recovery#recover(DataDirectory, Runnable, LogReadAhead)} takes the reading, and the snapshot loaded, when they
 * are for the directory and snapshot it recovers, and otherwise stops the reading and reads the log (and loads the
 * snapshot) itself; a guess that could not start (no such
 * directory, its lock held, a snapshot it could not read) is none, and the recovery reports what it finds.
 *
 * <p>One thread uses an instance (the process's main thread): {@link #lockOf}, {@link #take} and {@link #takeSnapshot}
 * once each, then
 * {@link #close} at the latest when the start no longer needs it, which stops a reading no one took, lets go of what it
 * read and releases a lock no one adopted.
 */
public final class LogReadAhead implements AutoCloseable {

    private final Path directory;
    /** The newest snapshot as its header said, which the log is read after; empty without one. */
    private final Optional<SnapshotInfo> newest;
    private LogDecoding decoding;
    /** The newest snapshot's loading, begun with the log's; null without one, or once taken. */
    private CompletableFuture<LoadedSnapshot> snapshot;
    /** The directory's lock while this holds it; null once handed over ({@link #adopted}) or released. */
    private FileLock lock;
    /** The lock as handed over to the directory's opening; null before. */
    private FileLock adopted;
    private boolean taken;
    private boolean snapshotTaken;

    private LogReadAhead(Path directory, Optional<SnapshotInfo> newest, LogDecoding decoding,
                         CompletableFuture<LoadedSnapshot> snapshot, FileLock lock) {
        this.directory = directory;
        this.newest = newest;
        this.decoding = decoding;
        this.snapshot = snapshot;
        this.lock = lock;
    }

    /** None: the recovery reads its log itself. */
    public static LogReadAhead none() {
        return new LogReadAhead(null, Optional.empty(), null, null, null);
    }

    /**
     * Locks {@code root}'s node directory {@code nodeId} (and writes this process's pid into its lock file, as
     * {@link DataDirectory#open} does), then starts reading its log after its newest snapshot and loading that
     * snapshot, each on a thread of its own; without a {@code nodeId}, {@code root}'s one node directory. None when
     * there is no such directory, or {@code root} holds several and no {@code nodeId} says which, or another process
     * holds its lock, or it cannot be read. Never throws.
     */
    public static LogReadAhead start(Path root, Optional<String> nodeId) {
        try {
            List<DataDirectories.Found> found = DataDirectories.find(root).stream()
                    .filter(node -> nodeId.isEmpty() || node.nodeId().equals(nodeId.get())).toList();
            if (found.size() != 1) {
                return none();
            }
            Path directory = found.get(0).path().toAbsolutePath().normalize();
            FileChannel channel = DataDirectory.openLockFile(directory);
            try {
                Optional<FileLock> lock = DataDirectory.tryLock(channel);
                if (lock.isEmpty()) {
                    channel.close();
                    return none(); // DataDirectory.open says who holds it
                }
                DataDirectory.recordHolder(channel);
                Optional<SnapshotInfo> newest = SnapshotFile.newest(directory);
                CompletableFuture<LoadedSnapshot> loading = newest.map(info -> load(info.file())).orElse(null);
                return new LogReadAhead(directory, newest, LogDecoding.start(directory,
                        newest.map(SnapshotInfo::index).orElse(0L), newest.map(SnapshotInfo::epoch).orElse(0L)),
                        loading, lock.get());
            } catch (IOException | RuntimeException e) {
                channel.close(); // releases the lock too
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            return none(); // the start reads the directory again, and says what is wrong with it
        }
    }

    /**
     * Loads the snapshot {@code file} on a thread of its own. A loading no one takes runs to its end (a snapshot's read
     * has no way to stop half-way); what it loaded then goes.
     */
    private static CompletableFuture<LoadedSnapshot> load(Path file) {
        CompletableFuture<LoadedSnapshot> loaded = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                loaded.complete(SnapshotFile.read(file));
            } catch (IOException | RuntimeException | Error e) {
                loaded.completeExceptionally(e);
            }
        }, "snapshot-reading");
        thread.setDaemon(true);
        thread.start();
        return loaded;
    }

    /**
     * The snapshot {@code info} names, loaded ahead, when this loaded that one (by its header) and its lock is held by
     * the directory's opening ({@link #lockOf}); otherwise empty, at once. Waits for the loading to end, running
     * {@code whileLoading} first when it has not. Empty ever after.
     *
     * @throws IOException (a {@link DamagedFileException}) as {@link SnapshotFile#read} would
     */
    Optional<LoadedSnapshot> takeSnapshot(SnapshotInfo info, Runnable whileLoading) throws IOException {
        CompletableFuture<LoadedSnapshot> loading = snapshot;
        snapshot = null;
        if (loading == null || !adoptedFor(info.file().getParent()) || !sameSnapshot(newest.orElseThrow(), info)) {
            return Optional.empty();
        }
        if (!loading.isDone()) {
            whileLoading.run();
        }
        snapshotTaken = true;
        return Optional.of(LogDecoding.result(loading, "loading the snapshot"));
    }

    private static boolean sameSnapshot(SnapshotInfo read, SnapshotInfo asked) {
        return read.index() == asked.index() && read.epoch() == asked.epoch() && read.digest() == asked.digest()
                && read.file().getFileName().equals(asked.file().getFileName());
    }

    /** Whether {@code directory} is this one, and the lock taken before reading it is still held by its opening. */
    private boolean adoptedFor(Path directory) {
        return adopted != null && adopted.isValid() && this.directory.equals(directory.toAbsolutePath().normalize());
    }

    /** The lock this took on {@code directory}, handed over (this no longer releases it); empty for another one. */
    Optional<FileLock> lockOf(Path directory) {
        if (lock == null || !this.directory.equals(directory.toAbsolutePath().normalize())) {
            return Optional.empty();
        }
        adopted = lock;
        lock = null;
        return Optional.of(adopted);
    }

    /**
     * The reading of {@code directory}'s log after {@code afterIndex} of {@code afterEpoch}, when this is it and its
     * lock, held since the reading began, was adopted ({@link #lockOf}); otherwise empty, and this reading is stopped.
     * Empty ever after.
     */
    Optional<LogDecoding> take(Path directory, long afterIndex, long afterEpoch) {
        LogDecoding reading = decoding;
        decoding = null;
        if (reading == null) {
            return Optional.empty();
        }
        if (adoptedFor(directory) && newest.map(SnapshotInfo::index).orElse(0L) == afterIndex
                && newest.map(SnapshotInfo::epoch).orElse(0L) == afterEpoch) {
            taken = true;
            return Optional.of(reading);
        }
        reading.close();
        return Optional.empty();
    }

    /** Whether a recovery took the log's reading. */
    boolean taken() {
        return taken;
    }

    /** Whether a recovery took the snapshot loaded ahead. */
    boolean snapshotTaken() {
        return snapshotTaken;
    }

    /**
     * Stops the reading unless {@link #take} took it, and lets go of what it read; releases the directory's lock unless
     * {@link #lockOf} handed it over.
     */
    @Override
    public void close() {
        if (decoding != null) {
            decoding.close();
            decoding = null;
        }
        snapshot = null; // a loading under way ends by itself, and what it loaded goes
        if (lock != null) {
            try {
                lock.acquiredBy().close(); // releases the lock too
            } catch (IOException e) {
                // the lock goes with the process at the latest
            }
            lock = null;
        }
    }
}
