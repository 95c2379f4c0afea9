package tuplespace.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.bench.process.Deadline;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.TupleSpaceService;
import tuplespace.bench.process.Waits;
import tuplespace.bench.resync.JvmMemory;
import tuplespace.bench.systems.TupleSpaceTarget;
import tuplespace.client.Answer;
import tuplespace.client.ClientOptions;
import tuplespace.client.LineAnswer;
import tuplespace.client.TupleSpaceClient;
import tuplespace.codec.ClientRequests;
import tuplespace.codec.netty.AnswerFrameDecoder;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * tuplespace (proxy, primary, backup; synchronous replication; heartbeats every 100 ms, 10 missed = failed: the
 * node's defaults, which {@link TupleSpaceService} passes explicitly) holding
 * {@link ScaleSettings#pairs()} pairs: full and prefix GETs timed, the primary's memory during a full GET, small
 * requests' latency and failovers while full GETs run back to back, then the prefix DELETE and the backup's digest.
 * The DELETE comes last: everything before reads the whole data set. A failover along the way is counted and the
 * next step waits for a live backup again.
 */
public final class TupleSpaceScale {

    private static final Logger LOG = LoggerFactory.getLogger(TupleSpaceScale.class);
    private static final String GC_LOG = "scale-gc";
    private static final Duration BIG_REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final ManagedProcesses processes;
    private final TupleSpaceService service;
    private final ScaleSettings settings;
    private final Deadline deadline;
    private final TupleSpaceClient reader;

    private TupleSpaceScale(ManagedProcesses processes, TupleSpaceService service, ScaleSettings settings, Deadline deadline,
                            TupleSpaceClient reader) {
        this.processes = processes;
        this.service = service;
        this.settings = settings;
        this.deadline = deadline;
        this.reader = reader;
    }

    public static ScaleResult run(Path logs, List<String> javaOptions, ScaleSettings settings, Deadline deadline) throws IOException {
        settings.requireTimeFor("tuplespace", deadline);
        // Each JVM of the service logs its GC pauses to a file of its own: the primary's peak heap, unattached.
        List<String> options = new ArrayList<>(javaOptions);
        options.add(GcLog.option(logs, GC_LOG));
        try (ManagedProcesses processes = new ManagedProcesses(logs);
             TupleSpaceService service = TupleSpaceService.start(processes, "scale", "sync", options);
             TupleSpaceClient reader = TupleSpaceClient.connect(service.clientSap(), bigAnswers())) {
            return new TupleSpaceScale(processes, service, settings, deadline, reader).measure();
        }
    }

    /**
     * The most a primary sends (256 MiB) instead of the library's default 64 MiB: a million pairs with 20-byte values
     * is 42 MB of JSON, close enough to the default that longer values would not fit. The timeout leaves a slow,
     * shared machine minutes for one answer.
     */
    static ClientOptions bigAnswers() {
        return TupleSpaceTarget.clientOptions().withMaxAnswerLength(AnswerFrameDecoder.DEFAULT_MAX_ANSWER_BYTES)
                .withRequestTimeout(BIG_REQUEST_TIMEOUT);
    }

    private ScaleResult measure() {
        load();
        long epoch = currentPrimary().path("epoch").asLong();
        // Unmeasured: the first big GET of each kind runs the formatting and decoding paths cold in all four JVMs.
        fullRead();
        prefixRead();
        // Each step starts with a live backup and reads the pids again: a failover (a primary's GC pause longer than
        // the heartbeats allow) replaces the primary, and the figures must be the serving one's.
        awaitBackupLive();
        CpuPerRun cpu = new CpuPerRun(this::pids);
        List<TimedRead> full = TimedRead.repeat("tuplespace GET .* .*", settings.repetitions(), deadline, () -> cpu.measure(this::fullRead));
        LOG.info("tuplespace CPU seconds per full GET: {}", cpu.perRun());
        List<TimedRead> prefix = TimedRead.repeat("tuplespace GET " + ScaleKeys.PREFIX_KEYEXP, settings.repetitions(), deadline, this::prefixRead);
        awaitBackupLive();
        ScaleResult.Probe probe = probeDuringFullReads(pids());
        removeProbeWrites();
        // After the probe: the full GC that gives the live heap before the read must not start a failover in it.
        awaitBackupLive();
        ScaleResult.Memory memory = memoryDuringFullRead(pids().get("primary"));
        ScaleResult.Delete delete = prefixDelete();
        long failovers = currentPrimary().path("epoch").asLong() - epoch;
        return new ScaleResult("tuplespace", settings.pairs(), "GET .* .*", TimedRead.millis(full), TimedRead.pairs(full),
                TimedRead.millis(prefix), TimedRead.pairs(prefix), settings.prefixMatches(), cpu.perRun(), memory, probe, Optional.of(delete),
                failovers);
    }

    /** PUTs of 1,000 pairs, 8 in flight (as {@link TupleSpaceTarget#putAll}), then waits until the backup has them all. */
    private void load() {
        long start = System.nanoTime();
        SplittableRandom values = ScaleKeys.values();
        List<CompletableFuture<Answer>> window = new ArrayList<>();
        try (TupleSpaceClient loader = TupleSpaceClient.connect(service.clientSap(), TupleSpaceTarget.clientOptions())) {
            for (int from = 0; from < settings.pairs(); from += 1000) {
                List<Pair> pairs = new ArrayList<>(1000);
                for (int id = from; id < Math.min(settings.pairs(), from + 1000); id++) {
                    pairs.add(new Pair(ScaleKeys.key(id), Tuple.of(ScaleKeys.value(values, settings.valueSize()))));
                }
                window.add(loader.putAsync(pairs));
                if (window.size() >= 8) {
                    requireAllAdded(window.remove(0).join());
                }
            }
            window.forEach(answer -> requireAllAdded(answer.join()));
        }
        JsonNode status = service.awaitBackupLive(Duration.ofSeconds(120));
        if (status.path("size").asLong() != settings.pairs()) {
            throw new IllegalStateException("expected the primary to hold " + settings.pairs() + " pairs, STATUS says " + status.path("size"));
        }
        LOG.info("tuplespace: loaded {} pairs in {} ms", settings.pairs(), (System.nanoTime() - start) / 1_000_000);
    }

    private static void requireAllAdded(Answer answer) {
        if (!answer.pairs().isEmpty()) {
            throw new IllegalStateException("expected every fresh key added, " + answer.pairs().size() + " were not, e.g. " + answer.pairs().get(0));
        }
    }

    private long fullRead() {
        return pairsOf(reader.get(ScaleKeys.ALL, ScaleKeys.ALL), "GET .* .*");
    }

    private long prefixRead() {
        return pairsOf(reader.get(ScaleKeys.PREFIX_KEYEXP, ScaleKeys.ALL), "GET " + ScaleKeys.PREFIX_KEYEXP);
    }

    /** The pairs an answer holds; a warning (a cut-off answer) is logged, and the short count shows in the report. */
    private static long pairsOf(Answer answer, String what) {
        answer.warning().ifPresent(warning -> LOG.warn("{} answered with a warning: {}", what, warning));
        return answer.pairs().size();
    }

    private Map<String, Long> pids() {
        JsonNode primary = currentPrimary();
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("primary", primary.path("pid").asLong());
        pids.put("backup", primary.path("backup").path("pid").asLong());
        pids.put("proxy", service.status().path("proxy").path("pid").asLong());
        pids.put("client", ProcessHandle.current().pid());
        return pids;
    }

    /**
     * The primary's heap and resident memory before and during one full GET, and the answer's size on the wire.
     * Sent as a raw line so the answer comes back as the text received: its length is the bytes the proxy sent (the
     * data is ASCII).
     */
    private ScaleResult.Memory memoryDuringFullRead(long primaryPid) {
        try {
            return measureMemoryDuringFullRead(primaryPid);
        } catch (RuntimeException e) {
            // jcmd cannot attach to a primary that has just been replaced: the other figures still count.
            LOG.warn("the primary's memory during a full GET was not measured: {}", e.toString());
            return ScaleResult.Memory.NOT_MEASURED;
        }
    }

    private ScaleResult.Memory measureMemoryDuringFullRead(long primaryPid) {
        long heapBefore = JvmMemory.heapUsedAfterGc(primaryPid);
        long residentBefore = JvmMemory.residentBytes(primaryPid);
        RssSampler resident = RssSampler.start(primaryPid);
        long from = System.currentTimeMillis();
        LineAnswer answer = reader.sendLine(ClientRequests.get(1, ScaleKeys.ALL, ScaleKeys.ALL));
        long to = System.currentTimeMillis();
        long residentPeak = resident.stop();
        // what the read left in use, garbage included: the peak when no collection ran during it; not counted when a
        // collection ran between the read's end and the sample (or the sample failed)
        long heapAfter = heapInUse(primaryPid);
        long sampled = System.currentTimeMillis();
        List<GcLog.Pause> log = GcLog.read(GcLog.file(processes.logDirectory(), GC_LOG, primaryPid));
        List<GcLog.Pause> pauses = GcLog.between(log, from, to);
        if (!GcLog.between(log, to, sampled).isEmpty()) {
            heapAfter = -1;
        }
        long peak = Math.max(Math.max(heapBefore, heapAfter),
                pauses.stream().mapToLong(GcLog.Pause::usedBeforeBytes).max().orElse(heapBefore));
        long peakAfterGc = pauses.stream().filter(GcLog.Pause::evacuating).mapToLong(GcLog.Pause::usedAfterBytes).max().orElse(-1);
        LOG.info("tuplespace memory during a full GET: answer {} bytes, heap before {} (after full GC), after {} (in use),"
                + " {} pauses: {}", answer.text().length(), heapBefore, heapAfter, pauses.size(), pauses);
        return new ScaleResult.Memory(answer.text().length(), heapBefore, peak, peakAfterGc, pauses.size(), residentBefore, residentPeak);
    }

    /** The heap {@code pid} has in use now, garbage included; -1 when jcmd cannot tell. */
    private static long heapInUse(long pid) {
        try {
            return JvmMemory.heapUsed(pid);
        } catch (IllegalStateException e) {
            LOG.warn("the primary's heap in use after a full GET was not read: {}", e.getMessage());
            return -1;
        }
    }

    /** Small requests on other connections while one client GETs everything {@code loopScans} times back to back. */
    private ScaleResult.Probe probeDuringFullReads(Map<String, Long> pids) {
        JsonNode before = currentPrimary();
        LatencyProbe probe = LatencyProbe.start(settings.probeClients(), settings.probePause(),
                index -> new RawSmallRequests(service.clientSap(), index, settings));
        List<TimedRead> scans = List.of();
        LatencyProbe.Outcome outcome;
        try {
            scans = ScanLoop.run(processes, "tuplespace", service.clientSap(), settings.loopScans(), deadline, probe::startRecording);
        } finally {
            outcome = probe.stop();
        }
        Map<String, Double> longestPauses = longestServerPauses(pids, outcome.fromMillis(), outcome.toMillis());
        longestPauses.put("probe client", outcome.longestOwnGcPauseMillis());
        JsonNode after = currentPrimary();
        long failovers = after.path("epoch").asLong() - before.path("epoch").asLong();
        // A new primary counts its backup's restarts from zero: the difference means something only without failover.
        long restarts = failovers != 0 ? -1 : after.path("backup").path("restarts").asLong() - before.path("backup").path("restarts").asLong();
        LOG.info("tuplespace probe during {} full GETs: {}; {} failovers, {} backup restarts; longest GC pauses {}", scans.size(),
                outcome, failovers, restarts, longestPauses);
        return new ScaleResult.Probe(settings.probeClients(), settings.probePause().toMillis(), TimedRead.millis(scans),
                TimedRead.pairs(scans), outcome.latency(), outcome.errors(), outcome.firstError(), failovers, restarts, longestPauses);
    }

    /** From the service's GC logs: each JVM's longest pause within {@code [from, to]}. */
    private Map<String, Double> longestServerPauses(Map<String, Long> pids, long from, long to) {
        Map<String, Double> longest = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            if (!name.equals("client")) {
                Path log = GcLog.file(processes.logDirectory(), GC_LOG, pid);
                longest.put(name, GcLog.longestMillis(GcLog.between(GcLog.read(log), from, to)));
            }
        });
        return longest;
    }

    /** The probe's PUTs go again, so the memory read and the DELETE see the loaded pairs only, as Redis's do. */
    private void removeProbeWrites() {
        long removed = reader.delete(RawSmallRequests.KEYEXP, ScaleKeys.ALL).pairs().size();
        LOG.info("tuplespace: removed the probe's {} pairs", removed);
    }

    /** The primary's STATUS once its backup has acknowledged everything (a fresh one after a failover: resynced). */
    private JsonNode awaitBackupLive() {
        return service.awaitBackupLive(Duration.ofSeconds(180));
    }

    private JsonNode currentPrimary() {
        return Waits.until("a primary registered with the proxy", Duration.ofSeconds(60), Duration.ofMillis(100),
                () -> Optional.of(service.primaryStatus()));
    }

    /**
     * The prefix DELETE, a GET of the same pattern right after (nothing may be left: it took effect at once), and
     * both digests once the backup acknowledged the primary's index. Only without a failover during it is that
     * backup the one the DELETE was replicated to (after one, it is a fresh copy of the new primary).
     */
    private ScaleResult.Delete prefixDelete() {
        JsonNode before = awaitBackupLive();
        CpuPerRun cpu = new CpuPerRun(this::pids);
        TimedRead deleted = cpu.measure(() -> TimedRead.time(() -> pairsOf(reader.delete(ScaleKeys.PREFIX_KEYEXP, ScaleKeys.ALL), "DELETE")));
        long left = prefixRead();
        JsonNode after = awaitBackupLive();
        ScaleResult.Delete delete = new ScaleResult.Delete(deleted.millis(), deleted.pairs(), settings.prefixMatches(), left,
                before.path("size").asLong(), after.path("size").asLong(), after.path("digest").asLong(),
                after.path("backup").path("digest").asLong(), after.path("epoch").asLong() - before.path("epoch").asLong(), cpu.perRun());
        LOG.info("tuplespace DELETE {}: {}", ScaleKeys.PREFIX_KEYEXP, delete);
        return delete;
    }
}
