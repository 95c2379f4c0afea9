package tuplespace.node.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tuplespace.replication.Replicated;

/**
 * A node directory's log read, checked and decoded on a thread of its own ({@link LogReader#read}) while the caller
 * loads the snapshot it follows: at start-up both take about as long, and a second core does the one beside the
 * other. The caller then applies the decoded entries in order ({@link #applyEach}); the decoder runs at most
 * {@value #QUEUED_BATCHES} batches of {@value #BATCH_ENTRIES} entries ahead, so memory stays bounded however long the
 * log. Nothing on disk changes until the caller has applied every entry: only then are the log's repairs made (a torn
 * tail truncated, the last segment forced, a superseded log deleted), so a start that fails on its snapshot leaves the
 * directory as it found it.
 */
final class LogDecoding implements AutoCloseable {

    private static final int BATCH_ENTRIES = 1024;
    private static final int QUEUED_BATCHES = 64;
    /** Put after the last batch, whether the read ended or failed. */
    private static final List<Replicated> END = List.of();

    private final BlockingQueue<List<Replicated>> batches = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    private final CompletableFuture<LogReader.Replay> read = new CompletableFuture<>();
    private final Thread thread;
    private List<Replicated> batch = new ArrayList<>(BATCH_ENTRIES);
    private volatile boolean closed;

    private LogDecoding(Path directory, long afterIndex, long afterEpoch) {
        this.thread = new Thread(() -> decode(directory, afterIndex, afterEpoch), "log-decoding");
        thread.setDaemon(true);
    }

    /** Starts reading the log of {@code directory} after {@code afterIndex} of {@code afterEpoch} (the snapshot's). */
    static LogDecoding start(Path directory, long afterIndex, long afterEpoch) {
        LogDecoding decoding = new LogDecoding(directory, afterIndex, afterEpoch);
        decoding.thread.start();
        return decoding;
    }

    private void decode(Path directory, long afterIndex, long afterEpoch) {
        try {
            LogReader.Replay replay = LogReader.read(directory, afterIndex, afterEpoch, this::add);
            if (!batch.isEmpty()) {
                put(batch);
            }
            read.complete(replay);
        } catch (IOException | RuntimeException | Error e) {
            read.completeExceptionally(e);
        } finally {
            try {
                put(END);
            } catch (CancellationException e) {
                // closed: nobody takes any more
            }
        }
    }

    private void add(Replicated entry) {
        batch.add(entry);
        if (batch.size() == BATCH_ENTRIES) {
            put(batch);
            batch = new ArrayList<>(BATCH_ENTRIES);
        }
    }

    private void put(List<Replicated> entries) {
        try {
            while (!closed) {
                if (batches.offer(entries, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new CancellationException("the log's decoding was closed");
    }

    /**
     * Hands every entry of the log to {@code apply}, in order, as the decoder delivers them; then makes the log's
     * repairs and returns where it ends.
     *
     * @throws DamagedFileException (or another IOException) as {@link LogReader#replay} would, once the entries before
     *                              the damage are applied
     */
    LogReader.Tail applyEach(Consumer<Replicated> apply) throws IOException {
        try {
            for (List<Replicated> entries = batches.take(); entries != END; entries = batches.take()) {
                entries.forEach(apply);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while replaying the log", e);
        }
        LogReader.Replay replay;
        try {
            replay = read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException failure) {
                throw failure;
            }
            if (e.getCause() instanceof UncheckedIOException failure) {
                throw failure.getCause();
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
        return replay.repair();
    }

    /** Stops the decoder if it still runs (the caller gave up: its snapshot was damaged). */
    @Override
    public void close() {
        closed = true;
        batches.clear();
    }
}
