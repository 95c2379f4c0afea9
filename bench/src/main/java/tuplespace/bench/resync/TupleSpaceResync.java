package tuplespace.bench.resync;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.TupleSpaceService;
import tuplespace.bench.systems.TupleSpaceTarget;
import tuplespace.client.TupleSpaceClient;

/**
 * Fills a primary with {@code keys} one-field pairs through the proxy, measures its heap after GC per pair, then
 * kills the backup {@code repetitions} times and times each kill → STATUS {@code live} at the primary's index,
 * while a probe GETs one key at a time to catch the longest stall.
 */
public final class TupleSpaceResync {

    private static final Logger LOG = LoggerFactory.getLogger(TupleSpaceResync.class);

    private TupleSpaceResync() {
    }

    public static ResyncResult run(Path logDirectory, List<String> javaOptions, int keys, int repetitions,
                                   tuplespace.bench.process.Deadline deadline) throws IOException {
        try (ManagedProcesses processes = new ManagedProcesses(logDirectory);
             TupleSpaceService service = TupleSpaceService.start(processes, "resync", "sync", javaOptions)) {
            long primaryPid = service.primaryStatus().path("pid").asLong();
            long heapBefore = JvmMemory.heapUsedAfterGc(primaryPid);
            long loadStart = System.nanoTime();
            try (TupleSpaceClient client = TupleSpaceClient.connect(service.clientSap(), TupleSpaceTarget.clientOptions())) {
                TupleSpaceTarget.putAll(client, keys, 20, 1000, 8);
            }
            LOG.info("tuplespace: loaded {} pairs in {} ms", keys, (System.nanoTime() - loadStart) / 1_000_000);
            JsonNode status = service.awaitBackupLive(Duration.ofSeconds(120));
            if (status.path("size").asLong() < keys) {
                throw new IllegalStateException("expected the primary to hold " + keys + " pairs, STATUS says " + status.path("size"));
            }
            long heapAfter = JvmMemory.heapUsedAfterGc(primaryPid);
            long resident = JvmMemory.residentBytes(primaryPid);
            List<Double> millis = new ArrayList<>();
            List<Double> catchUp = new ArrayList<>();
            double stall = 0;
            for (int i = 0; i < repetitions; i++) {
                // Another repetition only if one more (as long as the slowest so far, twice over) fits the budget.
                if (i > 0 && !deadline.allows(Duration.ofMillis(Math.round(2 * millis.stream().mapToDouble(Double::doubleValue).max().orElse(0))))) {
                    LOG.warn("{} resync: {} of {} repetitions, the run's time budget is spent", "tuplespace", i, repetitions);
                    break;
                }
                long backupPid = service.primaryStatus().path("backup").path("pid").asLong();
                Probe probe = Probe.start(service);
                long start = System.nanoTime();
                ManagedProcesses.killNow(backupPid, Duration.ofSeconds(5));
                long syncing = awaitSyncing(service, backupPid);
                service.awaitBackupLive(Duration.ofSeconds(180), backupPid);
                long live = System.nanoTime();
                millis.add((live - start) / 1e6);
                catchUp.add((live - syncing) / 1e6);
                stall = Math.max(stall, probe.stop());
                LOG.info("tuplespace resync {}: {} ms", i + 1, Math.round(millis.get(i)));
            }
            return new ResyncResult("tuplespace", keys, millis, catchUp, stall, (heapAfter - heapBefore) / (double) keys,
                    "primary JVM heap used after full GC (jcmd GC.run; GC.heap_info), after load minus empty", resident);
        }
    }

    /** When a new backup (not {@code oldPid}) first shows as syncing or live: its JVM is up and connected. */
    private static long awaitSyncing(TupleSpaceService service, long oldPid) {
        return tuplespace.bench.process.Waits.until("a new backup to start syncing", Duration.ofSeconds(120), Duration.ofMillis(5), () -> {
            JsonNode backup = service.primaryStatus().path("backup");
            String state = backup.path("state").asText();
            boolean started = backup.path("pid").asLong(oldPid) != oldPid && (state.equals("syncing") || state.equals("live"));
            return started ? java.util.Optional.of(System.nanoTime()) : java.util.Optional.empty();
        });
    }

    /** Sequential exact GETs of key 0; the slowest answer is the longest stall a client saw. */
    private static final class Probe {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong slowestNanos = new AtomicLong();
        private final Thread thread;
        private final TupleSpaceClient client;

        private Probe(TupleSpaceClient client) {
            this.client = client;
            this.thread = new Thread(this::loop, "resync-probe");
            thread.setDaemon(true);
        }

        static Probe start(TupleSpaceService service) {
            Probe probe = new Probe(TupleSpaceClient.connect(service.clientSap(), TupleSpaceTarget.clientOptions()));
            probe.thread.start();
            return probe;
        }

        private void loop() {
            while (!stop.get()) {
                long sent = System.nanoTime();
                try {
                    client.get("bench,0", ".*");
                } catch (RuntimeException e) {
                    LOG.warn("resync probe GET failed: {}", e.toString());
                    return;
                }
                slowestNanos.accumulateAndGet(System.nanoTime() - sent, Math::max);
                tuplespace.bench.process.Waits.sleep(Duration.ofMillis(1));
            }
        }

        /** Stops the probe; the slowest answer in milliseconds. */
        double stop() {
            stop.set(true);
            try {
                thread.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
            return slowestNanos.get() / 1e6;
        }
    }
}
