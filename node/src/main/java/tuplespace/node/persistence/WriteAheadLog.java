package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import tuplespace.replication.Replicated;

/**
 * A node's write-ahead log: every {@link Replicated} entry it applied, in order, in segments {@code wal-<first
 * index>.log} of framed, checksummed records (docs/internals.md "Files"). One writer thread per log does the I/O with
 * group commit; how often it forces is the {@link FsyncMode}.
 *
 * <p>The event loop calls {@link #append}, {@link #roll}, {@link #cutBefore}, {@link #restartAt}, {@link #recordEpoch},
 * {@link #sync} and {@link #close}: each hands a command to the writer and returns at once, never waiting for a force.
 * With {@link FsyncMode#EVERYSEC} and {@link FsyncMode#NO} an append writes its batch to the file itself (one write
 * to the operating system, no force) when the writer is idle and nothing is queued, so that the batch is written
 * before the caller sends what depends on it; otherwise it is queued. They must be called from one thread (the loop:
 * {@link #lastAppended()} is confined to it). What the writer achieved comes
 * back, in order, through the {@link LogListener} and the returned futures, both run on the {@code callbacks} executor
 * (the loop). The queue between the two is unbounded: a node should stop taking updates while many entries wait to be
 * logged, as it does while many answers wait for the backup.
 *
 * <p>Failures: after a failed write or force the segment's file is never read or written again; the writer keeps the
 * segment's entries in memory and rewrites them into a fresh file (every {@link LogOptions#retryInterval()}, and on
 * {@link #sync()}), which then replaces the failed one. Meanwhile progress stops and the listener hears
 * {@link LogListener#failed}, once per failed attempt; nothing appended is dropped. A full disk is one such failure:
 * once space is freed, the next attempt succeeds and the log goes on.
 */
public final class WriteAheadLog {

    private final LogWriter writer;
    /** Confined to the loop. */
    private long lastAppended;
    private boolean closing;

    private WriteAheadLog(LogWriter writer, long lastAppended) {
        this.writer = writer;
        this.lastAppended = lastAppended;
    }

    /**
     * Opens the log of {@code directory} for entries from {@code nextIndex} on (after {@link Recovery}, its
     * {@code lastIndex() + 1}), in a new segment: the segments already there are only ever cut. Blocks while it creates
     * that segment (start-up), so a disk that cannot take it fails the start.
     *
     * @throws IllegalStateException when a segment holds entries at or after {@code nextIndex}: recover first
     */
    public static WriteAheadLog open(DataDirectory directory, long nextIndex, LogOptions options, LogListener listener,
                                     Executor callbacks) throws IOException {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(callbacks, "callbacks");
        if (nextIndex < 1) {
            throw new IllegalArgumentException("expected a next index >= 1, found " + nextIndex);
        }
        List<LogWriter.ClosedSegment> closed = new ArrayList<>();
        for (DataFiles.Numbered existing : DataFiles.segments(directory.path())) {
            if (existing.index() > nextIndex) {
                throw new IllegalStateException("expected the log of " + directory + " to end before entry " + nextIndex
                        + ", found " + existing.path().getFileName() + ": recover the directory before opening its log");
            }
            if (existing.index() < nextIndex) { // one starting at nextIndex holds no entry: the new segment replaces it
                closed.add(new LogWriter.ClosedSegment(existing.path(), existing.index(), Files.size(existing.path())));
            }
        }
        Segment first = Segment.starting(directory.path(), nextIndex, options);
        first.rewrite();
        LogWriter writer = new LogWriter(directory, options, listener, callbacks, closed, first);
        Thread thread = new Thread(writer, "wal-" + directory.nodeId());
        thread.setDaemon(true);
        thread.start();
        return new WriteAheadLog(writer, nextIndex - 1);
    }

    /**
     * Opens the log after {@link Recovery}: at {@code recovered.nextIndex()}, with the segments wholly before its
     * snapshot cut at once (a crash may have come between a snapshot and its cut).
     */
    public static WriteAheadLog open(DataDirectory directory, Recovered recovered, LogOptions options,
                                     LogListener listener, Executor callbacks) throws IOException {
        WriteAheadLog log = open(directory, recovered.nextIndex(), options, listener, callbacks);
        recovered.snapshot().ifPresent(snapshot -> log.cutBefore(snapshot.index() + 1));
        return log;
    }

    /**
     * Logs {@code entries}, which continue the log without a gap. Returns without waiting for the disk; the listener
     * hears when they are logged. With {@code everysec} and {@code no} they are usually written to the operating system
     * when this returns, which it then says (true); false when they were handed to the log's thread, or the write
     * failed (the listener hears of that too).
     *
     * @throws IllegalArgumentException when the first entry does not follow the last one appended
     */
    public boolean append(List<Replicated> entries) {
        checkOpen();
        if (entries.isEmpty()) {
            return false;
        }
        long expected = lastAppended + 1;
        for (Replicated entry : entries) {
            if (entry.index() != expected) {
                throw new IllegalArgumentException("expected entry " + expected + " next in the log, found " + entry.index());
            }
            expected++;
        }
        lastAppended = expected - 1;
        long written = writer.writeNow(entries);
        if (written != LogWriter.QUEUE) {
            return written >= lastAppended;
        }
        writer.submit(new LogCommand.Append(List.copyOf(entries)));
        return false;
    }

    /** The index of the last entry appended (handed to the writer, not necessarily logged yet). */
    public long lastAppended() {
        return lastAppended;
    }

    /**
     * Entries appended from now on go to a new segment. Call it when taking a snapshot at {@link #lastAppended()}: the
     * log can then be cut exactly at the snapshot once it is durable.
     */
    public void roll() {
        checkOpen();
        writer.submit(new LogCommand.Roll());
    }

    /**
     * Deletes the segments whose every entry is below {@code index}: call it once a snapshot at {@code index - 1} is
     * durable. Whole segments only; the one being written is never deleted. Completes with the progress after the cut:
     * every progress report the listener hears after that counts the log without the deleted segments.
     */
    public CompletableFuture<LogProgress> cutBefore(long index) {
        CompletableFuture<LogProgress> done = new CompletableFuture<>();
        submit(new LogCommand.CutBefore(index, done), done);
        return done;
    }

    /**
     * Drops the whole log and goes on at {@code nextIndex}: call it only once a snapshot at {@code nextIndex - 1} is
     * durable (a backup that received its primary's whole state). Progress starts again from {@code nextIndex - 1}.
     */
    public void restartAt(long nextIndex) {
        checkOpen();
        if (nextIndex < 1) {
            throw new IllegalArgumentException("expected a next index >= 1, found " + nextIndex);
        }
        lastAppended = nextIndex - 1;
        writer.submit(new LogCommand.RestartAt(nextIndex));
    }

    /**
     * Records in the directory that the node served or saw {@code epoch}, whose primary has the server id {@code server}
     * (0: unknown), in order with the entries appended before ({@link DataDirectory#recordEpoch(long, long)}).
     * Completes (on the callbacks executor) once that is durable, with the epoch.
     */
    public CompletableFuture<Long> recordEpoch(long epoch, long server) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        submit(new LogCommand.RecordEpoch(epoch, server, done), done);
        return done;
    }

    /**
     * Forces every entry appended so far, whatever the mode; completes with the progress then, or fails while the
     * segment cannot be rewritten after a failure.
     */
    public CompletableFuture<LogProgress> sync() {
        CompletableFuture<LogProgress> done = new CompletableFuture<>();
        submit(new LogCommand.Sync(done), done);
        return done;
    }

    /** Syncs, closes the file and stops the writer thread; nothing may be appended afterwards. */
    public CompletableFuture<LogProgress> close() {
        CompletableFuture<LogProgress> done = new CompletableFuture<>();
        submit(new LogCommand.Close(done), done);
        closing = true;
        return done;
    }

    private void submit(LogCommand command, CompletableFuture<?> done) {
        checkOpen();
        if (writer.dead()) {
            done.completeExceptionally(new IOException("the write-ahead log's writer has stopped after an error"));
            return;
        }
        writer.submit(command);
        if (writer.dead() && writer.withdraw(command)) { // it died meanwhile, after failing what it found queued
            LogWriter.failFuture(command, new IOException("the write-ahead log's writer has stopped after an error"));
        }
    }

    private void checkOpen() {
        if (closing) {
            throw new IllegalStateException("expected an open write-ahead log, found one closed");
        }
    }
}
