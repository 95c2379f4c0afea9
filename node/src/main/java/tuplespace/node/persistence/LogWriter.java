package tuplespace.node.persistence;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicationCodec;

/**
 * The write-ahead log's writer thread. It takes every command the loop queued since it last looked, writes all the
 * entries among them in one write, then forces once (group commit: however many batches arrived while the last force
 * ran share the next one). After a failed write or force it distrusts the segment's file and, every retry interval
 * or on a sync, rewrites the segment from memory into a fresh file ({@link Segment#rewrite()}).
 *
 * <p>With {@code everysec} and {@code no}, whose entries count as logged once written, the loop writes a batch itself
 * ({@link #writeNow}) when nothing is queued and the writer is not busy: the batch is then in the operating system's
 * hands before the answers and acknowledgements that depend on it leave, and neither thread wakes the other for it
 * (without the hand-offs, PUT 50 x 1 with everysec took 37.6 against 40 us of service CPU per PUT, median of 4).
 * Otherwise the batch is queued as with {@code always}. The writer still forces (about once a second with {@code
 * everysec}), rolls, cuts and mends.
 *
 * <p>The state below is guarded by {@code lock}: the writer holds it while it handles commands, the loop while it
 * writes a batch, neither while a periodic force runs (writes go on meanwhile). The loop never waits for it.
 * {@code unhandled} counts the commands queued and not yet handled: the loop writes only when it is 0, so nothing it
 * writes overtakes a command queued before. What reaches the loop through {@code callbacks} is sent under the lock, so
 * it arrives in order whichever thread sent it.
 */
final class LogWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    private static final int SCRATCH_BYTES = 1 << 20;
    private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A segment that is whole on disk and no longer written. */
    record ClosedSegment(Path file, long firstIndex, long bytes) {
    }

    private final DataDirectory directory;
    private final LogOptions options;
    /** Unbounded: a node should stop taking updates while many entries wait to be logged (see WriteAheadLog). */
    private final BlockingQueue<LogCommand> commands = new LinkedBlockingQueue<>();
    private final AtomicInteger unhandled = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
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
    /** A failure came and no rewrite or new segment has succeeded since: a retry's failure is no news. */
    private boolean failing;
    private boolean stopped;
    /** The loop is in {@link #writeNow}: a file it distrusts is closed by the writer (a force may be running on it). */
    private boolean loopWriting;
    private volatile boolean dead;
    /** Why the log stopped, once {@code dead}. */
    private IOException deathCause;
    /** The epoch of the segment's first entry, once encoded and until it is forced; -1 otherwise. */
    private long firstEntryEpoch = -1;
    /**
     * A segment's first entry, forced and not yet recorded in {@code node.meta} ({@link #recordForcedEntry}). Only the
     * writer thread forces, so only it sets and takes this: no lock.
     */
    private NodeMeta.Logged forcedEntry;

    LogWriter(DataDirectory directory, LogOptions options, LogListener listener, Executor callbacks,
              List<ClosedSegment> closed, Segment segment) {
        this.directory = directory;
        this.options = options;
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

    /** Queues {@code command} for the writer thread (the loop, one caller). */
    void submit(LogCommand command) {
        unhandled.incrementAndGet();
        commands.add(command);
    }

    /** Takes back {@code command}, queued after this writer died; true if it was still queued. */
    boolean withdraw(LogCommand command) {
        if (commands.remove(command)) {
            unhandled.decrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * Writes {@code entries} now, on the calling thread (the loop), when the mode counts a written entry as logged, the
     * segment is trusted, nothing is queued before them and the writer does not hold the lock. Returns the last entry
     * written to the operating system once it is done (taken under the lock: below the entries' last when the write
     * failed), or {@link #QUEUE}, having done nothing, when the caller must queue them instead; never waits for the
     * writer.
     */
    long writeNow(List<Replicated> entries) {
        if (options.fsync() == FsyncMode.ALWAYS || !lock.tryLock()) {
            return QUEUE;
        }
        try {
            if (unhandled.get() != 0 || stopped || dead || !segment.trusted()) {
                return QUEUE;
            }
            loopWriting = true;
            encode(entries);
            flush();
            if (segment.trusted() && segment.recordsEnd() >= options.maxSegmentBytes()) {
                submit(new LogCommand.Roll()); // the writer forces and closes the full segment; later batches queue
            }
            publish();
            return written;
        } catch (RuntimeException | Error e) {
            stopOnError(e, List.of());
            return written;
        } finally {
            loopWriting = false;
            lock.unlock();
        }
    }

    /** What {@link #writeNow} returns when it wrote nothing: the caller queues the entries. */
    static final long QUEUE = -1;

    @Override
    public void run() {
        ArrayDeque<LogCommand> batch = new ArrayDeque<>(); // what is still in it when handling fails was not handled
        try {
            boolean running = true;
            while (running) {
                LogCommand first = nextCommand();
                lock.lock();
                try {
                    segment.closeDistrusted(); // no force runs now
                    if (first != null) {
                        batch.add(first);
                        commands.drainTo(batch);
                    }
                    if (dead) { // the loop hit an unexpected error while writing: what came after it fails
                        batch.forEach(command -> failLater(command, deathCause));
                        return;
                    }
                    for (LogCommand command = batch.peekFirst(); command != null; command = batch.peekFirst()) {
                        handle(command);
                        batch.pollFirst();
                        unhandled.decrementAndGet();
                    }
                    running = !stopped && !dead;
                    if (running) { // closed: the file is forced and closed, nothing more to do or to mend
                        flush();
                        mendIfDue();
                    } else {
                        publish();
                    }
                } finally {
                    lock.unlock();
                }
                if (running) {
                    forceIfDue(); // and publishes: with always, what is written is reported once forced
                }
                recordForcedEntry();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopOnErrorLocked(e, batch);
        } catch (RuntimeException | Error e) {
            stopOnErrorLocked(e, batch);
        }
    }

    /**
     * Waits for the next command, but no longer than the next force (everysec) or retry is due. When the loop may
     * write batches itself, no longer than a force or retry interval either: the writer does not hear of those.
     */
    private LogCommand nextCommand() throws InterruptedException {
        long waitNanos;
        lock.lock();
        try {
            long now = now();
            long due = Long.MAX_VALUE;
            if (options.fsync() != FsyncMode.ALWAYS) { // at least a millisecond: zero intervals must not spin
                due = now + Math.max(MIN_WAIT_NANOS,
                        Math.min(options.forceInterval().toNanos(), options.retryInterval().toNanos()));
            }
            if (!segment.trusted()) {
                due = Math.min(due, lastAttempt + options.retryInterval().toNanos());
            } else if (options.fsync() == FsyncMode.EVERYSEC && written > forced) {
                due = Math.min(due, lastForce + options.forceInterval().toNanos());
            }
            waitNanos = due == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, due - now);
        } finally {
            lock.unlock();
        }
        if (waitNanos == Long.MAX_VALUE) {
            return commands.take();
        }
        return commands.poll(waitNanos, TimeUnit.NANOSECONDS);
    }

    private void handle(LogCommand command) {
        if (command instanceof LogCommand.Append append) {
            encode(append.entries());
            if (segment.trusted() && segment.recordsEnd() + pending.readableBytes() >= options.maxSegmentBytes()) {
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
            reports.complete(cut.done(), progress());
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
            if (entry.index() == segment.firstIndex()) {
                firstEntryEpoch = entry.epoch();
            }
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

    /** Rewrites a failed segment from memory when the retry interval has passed. */
    private void mendIfDue() {
        if (!segment.trusted() && now() - lastAttempt >= options.retryInterval().toNanos()) {
            mend();
        }
    }

    /**
     * Forces the segment when the mode says it is due, then publishes the progress. The force runs without the lock:
     * the loop may write more meanwhile, and only what was written before the force began counts as forced. A failure
     * the loop hit meanwhile has distrusted the file already; the force's own failure then adds nothing.
     */
    private void forceIfDue() {
        Segment forcing;
        FileChannel channel;
        long target;
        lock.lock();
        try {
            if (!segment.trusted() || written <= forced || !forceDue(now())) {
                publish();
                return;
            }
            forcing = segment;
            channel = segment.channel();
            target = written;
            if (options.fsync() != FsyncMode.ALWAYS) {
                publish(); // what was written counts as logged now, not once the force is over
            }
        } finally {
            lock.unlock();
        }
        IOException failure = null;
        try {
            channel.force(false); // data and the size: fdatasync
        } catch (IOException e) {
            failure = e;
        }
        lock.lock();
        try {
            segment.closeDistrusted(); // the loop distrusted the file during the force: it is over now
            if (segment == forcing && segment.channel() == channel) {
                if (failure == null) {
                    forced = Math.max(forced, target);
                    lastForce = now();
                    noteForced();
                } else {
                    failed("force", failure);
                }
            }
            publish();
        } finally {
            lock.unlock();
        }
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
            noteForced();
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
        noteForced();
        failing = false;
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
        noteForced();
        closed.add(new ClosedSegment(segment.file(), segment.firstIndex(), segment.recordsEnd()));
        closedBytes += segment.recordsEnd();
        startSegment(segment.lastIndex() + 1);
    }

    private void startSegment(long firstIndex) {
        segment = Segment.starting(directory.path(), firstIndex, options);
        firstEntryEpoch = -1;
        try {
            segment.rewrite();
            failing = false;
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
        // The old log goes before the new segment comes: a segment of it that began at nextIndex too has the new one's
        // name, and the new segment's creation forces the directory, which makes the deletions durable with it. Newest
        // first: a crash meanwhile leaves the old log's first segments, whole from its start, whose entries after the
        // snapshot recovery drops as of an older epoch.
        delete(new ClosedSegment(old.file(), old.firstIndex(), 0));
        while (!closed.isEmpty()) {
            delete(closed.remove(closed.size() - 1));
        }
        startSegment(nextIndex);
        written = nextIndex - 1;
        forced = nextIndex - 1;
    }

    private void delete(ClosedSegment gone) {
        try {
            Files.deleteIfExists(gone.file());
        } catch (IOException e) {
            // no entry is lost: recovery starts from the segment that holds the snapshot's next entry and skips older
            // ones; a left-over of a restarted log holds entries of an older epoch than the snapshot's, and recovery
            // drops it or, where it cannot tell, refuses to start naming the file
            LOG.warn("{}: could not delete {}, which a snapshot made obsolete: {}", directory, gone.file(), e.toString());
        }
        closedBytes -= gone.bytes();
    }

    /**
     * Once the segment's first entry is forced, it is due to be recorded in {@code node.meta}: a start whose log ends
     * before it then knows segments are missing (deleted by hand, say), which the segments left cannot show. Once per
     * segment, under the lock.
     */
    private void noteForced() {
        if (firstEntryEpoch >= 0 && forced >= segment.firstIndex()) {
            forcedEntry = new NodeMeta.Logged(segment.firstIndex(), firstEntryEpoch);
            firstEntryEpoch = -1;
        }
    }

    /**
     * Records the forced entry {@link #noteForced} found, on the writer thread: a few milliseconds of the disk once per
     * segment, outside the lock while the log runs (the loop writes on meanwhile), under it as the log closes. One that
     * cannot be recorded only leaves an older one in force.
     */
    private void recordForcedEntry() {
        NodeMeta.Logged entry = forcedEntry;
        if (entry == null) {
            return;
        }
        forcedEntry = null;
        try {
            directory.recordLogged(entry.index(), entry.epoch());
        } catch (IOException e) {
            LOG.warn("{}: could not record in {} that the log holds {} ({}): a start cannot tell whether the"
                    + " segments from {} on are missing", directory, NodeMeta.FILE_NAME, entry, e.toString(),
                    DataFiles.segment(directory.path(), entry.index()).getFileName());
        }
    }

    private void recordEpoch(LogCommand.RecordEpoch record) {
        try {
            directory.recordEpoch(record.epoch(), record.server());
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
        recordForcedEntry(); // before the log counts as closed
        reports.complete(done, last);
    }

    /** The segment's file failed: it is never trusted again, and the loop hears of it. */
    private void failed(String operation, IOException cause) {
        if (loopWriting) {
            segment.distrustLeavingOpen();
        } else {
            segment.distrust();
        }
        lastAttempt = now();
        lastFailure = cause;
        LogFailure failure = new LogFailure(segment.file(), operation, cause, forced);
        if (failing) {
            LOG.debug("{}: {}", directory, failure.describe());
        } else {
            LOG.error("{}: {} (retried every {}; logged again once it writes)", directory, failure.describe(),
                    Durations.text(options.retryInterval()));
        }
        failing = true;
        reports.failed(failure);
    }

    /**
     * Reports the progress, only while the segment's file is trusted: after a failure the listener hears nothing more
     * until the segment is mended, as any report after a failure says the log writes again (what kept entries and
     * cuts change meanwhile is not progress on disk).
     */
    private void publish() {
        if (segment.trusted()) {
            reports.progress(progress());
        }
    }

    private LogProgress progress() {
        return new LogProgress(written, forced, closedBytes + segment.recordsEnd());
    }

    private void stopOnErrorLocked(Throwable error, Collection<LogCommand> unfinished) {
        lock.lock();
        try {
            stopOnError(error, unfinished);
        } finally {
            lock.unlock();
        }
    }

    /**
     * An unexpected error (a bug, an entry too large to frame): the log stops and says so; every waiter fails. Under
     * the lock; the writer thread ends at its next look.
     */
    private void stopOnError(Throwable error, Collection<LogCommand> unfinished) {
        IOException cause = new IOException("the write-ahead log's writer stopped: " + error, error);
        deathCause = cause;
        dead = true;
        stopped = true;
        if (loopWriting) {
            segment.distrustLeavingOpen(); // the writer closes it, once no force runs on it
        } else {
            segment.abandon();
        }
        LOG.error("{}: the write-ahead log's writer stopped; nothing more is logged", directory, error);
        reports.failed(new LogFailure(segment.file(), "write", cause, forced));
        unfinished.forEach(command -> failLater(command, cause));
        for (LogCommand command = commands.poll(); command != null; command = commands.poll()) {
            failLater(command, cause);
        }
    }

    /** Fails the future {@code command} carries on the loop, after what was reported before (not on this thread). */
    private void failLater(LogCommand command, IOException cause) {
        reports.execute(() -> failFuture(command, cause));
    }

    /** Fails the future {@code command} carries, on the calling thread (the loop). */
    static void failFuture(LogCommand command, IOException cause) {
        if (command instanceof LogCommand.Sync sync) {
            sync.done().completeExceptionally(cause);
        } else if (command instanceof LogCommand.Close close) {
            close.done().completeExceptionally(cause);
        } else if (command instanceof LogCommand.RecordEpoch record) {
            record.done().completeExceptionally(cause);
        } else if (command instanceof LogCommand.CutBefore cut) {
            cut.done().completeExceptionally(cause);
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
