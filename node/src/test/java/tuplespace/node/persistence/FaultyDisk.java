package tuplespace.node.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Opens files as {@link FaultyChannel}s: counts forces, fails the next force or every write until told otherwise, holds
 * a force until the test lets it go. Thread-safe: the log's writer thread uses the channels while the test arms faults.
 */
final class FaultyDisk implements ChannelOpener {

    static final String ENOSPC = "No space left on device";

    private final List<FaultyChannel> opened = new CopyOnWriteArrayList<>();
    private final AtomicInteger forces = new AtomicInteger();
    private volatile IOException nextForceFailure;
    private volatile IOException writeFailure;
    private volatile IOException reserveFailure;
    private final CountDownLatch forceGate = new CountDownLatch(1);
    private final CountDownLatch forceHeld = new CountDownLatch(1);
    private volatile boolean holdArmed;
    private volatile Consumer<Path> onForce = path -> { };

    @Override
    public FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        FaultyChannel channel = new FaultyChannel(FileChannel.open(file, options), this, file);
        opened.add(channel);
        return channel;
    }

    List<FaultyChannel> opened() {
        return opened;
    }

    int forces() {
        return forces.get();
    }

    /** The next force fails with an EIO, and the unforced part of the file is lost (fsyncgate). */
    void failNextForce() {
        nextForceFailure = new IOException("Input/output error");
    }

    /** Every write fails as on a full disk, until {@link #freeSpace()}. */
    void fillUp() {
        writeFailure = new IOException(ENOSPC);
    }

    void freeSpace() {
        writeFailure = null;
        reserveFailure = null;
    }

    /**
     * Every write at a given position (a segment reserving space ahead of its records) fails as on a nearly full disk,
     * until {@link #freeSpace()}; appends at the file's position still succeed.
     */
    void fillUpToLessThanAReserve() {
        reserveFailure = new IOException(ENOSPC);
    }

    /** The next force waits until {@link #releaseForce()}; {@link #awaitForceHeld()} returns once it waits. Once. */
    void holdNextForce() {
        holdArmed = true;
    }

    void awaitForceHeld() throws InterruptedException {
        if (!forceHeld.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("expected the writer to reach a force, found it did not within 10 s");
        }
    }

    void releaseForce() {
        forceGate.countDown();
    }

    /** Runs {@code action} with the path before each force (e.g. to measure the directory at its fullest). */
    void onForce(Consumer<Path> action) {
        onForce = action;
    }

    IOException writeFailure(FaultyChannel channel, boolean positional) {
        return writeFailure != null || !positional ? writeFailure : reserveFailure;
    }

    IOException forceFailure(FaultyChannel channel) throws IOException {
        onForce.accept(channel.path());
        if (holdArmed) {
            holdArmed = false;
            forceHeld.countDown();
            try {
                forceGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while held", e);
            }
        }
        IOException failure = nextForceFailure;
        nextForceFailure = null;
        return failure;
    }

    void forced(FaultyChannel channel) {
        forces.incrementAndGet();
    }
}
