package tuplespace.node.persistence;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicationCodec;

/**
 * The write-ahead log's writer thread. It takes every command the loop queued since it last looked, writes all the
 * entries among them in one write, then forces once (group commit: however many batches arrived while the last force
 * ran share the next one). After a failed write or force it distrusts the segment's file and, every retry interval
 * or on a sync, rewrites the segment from memory into a fresh file ({@link Segment#rewrite()}).
 *
 * <p>Everything here is confined to this thread, except what it hands the loop through {@code callbacks}.
 */
final class LogWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    private static final int SCRATCH_BYTES = 1 << 20;

    /** A segment that is whole on disk and no longer written. */
    record ClosedSegment(Path file, long firstIndex, long bytes) {
    }

    private final DataDirectory directory;
    private final LogOptions options;
    private final BlockingQueue<LogCommand> commands;
    private final LogReports reports;
    private final List<ClosedSegment> closed;
    private Segment segment;
    private ByteBuf pending = Unpooled.buffer(SCRATCH_BYTES);
    private long pendingLast;
    private long written;
    private long forced;
    private long closedBytes;
    private long lastForce;
    private long lastAttempt;
    private IOException lastFailure;
    private boolean stopped;
    private volatile boolean dead;

    LogWriter(DataDirectory directory, LogOptions options, BlockingQueue<LogCommand> commands, LogListener listener,
              Executor callbacks, List<ClosedSegment> closed, Segment segment) {
        this.directory = directory;
        this.options = options;
        this.commands = commands;
        this.reports = new LogReports(directory, listener, callbacks);
        this.closed = new ArrayList<>(closed);
        this.closedBytes = closed.stream().mapToLong(ClosedSegment::bytes).sum();
        this.segment = segment;
        this.written = segment.lastIndex();
        this.forced = segment.lastIndex();
        this.lastForce = now();
    }

    /** True once the thread stopped on an unexpected error: nothing is written any more. */
    boolean dead() {
        return dead;
    }

    @Override
    public void run() {
        List<LogCommand> batch = new ArrayList<>();
        try {
            while (!stopped) {
                LogCommand first = nextCommand();
                if (first != null) {
                    batch.add(first);
                    commands.drainTo(batch);
                }
                for (LogCommand command : batch) {
                    handle(command);
                }
                batch.clear();
                if (!stopped) { // closed: the file is forced and closed, nothing more to do or to mend
                    flush();
                    afterBatch();
                }
            }
            publish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopOnError(e, batch);
        } catch (RuntimeException | Error e) {
            stopOnError(e, batch);
        }
    }

    /** Waits for the next command, but no longer than the next force (everysec) or retry is due. */
    private LogCommand nextCommand() throws InterruptedException {
        long due = Long.MAX_VALUE;
        if (!segment.trusted()) {
            due = lastAttempt + options.retryInterval().toNanos();
        } else if (options.fsync() == FsyncMode.EVERYSEC && written > forced) {
            due = lastForce + options.forceInterval().toNanos();
        }
        if (due == Long.MAX_VALUE) {
            return commands.take();
        }
        return commands.poll(Math.max(0, due - now()), TimeUnit.NANOSECONDS);
    }

    private void handle(LogCommand command) {
        if (command instanceof LogCommand.Append append) {
            encode(append.entries());
            if (segment.trusted() && segment.bytes() + pending.readableBytes() >= options.maxSegmentBytes()) {
                flush(); // a segment (and its image in memory) stays within the limit plus one append
                roll();
            }
            return;
        }
        flush(); // every other command sees the entries appended before it written
        if (command instanceof LogCommand.Roll) {
            roll();
        } else if (command instanceof LogCommand.CutBefore cut) {
            cutBefore(cut.index());
        } else if (command instanceof LogCommand.RestartAt restart) {
            restartAt(restart.nextIndex());
        } else if (command instanceof LogCommand.RecordEpoch record) {
            recordEpoch(record);
        } else if (command instanceof LogCommand.Sync sync) {
            completeOrFail(sync.done(), syncNow());
        } else if (command instanceof LogCommand.Close close) {
            closeNow(close.done());
        }
    }

    private void encode(List<Replicated> entries) {
        for (Replicated entry : entries) {
            int headerAt = RecordFraming.reserveHeader(pending);
            ReplicationCodec.encodeEntry(entry, pending);
            RecordFraming.seal(pending, headerAt);
            pendingLast = entry.index();
        }
    }

    /** Writes the entries encoded so far in one write (or keeps them in memory while the file is not trusted). */
    private void flush() {
        if (!pending.isReadable()) {
            return;
        }
        byte[] records = ByteBufUtil.getBytes(pending);
        if (pending.capacity() > 16 * SCRATCH_BYTES) {
            pending = Unpooled.buffer(SCRATCH_BYTES); // after a huge entry: do not keep its buffer
        } else {
            pending.clear();
        }
        if (!segment.trusted()) {
            segment.keep(records, pendingLast);
            return;
        }
        try {
            segment.write(records, pendingLast);
            written = pendingLast;
        } catch (IOException e) {
            failed("write", e);
        }
    }

    private void afterBatch() {
        long now = now();
        if (!segment.trusted() && now - lastAttempt >= options.retryInterval().toNanos()) {
            mend();
        }
        if (segment.trusted() && written > forced && forceDue(now)) {
            force();
        }
        publish();
    }

    private boolean forceDue(long now) {
        return switch (options.fsync()) {
            case ALWAYS -> true;
            case EVERYSEC -> now - lastForce >= options.forceInterval().toNanos();
            case NO -> false;
        };
    }

    private void force() {
        try {
            segment.force();
            forced = written;
            lastForce = now();
        } catch (IOException e) {
            failed("force", e);
        }
    }

    /** Rewrites the failed segment from memory into a fresh file; on success everything in it is durable. */
    private void mend() {
        lastAttempt = now();
        try {
            segment.rewrite();
        } catch (IOException e) {
            failed("rewrite", e);
            return;
        }
        written = Math.max(written, segment.lastIndex());
        forced = written;
        lastForce = now();
        LOG.warn("{}: the write-ahead log goes on in a fresh {}, rewritten from memory up to entry {}", directory,
                segment.file().getFileName(), segment.lastIndex());
    }

    /** The next entries go to a new segment; the full one is forced and closed first. */
    private void roll() {
        if (segment.isEmpty()) {
            return;
        }
        if (!segment.trusted()) {
            mend(); // a segment must be whole on disk before the next one starts
            if (!segment.trusted()) {
                return;
            }
        }
        try {
            segment.close();
        } catch (IOException e) {
            failed("force", e);
            return;
        }
        forced = written;
        closed.add(new ClosedSegment(segment.file(), segment.firstIndex(), segment.bytes()));
        closedBytes += segment.bytes();
        startSegment(segment.lastIndex() + 1);
    }

    private void startSegment(long firstIndex) {
        segment = Segment.starting(directory.path(), firstIndex, options.opener());
        try {
            segment.rewrite();
        } catch (IOException e) {
            failed("create", e);
        }
    }

    /** Deletes the closed segments that hold nothing at or after {@code index} (a snapshot holds their entries). */
    private void cutBefore(long index) {
        while (!closed.isEmpty()) {
            long nextFirst = closed.size() > 1 ? closed.get(1).firstIndex() : segment.firstIndex();
            if (nextFirst > index) {
                return;
            }
            delete(closed.remove(0));
        }
    }

    /** Everything logged so far is in a durable snapshot at {@code nextIndex - 1}: a new log starts at nextIndex. */
    private void restartAt(long nextIndex) {
        Segment old = segment;
        old.abandon();
        startSegment(nextIndex);
        while (!closed.isEmpty()) {
            delete(closed.remove(0));
        }
        if (!old.file().equals(segment.file())) {
            delete(new ClosedSegment(old.file(), old.firstIndex(), 0));
        }
        written = nextIndex - 1;
        forced = nextIndex - 1;
    }

    private void delete(ClosedSegment gone) {
        try {
            Files.deleteIfExists(gone.file());
        } catch (IOException e) {
            // harmless: recovery starts from the segment that holds the snapshot's next entry and skips older ones
            LOG.warn("{}: could not delete {}, which a snapshot made obsolete: {}", directory, gone.file(), e.toString());
        }
        closedBytes -= gone.bytes();
    }

    private void recordEpoch(LogCommand.RecordEpoch record) {
        try {
            directory.recordEpoch(record.epoch());
            reports.complete(record.done(), record.epoch());
        } catch (IOException e) {
            LOG.error("{}: could not record epoch {}: {}", directory, record.epoch(), e.toString());
            reports.fail(record.done(), e);
        }
    }

    /** Forces whatever the mode; mends a failed segment first. Null when the segment is still not trusted. */
    private LogProgress syncNow() {
        if (!segment.trusted()) {
            mend();
        }
        if (segment.trusted() && written > forced) {
            force();
        }
        return segment.trusted() ? progress() : null;
    }

    private void closeNow(CompletableFuture<LogProgress> done) {
        LogProgress last = syncNow();
        stopped = true;
        if (last == null) {
            segment.abandon();
            reports.fail(done, lastFailure);
            return;
        }
        try {
            segment.close();
        } catch (IOException e) {
            failed("force", e);
            reports.fail(done, e);
            return;
        }
        reports.complete(done, last);
    }

    /** The segment's file failed: it is never trusted again, and the loop hears of it. */
    private void failed(String operation, IOException cause) {
        segment.distrust();
        lastAttempt = now();
        lastFailure = cause;
        LogFailure failure = new LogFailure(segment.file(), operation, cause, forced);
        LOG.error("{}: {}", directory, failure.describe());
        reports.failed(failure);
    }

    private void publish() {
        reports.progress(progress());
    }

    private LogProgress progress() {
        return new LogProgress(written, forced, closedBytes + segment.bytes());
    }

    /** An unexpected error (a bug, an entry too large to frame): the log stops and says so; every waiter fails. */
    private void stopOnError(Throwable error, List<LogCommand> unfinished) {
        dead = true;
        segment.abandon();
        LOG.error("{}: the write-ahead log's writer stopped; nothing more is logged", directory, error);
        IOException cause = new IOException("the write-ahead log's writer stopped: " + error, error);
        reports.failed(new LogFailure(segment.file(), "write", cause, forced));
        unfinished.forEach(command -> failFuture(command, cause));
        for (LogCommand command = commands.poll(); command != null; command = commands.poll()) {
            failFuture(command, cause);
        }
    }

    static void failFuture(LogCommand command, IOException cause) {
        if (command instanceof LogCommand.Sync sync) {
            sync.done().completeExceptionally(cause);
        } else if (command instanceof LogCommand.Close close) {
            close.done().completeExceptionally(cause);
        } else if (command instanceof LogCommand.RecordEpoch record) {
            record.done().completeExceptionally(cause);
        }
    }

    /** Completes {@code done} with {@code value}, or fails it with the last failure when there is none. */
    private void completeOrFail(CompletableFuture<LogProgress> done, LogProgress value) {
        if (value == null) {
            reports.fail(done, lastFailure);
        } else {
            reports.complete(done, value);
        }
    }

    private long now() {
        return options.ticker().nanos();
    }
}
