package tuplespace.bench.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import tuplespace.bench.process.Deadline;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.Waits;
import tuplespace.bench.systems.RedisTarget;
import tuplespace.client.TupleSpaceClient;
import tuplespace.node.HugePages;

/**
 * The client that reads everything back to back while the latency probe runs, in a JVM of its own: decoding a
 * million pairs makes garbage, and the collections that follow stopped this JVM's probe threads for up to a second,
 * which the probe would have charged to the server. {@link #main} is that JVM; {@link #run} starts it and waits.
 * It reports through a file: {@code started <epoch ms>} when its first measured read begins, then
 * {@code read <ms> <pairs>} per read.
 *
 * <p>A fresh JVM's first reads run while its JIT compiles the client's decoding: the tuplespace reader's first read
 * took 5.2 s against 1.1-1.7 s warm, and the machine's two cores were so busy meanwhile that the probe's p99 over
 * that first part was twice that of the rest. That measured the reader's start, not the service under full reads, so
 * the reader is warmed first ({@link #WARM_UP_READS} unmeasured reads, for Redis too), as every other part warms each
 * system before it measures.
 */
public final class ScanLoop {

    /** Reads before the measured ones, which the probe does not see. */
    static final int WARM_UP_READS = 2;
    /** The least the caller waits for the reading JVM's start and warm-up reads, whatever is left of the budget. */
    private static final Duration MIN_WARM_UP_WAIT = Duration.ofSeconds(60);
    private static final String STARTED = "started";
    private static final String READ = "read";

    private ScanLoop() {
    }

    /** What the reading JVM did. */
    record Reads(long startedAtMillis, List<TimedRead> reads) {
    }

    /**
     * Starts the reading JVM against {@code system} ({@code tuplespace} or {@code redis}) at {@code sap}, calls
     * {@code onStart} once its first measured read has begun (after its warm-up reads), and returns its measured reads
     * when it has exited.
     */
    static List<TimedRead> run(ManagedProcesses processes, String system, InetSocketAddress sap, int reads, Deadline deadline,
                               Runnable onStart) {
        Path report = processes.logDirectory().resolve("scale-" + system + "-reader.txt");
        Duration budget = deadline.remaining().minusSeconds(30);
        Process reader = processes.start("scale-" + system + "-reader", command(system, sap, reads, Math.max(0, budget.toMillis()), report));
        // Its start and warm-up reads: a cold read of a million pairs took 5 s at load 4, and 3-4 s each at load 15-35.
        Duration warmUp = budget.compareTo(MIN_WARM_UP_WAIT) > 0 ? budget : MIN_WARM_UP_WAIT;
        Waits.until("the reading JVM's warm-up reads and first measured read", warmUp, Duration.ofMillis(5), () -> {
            if (!reader.isAlive()) {
                throw new IllegalStateException("the reading JVM exited with status " + reader.exitValue() + " (see its log)");
            }
            return started(report);
        });
        onStart.run();
        awaitExit(reader, budget.plusSeconds(30));
        return parse(lines(report)).reads();
    }

    private static List<String> command(String system, InetSocketAddress sap, int reads, long budgetMillis, Path report) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx3g"));
        // Each read's decoded answer is fresh heap: faulted in 4 KiB at a time it was a third of this JVM's CPU, taken
        // from the machine the probe and the servers share (both systems' readers alike).
        command.addAll(HugePages.options(List.of()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ScanLoop.class.getName(), system,
                sap.getHostString() + ":" + sap.getPort(), Integer.toString(reads), Long.toString(budgetMillis),
                report.toAbsolutePath().toString()));
        return command;
    }

    private static void awaitExit(Process reader, Duration timeout) {
        try {
            if (!reader.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                ManagedProcesses.killNow(reader.pid(), Duration.ofSeconds(5));
                throw new IllegalStateException("the reading JVM did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the reading JVM", e);
        }
        if (reader.exitValue() != 0) {
            throw new IllegalStateException("the reading JVM exited with status " + reader.exitValue() + " (see its log)");
        }
    }

    private static Optional<Long> started(Path report) {
        return parse(lines(report)).startedAtMillis() > 0 ? Optional.of(1L) : Optional.empty();
    }

    private static List<String> lines(Path report) {
        try {
            return Files.exists(report) ? Files.readAllLines(report) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + report, e);
        }
    }

    /** The report's lines read back; a line being written (no end yet) is ignored. */
    static Reads parse(List<String> lines) {
        long started = -1;
        List<TimedRead> reads = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.trim().split(" ");
            if (words.length == 2 && words[0].equals(STARTED)) {
                started = Long.parseLong(words[1]);
            } else if (words.length == 3 && words[0].equals(READ)) {
                reads.add(new TimedRead(Double.parseDouble(words[1]), Long.parseLong(words[2])));
            }
        }
        return new Reads(started, reads);
    }

    /** {@code system host:port reads budgetMillis reportFile}: reads everything {@code reads} times, within the budget. */
    public static void main(String[] args) throws IOException {
        String system = args[0];
        InetSocketAddress sap = parseSap(args[1]);
        int reads = Integer.parseInt(args[2]);
        Deadline deadline = Deadline.in(Duration.ofMillis(Long.parseLong(args[3])));
        Path report = Path.of(args[4]);
        Files.writeString(report, "");
        if (system.equals("tuplespace")) {
            // The library's shared event loops: this JVM has no other connection that the decoding could stall.
            try (TupleSpaceClient client = TupleSpaceClient.connect(sap, TupleSpaceScale.bigAnswers())) {
                readAll(report, reads, deadline, () -> (long) client.get(ScaleKeys.ALL, ScaleKeys.ALL).pairs().size());
            }
        } else {
            try (Jedis jedis = new Jedis(sap.getHostString(), sap.getPort(), RedisTarget.clientConfig())) {
                readAll(report, reads, deadline, () -> RedisScale.readAll(jedis));
            }
        }
        // Whatever thread a library left behind, the parent waits for this JVM's exit.
        System.exit(0);
    }

    private static void readAll(Path report, int reads, Deadline deadline, Supplier<Long> read) {
        TimedRead.repeat("warm-up read", WARM_UP_READS, deadline, read);
        append(report, STARTED + " " + System.currentTimeMillis());
        for (TimedRead done : TimedRead.repeat("read everything", reads, deadline, read)) {
            append(report, READ + " " + done.millis() + " " + done.pairs());
        }
    }

    private static void append(Path report, String line) {
        try {
            Files.writeString(report, line + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report, e);
        }
    }

    private static InetSocketAddress parseSap(String text) {
        int colon = text.lastIndexOf(':');
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }
}
