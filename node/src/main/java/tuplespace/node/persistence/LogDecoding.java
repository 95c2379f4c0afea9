package tuplespace.node.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import tuplespace.codec.Utf8Text;
import tuplespace.replication.NetAnswers;
import tuplespace.replication.ReplicationCodec;
import tuplespace.space.NetEffect;

/**
 * A node directory's log read and checked on a thread of its own ({@link LogReader#read}) while the caller loads the
 * snapshot it follows, and summed up as it is read: what each run of {@value #ENTRIES_PER_RUN} entries did to the
 * space comes to a {@link NetEffect}, handed to the caller as soon as the run is read, and what all of them did to
 * the answer table to one {@link NetAnswers}. The caller lays these over the loaded snapshot's space and answers, in
 * order; once its snapshot is loaded, it lays the runs read so far while the rest is read.
 *
 * <p>Why so, on a restart with a million pairs and 100,000 logged updates (docs/performance-history.md):
 * <ul>
 * <li>the log took longer to read than the snapshot to load, and laying its whole net effect over the snapshot only
 * at the end added 50-90 ms;
 * <li>an entry is summed up from its bytes ({@link ReplicationCodec#decodeEntry(ByteBuffer,
 * ReplicationCodec.ChangeSink)}), not made into tuples, a change and an entry first: the record's checksum vouches
 * for its bytes, as a snapshot's checksums do for the pairs it loads, which are not parsed either
 * ({@link NetEffect#write}). That took about 50 ms off the log's thread, the longer of the two, in a cold JVM.
 * </ul>
 * A run is long enough for the space to be walked rather than searched key by key
 * ({@link tuplespace.space.TupleSpace#applyEffect(NetEffect)}) on a space of up to about a million pairs.
 *
 * <p>Memory grows with the runs read and not yet laid: one value per key each run touched, at most about the log's
 * bytes for those pairs, and the log after a snapshot is bounded (docs/internals.md "Disk use"); the answers kept are
 * only those not yet delivered at the log's end. Nothing on disk changes until the caller has used the summary: only
 * then are the log's repairs made ({@link Summary#repair()}: a torn tail truncated, the last segment forced, a
 * superseded log deleted), so a start that fails on its snapshot leaves the directory as it found it.
 */
final class LogDecoding implements AutoCloseable {

    /** The log after the snapshot, its effect on the space aside: see the class comment. */
    record Summary(NetAnswers answers, LogReader.Replay replay) {

        /** Makes the log's repairs; returns where it ends. */
        LogReader.Tail repair() throws IOException {
            return replay.repair();
        }
    }

    /** The entries summed up in one {@link NetEffect} before it is handed over (tests choose fewer). */
    static final int ENTRIES_PER_RUN = 16_384;

    /** Ends {@link #runs}, after the last run's effect; told apart by identity. */
    private static final NetEffect END = new NetEffect();

    private final CompletableFuture<Summary> read = new CompletableFuture<>();
    /** The runs' effects, in log order, then {@link #END}: the decoding thread adds, the caller takes. */
    private final BlockingQueue<NetEffect> runs = new LinkedBlockingQueue<>();
    private final NetAnswers answers = new NetAnswers();
    private final Summing summing = new Summing();
    private final int entriesPerRun;
    /** The decoding thread's: the effect of the run being read, and how many of its entries are read. */
    private NetEffect reading = new NetEffect();
    private int entriesInRun;
    private final Thread thread;
    private volatile boolean closed;

    private LogDecoding(Path directory, long afterIndex, long afterEpoch, int entriesPerRun) {
        this.entriesPerRun = entriesPerRun;
        this.thread = new Thread(() -> decode(directory, afterIndex, afterEpoch), "log-decoding");
        thread.setDaemon(true);
    }

    /** Starts reading the log of {@code directory} after {@code afterIndex} of {@code afterEpoch} (the snapshot's). */
    static LogDecoding start(Path directory, long afterIndex, long afterEpoch) {
        return start(directory, afterIndex, afterEpoch, ENTRIES_PER_RUN);
    }

    /** The same, in runs of {@code entriesPerRun} entries. */
    static LogDecoding start(Path directory, long afterIndex, long afterEpoch, int entriesPerRun) {
        LogDecoding decoding = new LogDecoding(directory, afterIndex, afterEpoch, entriesPerRun);
        decoding.thread.start();
        return decoding;
    }

    private void decode(Path directory, long afterIndex, long afterEpoch) {
        try {
            LogReader.Replay replay = LogReader.read(directory, afterIndex, afterEpoch, this::add);
            if (entriesInRun > 0) {
                runs.add(reading);
            }
            read.complete(new Summary(answers, replay));
        } catch (IOException | RuntimeException | Error e) {
            read.completeExceptionally(e);
        } finally {
            runs.add(END);
        }
    }

    /** One entry's record: summed up as it is read, its tuples and answer left as bytes. */
    private void add(ByteBuffer payload) {
        if (closed) {
            throw new CancellationException("the log's decoding was closed");
        }
        ReplicationCodec.decodeEntry(payload, summing);
        if (++entriesInRun == entriesPerRun) {
            runs.add(reading);
            reading = new NetEffect();
            entriesInRun = 0;
        }
    }

    /** Sums up what each entry holds into the {@link #reading} run's effect and the {@link #answers}. */
    private final class Summing implements ReplicationCodec.ChangeSink {

        @Override
        public void removed(byte[] key) {
            reading.remove(key);
        }

        @Override
        public void written(byte[] key, byte[] value) {
            reading.write(key, value);
        }

        @Override
        public void applied(long conn, long seq, long floor, byte[] answer) {
            answers.applied(conn, seq, floor, Utf8Text.wrap(answer));
        }

        @Override
        public void closed(long conn) {
            answers.closed(conn);
        }
    }

    /**
     * Hands each run's effect on the space to {@code lay}, in log order, on the calling thread, as soon as the run is
     * read, and runs {@code idleWork} there once: the first time no run is ready while the log is still being read,
     * or, if that never happens, once every run is laid. Returns the rest of the summary once the whole log is read.
     * The caller makes the log's repairs ({@link Summary#repair()}) once it has used it. When the log turns out
     * damaged, the runs before the damage have been handed over already: the caller gives up what it laid them over.
     *
     * @throws DamagedFileException (or another IOException) as {@link LogReader#read} would
     */
    Summary await(Consumer<NetEffect> lay, Runnable idleWork) throws IOException {
        try {
            boolean ran = false;
            for (NetEffect run = runs.poll(); run != END; run = ran ? runs.take() : runs.poll()) {
                if (run != null) {
                    lay.accept(run);
                } else {
                    idleWork.run();
                    ran = true;
                }
            }
            if (!ran) {
                idleWork.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the log", e);
        }
        return result(read, "reading the log");
    }

    /**
     * What {@code work}, done on another thread, gave, once done: its IOException, RuntimeException or Error thrown
     * here as it was thrown there ({@code doing} names the work in any other failure).
     */
    static <T> T result(CompletableFuture<T> work, String doing) throws IOException {
        try {
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + doing, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException failure) {
                throw failure;
            }
            if (e.getCause() instanceof UncheckedIOException failure) {
                throw failure.getCause();
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw new IOException(doing + " failed", e.getCause());
        }
    }

    /** Stops the decoder if it still runs (the caller gave up: its snapshot was damaged). */
    @Override
    public void close() {
        closed = true;
    }
}
