package tuplespace.bench.durability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tuplespace.codec.Utf8Text;
import tuplespace.node.persistence.ChannelOpener;
import tuplespace.node.persistence.DataDirectory;
import tuplespace.node.persistence.FsyncMode;
import tuplespace.node.persistence.LoadedSnapshot;
import tuplespace.node.persistence.LogFailure;
import tuplespace.node.persistence.LogListener;
import tuplespace.node.persistence.LogOptions;
import tuplespace.node.persistence.LogProgress;
import tuplespace.node.persistence.Recovered;
import tuplespace.node.persistence.Recovery;
import tuplespace.node.persistence.SnapshotContent;
import tuplespace.node.persistence.SnapshotFile;
import tuplespace.node.persistence.SnapshotInfo;
import tuplespace.node.persistence.WriteAheadLog;
import tuplespace.pattern.MatchBudget;
import tuplespace.replication.Change;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.Command;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * How long a node takes to recover its state from its data directory: a snapshot of {@code pairs} pairs
 * ({@code bench,<i>} to a 20-character value, the bench harness's pairs) and a log of {@code entries} one-pair updates
 * after it. Not a test and not JMH: a figure for the report, in a fresh JVM as a restarted node would have.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar tuplespace.bench.durability.RecoveryTimingMain prepare DIR [pairs] [entries]
 *   java -cp bench/target/benchmarks.jar tuplespace.bench.durability.RecoveryTimingMain recover|snapshot DIR [rounds]
 * </pre>
 *
 * DIR must be on a disk of the kind under test (e.g. ext4), never tmpfs.
 */
public final class RecoveryTimingMain {

    private static final String NODE = "bench";
    private static final int PUT_BATCH = 10_000;
    private static final Utf8Text UPDATE_ANSWER = Utf8Text.of("ok 0 pairs not updated\nend\n");

    private RecoveryTimingMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: RecoveryTimingMain prepare DIR [pairs] [entries] | recover|snapshot DIR [rounds]");
            System.exit(2);
        }
        Path root = Path.of(args[1]);
        if (args[0].equals("prepare")) {
            prepare(root, args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000,
                    args.length > 3 ? Integer.parseInt(args[3]) : 100_000);
        } else {
            recover(root, args.length > 2 ? Integer.parseInt(args[2]) : 1, args[0].equals("snapshot"));
        }
    }

    /** Writes {@code root/node-bench}: a snapshot of {@code pairs} pairs, then {@code entries} one-pair updates logged. */
    static void prepare(Path root, int pairs, int entries) throws IOException {
        deleteRecursively(root);
        ReplicatedState state = new ReplicatedState(filled(pairs));
        try (DataDirectory directory = DataDirectory.open(root, NODE)) {
            long started = System.nanoTime();
            SnapshotInfo snapshot = SnapshotFile.write(directory.path(), SnapshotContent.take(state, 1, 1),
                    ChannelOpener.DEFAULT);
            directory.recordSnapshot(snapshot, 0);
            System.out.printf("snapshot: %d pairs, %.1f MiB, written and forced in %d ms%n", snapshot.pairs(),
                    snapshot.bytes() / 1048576.0, millisSince(started));
            WriteAheadLog log = WriteAheadLog.open(directory, 2, LogOptions.of(FsyncMode.NO), new Quiet(), Runnable::run);
            started = System.nanoTime();
            List<Replicated> batch = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                batch.add(update(2 + i, i % pairs));
                if (batch.size() == 1000 || i == entries - 1) {
                    batch.forEach(entry -> state.apply(entry.change()));
                    log.append(batch);
                    batch = new ArrayList<>();
                }
            }
            LogProgress progress = log.close().orTimeout(5, TimeUnit.MINUTES).join();
            System.out.printf("log: %d entries after it, %.1f MiB, written in %d ms; digest %d%n", entries,
                    progress.logBytes() / 1048576.0, millisSince(started), state.space().digest());
        }
    }

    /**
     * Recovers the directory (snapshot and log) {@code rounds} times in this JVM, or only reads its snapshot when
     * {@code snapshotOnly}: the first round is what a restarted node sees (cold code), later ones what the work costs.
     */
    private static void recover(Path root, int rounds, boolean snapshotOnly) throws IOException {
        try (DataDirectory directory = DataDirectory.open(root, NODE)) {
            for (int round = 1; round <= rounds; round++) {
                long started = System.nanoTime();
                long cpu = cpuNanos();
                if (snapshotOnly) {
                    LoadedSnapshot snapshot = SnapshotFile.read(SnapshotFile.newest(directory.path()).orElseThrow().file());
                    System.out.printf("round %d: snapshot alone: %d pairs loaded and checked in %d ms (%d ms of CPU)%n",
                            round, snapshot.space().size(), millisSince(started), (cpuNanos() - cpu) / 1_000_000);
                    continue;
                }
                Recovered recovered = Recovery.recover(directory);
                System.out.printf("round %d: recovered %d pairs, up to entry %d (%d after the snapshot) in %d ms (%d ms of "
                                + "CPU); digest %d%n", round, recovered.state().space().size(), recovered.lastIndex(),
                        recovered.lastIndex() - recovered.snapshot().map(SnapshotInfo::index).orElse(0L),
                        millisSince(started), (cpuNanos() - cpu) / 1_000_000, recovered.state().space().digest());
            }
        }
    }

    /** The main thread's CPU time: on a shared machine, what the wall time would be with a core to itself. */
    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** The space the bench harness fills: {@code bench,<i>} to {@code v<19 digits>}, put {@value #PUT_BATCH} at a time. */
    private static TupleSpace filled(int pairs) {
        TupleSpace space = new TupleSpace();
        List<Optional<Pair>> batch = new ArrayList<>(PUT_BATCH);
        for (int i = 0; i < pairs; i++) {
            batch.add(Optional.of(new Pair(Tuple.of("bench", Integer.toString(i)), Tuple.of(String.format("v%019d", i)))));
            if (batch.size() == PUT_BATCH || i == pairs - 1) {
                space.apply(new Command.Put(batch), MatchBudget.unlimited());
                batch.clear();
            }
        }
        return space;
    }

    /** A POST of one present key to a new value, as the primary logs it. */
    static Replicated update(long index, int key) {
        Pair pair = new Pair(Tuple.of("bench", Integer.toString(key)), Tuple.of(String.format("u%019d", index)));
        return new Replicated(1, index, new Change.Applied(1, index, index - 1, new Effect(List.of(), List.of(pair)),
                UPDATE_ANSWER));
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    /** The bench looks at the log's results through its futures only. */
    static final class Quiet implements LogListener {
        @Override
        public void progress(LogProgress progress) {
        }

        @Override
        public void failed(LogFailure failure) {
            System.err.println(failure.describe());
        }
    }
}
