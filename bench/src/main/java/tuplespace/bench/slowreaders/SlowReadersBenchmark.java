package tuplespace.bench.slowreaders;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.bench.load.LatencySummary;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.TupleSpaceService;
import tuplespace.bench.process.Waits;
import tuplespace.bench.resync.JvmMemory;
import tuplespace.bench.systems.TupleSpaceTarget;
import tuplespace.client.TupleSpaceClient;

/**
 * Slow readers (docs/internals.md "Proxy bounds"): a space of 2,000 pairs, {@code slowReaders} clients that
 * pipeline {@code GET bench,.* .*} (every pair, about 70 KB an answer) as fast as their sockets take it and never
 * read, and one well-behaved client doing exact GETs one at a time meanwhile. Measures the resident sets of the proxy
 * and the primary, the well-behaved client's latency and whether the service failed over. The service's JVMs run
 * with default options: the figure is what the service holds, not what a heap cap allows.
 */
public final class SlowReadersBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(SlowReadersBenchmark.class);
    private static final String SLOW_REQUEST = "GET bench,.* .*";
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(100);

    /**
     * @param safetyRssBytes the run stops early (slow readers closed) when the proxy or the primary passes this, so a
     *     service that does not bound them cannot take the shared machine's memory
     */
    public record Settings(int slowReaders, int pairs, Duration warmUp, Duration duration, long safetyRssBytes) {

        /**
         * The figures: 64 slow readers (the proxy's default client limit) on 2,000 pairs, 3 s of unmeasured
         * exact GETs first, a 4 GiB safety limit (before the fix the primary grew by about 400 MB per slow reader).
         */
        public static Settings of(Duration duration) {
            return new Settings(64, 2_000, Duration.ofSeconds(3), duration, 4L << 30);
        }
    }

    private SlowReadersBenchmark() {
    }

    public static SlowReadersResult run(Path logDirectory, Settings settings) throws IOException, InterruptedException {
        try (ManagedProcesses processes = new ManagedProcesses(logDirectory);
             TupleSpaceService service = TupleSpaceService.start(processes, "slow-readers", "sync", List.of());
             TupleSpaceClient client = TupleSpaceClient.connect(service.clientSap(), TupleSpaceTarget.clientOptions())) {
            JsonNode before = service.primaryStatus();
            long primaryPid = before.path("pid").asLong();
            TupleSpaceTarget.putAll(client, settings.pairs(), 20, 500, 4);
            long answerBytes = answerBytes(service.clientSap());
            WellBehaved warmUp = new WellBehaved(client, settings.pairs());
            warmUp.runFor(settings.warmUp(), () -> false, () -> false);
            long proxyIdle = JvmMemory.residentBytes(service.proxyPid());
            long primaryIdle = JvmMemory.residentBytes(primaryPid);

            List<SlowReader> readers = new CopyOnWriteArrayList<>(); // the sampler closes them when over the limit
            AtomicReference<String> stoppedEarly = new AtomicReference<>();
            WellBehaved measured = new WellBehaved(client, settings.pairs());
            long start = System.nanoTime();
            long proxyPeak;
            long primaryPeak;
            double heldBackSeconds;
            long proxyHeld;
            long primaryHeld;
            try (ResidentPeaks peaks = new ResidentPeaks(SAMPLE_INTERVAL, settings.safetyRssBytes(),
                    () -> stopEarly(readers, stoppedEarly, settings), service.proxyPid(), primaryPid);
                 HeldBackWatch heldBack = new HeldBackWatch(service)) {
                for (int i = 0; i < settings.slowReaders(); i++) {
                    readers.add(new SlowReader(service.clientSap(), SLOW_REQUEST, "slow-reader-" + i));
                }
                measured.runFor(settings.duration(), () -> stoppedEarly.get() != null, heldBack::heldBack);
                proxyPeak = peaks.peak(0);
                primaryPeak = peaks.peak(1);
                heldBackSeconds = heldBack.seconds();
                // what each holds, the slow readers still connected: the heap in use after a full collection
                proxyHeld = liveHeap(service.proxyPid(), stoppedEarly);
                primaryHeld = liveHeap(primaryPid, stoppedEarly);
            } finally {
                closeAll(readers);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long slowReaderBytes = readers.stream().mapToLong(SlowReader::sent).sum();
            long failovers = epoch(service) - before.path("epoch").asLong();
            SlowReadersResult result = new SlowReadersResult(settings.slowReaders(), settings.pairs(), answerBytes,
                    seconds, proxyIdle, primaryIdle, proxyPeak, primaryPeak, proxyHeld, primaryHeld, measured.latency(),
                    measured.errors(),
                    heldBackSeconds, measured.latencyOnceHeldBack(), failovers, slowReaderBytes, stoppedEarly.get());
            LOG.info("slow readers: {} clients, proxy RSS {} → peak {} MiB, primary {} → peak {} MiB, exact GET p50 {} us"
                    + " p99 {} us ({} GETs, {} errors), held back after {} s, then p99 {} us; {} failovers{}",
                    settings.slowReaders(), proxyIdle >> 20, proxyPeak >> 20, primaryIdle >> 20, primaryPeak >> 20,
                    Math.round(measured.latency().p50Micros()), Math.round(measured.latency().p99Micros()),
                    measured.latency().count(), measured.errors(), heldBackSeconds,
                    Math.round(measured.latencyOnceHeldBack().p99Micros()), failovers,
                    stoppedEarly.get() == null ? "" : "; stopped early: " + stoppedEarly.get());
            return result;
        }
    }

    private static void stopEarly(List<SlowReader> readers, AtomicReference<String> why, Settings settings) {
        why.set("a resident set passed the safety limit of " + (settings.safetyRssBytes() >> 20) + " MiB");
        LOG.warn("slow readers: {}; closing them", why.get());
        closeAll(readers);
    }

    private static void closeAll(List<SlowReader> readers) {
        readers.forEach(SlowReader::close);
    }

    /** Bytes of heap {@code pid} uses after a full GC; -1 when it cannot tell (the process is gone, stopped early). */
    private static long liveHeap(long pid, AtomicReference<String> stoppedEarly) {
        if (stoppedEarly.get() != null) {
            return -1;
        }
        try {
            return JvmMemory.heapUsedAfterGc(pid);
        } catch (RuntimeException e) {
            LOG.warn("slow readers: no heap figure for pid {}: {}", pid, e.toString());
            return -1;
        }
    }

    /** The primary's epoch once one is registered (after a failover, the new one's). */
    private static long epoch(TupleSpaceService service) {
        return Waits.until("a registered primary", Duration.ofSeconds(60), Duration.ofMillis(100),
                () -> Optional.of(service.primaryStatus().path("epoch").asLong()));
    }

    /** The size of one slow reader's answer: the request sent once on a socket of its own, read to its end. */
    private static long answerBytes(InetSocketAddress clientSap) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(clientSap, 5_000);
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write((SLOW_REQUEST + "\n").getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            long bytes = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                bytes += line.length() + 1;
                if (line.equals("end")) {
                    return bytes;
                }
            }
            throw new IOException("the service closed the connection before the answer's end");
        }
    }

    /**
     * The well-behaved client: exact GETs of random keys, one at a time, each timed; those sent once the slow readers
     * were held back are also counted apart.
     */
    private static final class WellBehaved {
        private final TupleSpaceClient client;
        private final int pairs;
        private final SplittableRandom random = new SplittableRandom(7);
        private final Histogram nanos = LatencySummary.newNanosHistogram();
        private final Histogram nanosOnceHeldBack = LatencySummary.newNanosHistogram();
        private long errors;

        WellBehaved(TupleSpaceClient client, int pairs) {
            this.client = client;
            this.pairs = pairs;
        }

        void runFor(Duration duration, BooleanSupplier stop, BooleanSupplier heldBack) {
            long until = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < until && !stop.getAsBoolean()) {
                boolean afterHeldBack = heldBack.getAsBoolean();
                long sent = System.nanoTime();
                try {
                    client.get("bench," + random.nextInt(pairs), ".*");
                    long took = Math.max(1_000, System.nanoTime() - sent);
                    nanos.recordValue(took);
                    if (afterHeldBack) {
                        nanosOnceHeldBack.recordValue(took);
                    }
                } catch (RuntimeException e) {
                    if (errors++ == 0) {
                        LOG.warn("slow readers: the well-behaved client's GET failed: {}", e.toString());
                    }
                }
            }
        }

        LatencySummary latency() {
            return LatencySummary.of(nanos);
        }

        LatencySummary latencyOnceHeldBack() {
            return LatencySummary.of(nanosOnceHeldBack);
        }

        long errors() {
            return errors;
        }
    }
}
