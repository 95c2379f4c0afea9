package tuplespace.node.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import tuplespace.replication.Change;
import tuplespace.replication.NetAnswers;
import tuplespace.replication.Replicated;
import tuplespace.space.NetEffect;

/**
 * A node directory's log read, checked and decoded on a thread of its own ({@link LogReader#read}) while the caller
 * loads the snapshot it follows, and summed up as it is read: what its entries did to the space comes to a
 * {@link NetEffect}, and what they did to the answer table to a {@link NetAnswers}, which the caller lays over the
 * loaded snapshot's space and answers. Memory grows with the keys the log changed (one value per key, about as much as
 * the log's bytes for those pairs), and the log after a snapshot is bounded (docs/internals.md "Disk use"); the answers
 * kept are only those not yet delivered at the log's end. Nothing on disk
 * changes until the caller has used the summary: only then are the log's repairs made ({@link Summary#repair()}: a torn
 * tail truncated, the last segment forced, a superseded log deleted), so a start that fails on its snapshot leaves the
 * directory as it found it.
 */
final class LogDecoding implements AutoCloseable {

    /** The log after the snapshot, summed up: see the class comment. */
    record Summary(NetEffect effect, NetAnswers answers, LogReader.Replay replay) {

        /** Makes the log's repairs; returns where it ends. */
        LogReader.Tail repair() throws IOException {
            return replay.repair();
        }
    }

    private final CompletableFuture<Summary> read = new CompletableFuture<>();
    private final NetEffect effect = new NetEffect();
    private final NetAnswers answers = new NetAnswers();
    private final Thread thread;
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
            read.complete(new Summary(effect, answers, replay));
        } catch (IOException | RuntimeException | Error e) {
            read.completeExceptionally(e);
        }
    }

    private void add(Replicated entry) {
        if (closed) {
            throw new CancellationException("the log's decoding was closed");
        }
        Change change = entry.change();
        if (change instanceof Change.Applied applied) {
            effect.add(applied.effect());
        }
        answers.apply(change);
    }

    /**
     * The whole log summed up, once read; the caller makes its repairs ({@link Summary#repair()}) once it has used it.
     *
     * @throws DamagedFileException (or another IOException) as {@link LogReader#replay} would
     */
    Summary await() throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the log", e);
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
            throw new IOException("reading the log failed", e.getCause());
        }
    }

    /** Stops the decoder if it still runs (the caller gave up: its snapshot was damaged). */
    @Override
    public void close() {
        closed = true;
    }
}
