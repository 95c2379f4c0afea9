package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes snapshots on a thread of their own, so that neither the event loop nor the log's writer waits for one (a
 * million pairs take a few hundred milliseconds). Each one, once durable, is recorded in {@code node.meta} as the
 * newest and makes the others obsolete: they are deleted, so one snapshot stays (two while the next is written).
 * Snapshots must be written in the order of the states they hold, each after the one before completed.
 */
public final class SnapshotWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);

    private final DataDirectory directory;
    private final ChannelOpener opener;
    private final Executor callbacks;
    private final ExecutorService thread;

    /** Completes futures on {@code callbacks} (the event loop). */
    public SnapshotWriter(DataDirectory directory, ChannelOpener opener, Executor callbacks) {
        this.directory = directory;
        this.opener = opener;
        this.callbacks = callbacks;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread snapshots = new Thread(task, "snapshot-" + directory.nodeId());
            snapshots.setDaemon(true);
            return snapshots;
        });
    }

    /**
     * Writes {@code content} in the background. The future completes on the callbacks executor with the file's info
     * once it is durable and the older snapshots are gone, or fails with the {@link IOException} that stopped it (then
     * no file is left behind and the older snapshot stays).
     */
    public CompletableFuture<SnapshotInfo> write(SnapshotContent content) {
        CompletableFuture<SnapshotInfo> done = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    SnapshotInfo info = writeNow(content);
                    deliver(() -> done.complete(info));
                } catch (IOException | RuntimeException e) {
                    LOG.error("{}: could not write the snapshot at entry {}: {}", directory, content.index(), e.toString());
                    deliver(() -> done.completeExceptionally(e));
                }
            });
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(new IOException("the snapshot writer of " + directory + " is closed"));
        }
        return done;
    }

    /** Stops taking snapshots; one being written finishes (the thread is a daemon). */
    @Override
    public void close() {
        thread.shutdown();
    }

    private SnapshotInfo writeNow(SnapshotContent content) throws IOException {
        long started = System.nanoTime();
        SnapshotInfo info = SnapshotFile.write(directory.path(), content, opener);
        directory.recordSnapshot(info, content.history(), content.recoveredTo());
        deleteOthers(info);
        LOG.info("{}: snapshot at entry {} written ({} pairs, {} bytes) in {} ms", directory, info.index(), info.pairs(),
                info.bytes(), (System.nanoTime() - started) / 1_000_000);
        return info;
    }

    /** Every other snapshot is older: the node's state only moves on (a backup's resync may even lower the index). */
    private void deleteOthers(SnapshotInfo newest) throws IOException {
        for (DataFiles.Numbered other : DataFiles.snapshots(directory.path())) {
            if (!other.path().equals(newest.file())) {
                Files.deleteIfExists(other.path());
            }
        }
    }

    /** Runs {@code completion} on the loop; once the loop has stopped nobody waits there, so here. */
    private void deliver(Runnable completion) {
        try {
            callbacks.execute(completion);
        } catch (RejectedExecutionException e) {
            completion.run();
        }
    }
}
