package tuplespace.bench.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tuplespace.node.persistence.DataDirectory;
import tuplespace.node.persistence.FsyncMode;
import tuplespace.node.persistence.LogFailure;
import tuplespace.node.persistence.LogListener;
import tuplespace.node.persistence.LogOptions;
import tuplespace.node.persistence.LogProgress;
import tuplespace.node.persistence.WriteAheadLog;

/**
 * What group commit buys on this disk: first the bare cost of one small write and {@code fdatasync} (appending, and
 * over zeros written and forced beforehand: what a segment's reserve saves per force with {@code always}), then how many
 * one-pair updates per second the write-ahead log makes durable when up to {@code window} of them may wait for the
 * disk at once (a node's clients waiting for their
 * answers: 1 is one client at a time, no batching possible), and the same load under {@code everysec} and {@code no}.
 * Not a test and not JMH: figures for the report.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar tuplespace.bench.durability.GroupCommitTimingMain DIR [seconds]
 * </pre>
 *
 * DIR must be on a disk of the kind under test (e.g. ext4), never tmpfs.
 */
public final class GroupCommitTimingMain {

    private GroupCommitTimingMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "bench/target/group-commit");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        Files.createDirectories(root);
        for (boolean preallocated : new boolean[] {false, true}) {
            bareFsync(root.resolve("bare.dat"), 300, preallocated);
        }
        for (int window : new int[] {1, 16, 256, 4096}) {
            run(root.resolve("always-" + window), FsyncMode.ALWAYS, window, seconds);
        }
        run(root.resolve("everysec"), FsyncMode.EVERYSEC, 4096, seconds);
        run(root.resolve("no"), FsyncMode.NO, 4096, seconds);
    }

    /**
     * {@code count} times: write 100 bytes after the last ones, fdatasync; prints the latency percentiles. With
     * {@code preallocated} the bytes go over zeros written and forced beforehand, so the file's size and blocks do not
     * change; else each write appends, as the log does.
     */
    private static void bareFsync(Path file, int count, boolean preallocated) throws IOException {
        long[] nanos = new long[count];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            if (preallocated) {
                channel.write(ByteBuffer.allocate(100 * count), 0);
                channel.force(false);
            }
            for (int i = 0; i < count; i++) {
                long started = System.nanoTime();
                channel.write(ByteBuffer.allocate(100).put(0, (byte) 1), 100L * i);
                channel.force(false);
                nanos[i] = System.nanoTime() - started;
            }
        }
        Files.delete(file);
        Arrays.sort(nanos);
        System.out.printf("bare write+fdatasync of 100 bytes%s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms (%d runs)%n",
                preallocated ? " over preallocated zeros" : ", appending", nanos[count / 2] / 1e6,
                nanos[count * 9 / 10] / 1e6, nanos[count * 99 / 100] / 1e6, count);
    }

    private static void run(Path root, FsyncMode mode, int window, double seconds) throws Exception {
        Progress progress = new Progress(mode);
        try (DataDirectory directory = DataDirectory.open(root, "bench")) {
            WriteAheadLog log = WriteAheadLog.open(directory, 1, LogOptions.of(mode), progress, Runnable::run);
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            long index = 0;
            long started = System.nanoTime();
            while (System.nanoTime() < deadline) {
                progress.awaitBelow(index - window + 1);
                index++;
                log.append(List.of(RecoveryTimingMain.update(index, (int) (index % 100_000))));
            }
            long logged = progress.logged();
            long elapsed = System.nanoTime() - started;
            log.close().get(1, TimeUnit.MINUTES);
            System.out.printf("fsync %-8s window %4d: %8.0f updates/s logged, %6.0f forces/s, %6.1f updates per force%n",
                    mode.optionName(), window, logged / (elapsed / 1e9), progress.forces() / (elapsed / 1e9),
                    progress.forces() == 0 ? 0.0 : logged / (double) progress.forces());
        }
    }

    /** Counts forces (a report whose forced index rose) and lets the appender wait for the log. */
    private static final class Progress implements LogListener {
        private final FsyncMode mode;
        private long logged;
        private long forced;
        private long forces;

        Progress(FsyncMode mode) {
            this.mode = mode;
        }

        @Override
        public synchronized void progress(LogProgress progress) {
            if (progress.forced() > forced) {
                forces++;
                forced = progress.forced();
            }
            logged = mode.logged(progress);
            notifyAll();
        }

        @Override
        public void failed(LogFailure failure) {
            System.err.println(failure.describe());
        }

        /** Waits until everything up to {@code index} is logged (the oldest client of the window has its answer). */
        synchronized void awaitBelow(long index) throws InterruptedException {
            while (logged < index) {
                wait();
            }
        }

        synchronized long logged() {
            return logged;
        }

        synchronized long forces() {
            return forces;
        }
    }
}
