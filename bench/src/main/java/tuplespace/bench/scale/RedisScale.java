package tuplespace.bench.scale;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import tuplespace.bench.process.Deadline;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.RedisProcesses;
import tuplespace.bench.resync.JvmMemory;

/**
 * Redis (a master and a replica, no Sentinel: nothing here fails over) holding the same pairs: the full read is
 * {@code KEYS *} then {@code MGET}s of 1,000 keys, all pipelined, timed to the last value decoded by Jedis; its
 * memory and bytes sent; and the same latency probe as tuplespace's (GET, or SET + {@code WAIT 1 0} for the
 * synchronous PUT) while a client reads everything that way in a loop.
 */
public final class RedisScale {

    private static final Logger LOG = LoggerFactory.getLogger(RedisScale.class);
    static final int MGET_KEYS = 1000;

    private final ManagedProcesses processes;
    private final int masterPort;
    private final long masterPid;
    private final long replicaPid;
    private final ScaleSettings settings;
    private final Deadline deadline;
    private final Jedis reader;

    private RedisScale(ManagedProcesses processes, int masterPort, long masterPid, long replicaPid, ScaleSettings settings,
                       Deadline deadline, Jedis reader) {
        this.processes = processes;
        this.masterPort = masterPort;
        this.masterPid = masterPid;
        this.replicaPid = replicaPid;
        this.settings = settings;
        this.deadline = deadline;
        this.reader = reader;
    }

    public static ScaleResult run(Path logs, Path dataRoot, ScaleSettings settings, Deadline deadline) throws IOException {
        settings.requireTimeFor("redis", deadline);
        try (ManagedProcesses processes = new ManagedProcesses(logs)) {
            RedisProcesses.Replicated redis = new RedisProcesses(processes,
                    Files.createDirectories(dataRoot.resolve("scale"))).startReplicated("scale-redis", List.of());
            try (Jedis reader = RedisProcesses.connect(redis.masterPort())) {
                return new RedisScale(processes, redis.masterPort(), redis.master().pid(), redis.replica().pid(), settings,
                        deadline, reader).measure();
            }
        }
    }

    private ScaleResult measure() {
        load();
        fullRead(); // unmeasured, like tuplespace's first: Jedis's decoding paths run cold once
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("master", masterPid);
        pids.put("replica", replicaPid);
        pids.put("client", ProcessHandle.current().pid());
        CpuPerRun cpu = new CpuPerRun(() -> pids);
        List<TimedRead> full = TimedRead.repeat("redis KEYS * + MGET", settings.repetitions(), deadline, () -> cpu.measure(this::fullRead));
        LOG.info("redis CPU seconds per full read: {}", cpu.perRun());
        ScaleResult.Memory memory = memoryDuringFullRead();
        ScaleResult.Probe probe = probeDuringFullReads();
        return new ScaleResult("redis", settings.pairs(), "KEYS * + MGET ×" + MGET_KEYS, TimedRead.millis(full), TimedRead.pairs(full),
                List.of(), List.of(), settings.prefixMatches(), cpu.perRun(), memory, probe, Optional.empty(), -1);
    }

    /** MSETs of 1,000 pairs, pipelined 100 at a time, then WAIT until the replica has them all. */
    private void load() {
        long start = System.nanoTime();
        SplittableRandom values = ScaleKeys.values();
        for (int from = 0; from < settings.pairs(); from += 100 * MGET_KEYS) {
            Pipeline pipeline = reader.pipelined();
            for (int batch = from; batch < Math.min(settings.pairs(), from + 100 * MGET_KEYS); batch += MGET_KEYS) {
                List<String> keysAndValues = new ArrayList<>(2 * MGET_KEYS);
                for (int id = batch; id < Math.min(settings.pairs(), batch + MGET_KEYS); id++) {
                    keysAndValues.add(ScaleKeys.redisKey(id));
                    keysAndValues.add(ScaleKeys.value(values, settings.valueSize()));
                }
                pipeline.mset(keysAndValues.toArray(String[]::new));
            }
            pipeline.sync();
        }
        if (reader.waitReplicas(1, 60_000) < 1 || reader.dbSize() != settings.pairs()) {
            throw new IllegalStateException("expected " + settings.pairs() + " keys on the master and the replica caught up, found "
                    + reader.dbSize() + " keys");
        }
        LOG.info("redis: loaded {} keys in {} ms", settings.pairs(), (System.nanoTime() - start) / 1_000_000);
    }

    private long fullRead() {
        return readAll(reader);
    }

    /** Every key, then every value: KEYS *, then one pipeline of MGETs of 1,000 keys; the values found. */
    static long readAll(Jedis jedis) {
        Set<String> keys = jedis.keys("*");
        Pipeline pipeline = jedis.pipelined();
        List<Response<List<String>>> values = new ArrayList<>(keys.size() / MGET_KEYS + 1);
        List<String> batch = new ArrayList<>(MGET_KEYS);
        for (String key : keys) {
            batch.add(key);
            if (batch.size() == MGET_KEYS) {
                values.add(pipeline.mget(batch.toArray(String[]::new)));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            values.add(pipeline.mget(batch.toArray(String[]::new)));
        }
        pipeline.sync();
        return values.stream().mapToLong(reply -> reply.get().stream().filter(value -> value != null).count()).sum();
    }

    /** The master's resident memory before and during one full read, and the bytes it sent for it. */
    private ScaleResult.Memory memoryDuringFullRead() {
        long residentBefore = JvmMemory.residentBytes(masterPid);
        long sentBefore = netOutputBytes();
        RssSampler resident = RssSampler.start(masterPid);
        fullRead();
        long residentPeak = resident.stop();
        // The INFO reply that read sentBefore is counted too: a few KiB against tens of MiB.
        long sent = netOutputBytes() - sentBefore;
        return ScaleResult.Memory.residentOnly(sent, residentBefore, residentPeak);
    }

    private long netOutputBytes() {
        return Long.parseLong(RedisProcesses.infoField(reader.info("stats"), "total_net_output_bytes")
                .orElseThrow(() -> new IllegalStateException("INFO stats has no total_net_output_bytes")));
    }

    private ScaleResult.Probe probeDuringFullReads() {
        LatencyProbe probe = LatencyProbe.start(settings.probeClients(), settings.probePause(),
                index -> new SmallRequests(RedisProcesses.connect(masterPort), index, settings));
        List<TimedRead> scans = List.of();
        LatencyProbe.Outcome outcome;
        try {
            scans = ScanLoop.run(processes, "redis", new InetSocketAddress("127.0.0.1", masterPort), settings.loopScans(), deadline,
                    probe::startRecording);
        } finally {
            outcome = probe.stop();
        }
        LOG.info("redis probe during {} full reads: {}", scans.size(), outcome);
        // Redis has no GC; its event loop stalls for as long as one KEYS * runs (the probe's max shows it).
        return new ScaleResult.Probe(settings.probeClients(), settings.probePause().toMillis(), TimedRead.millis(scans),
                TimedRead.pairs(scans), outcome.latency(), outcome.errors(), outcome.firstError(), -1, -1,
                Map.of("probe client", outcome.longestOwnGcPauseMillis()));
    }

    /** One probe connection: GET of a loaded key, or SET of a fresh one and WAIT 1 0 in one round trip. */
    private static final class SmallRequests implements LatencyProbe.Client {
        private final Jedis jedis;
        private final int index;
        private final ScaleSettings settings;
        private long sets;

        SmallRequests(Jedis jedis, int index, ScaleSettings settings) {
            this.jedis = jedis;
            this.index = index;
            this.settings = settings;
        }

        @Override
        public void sendOne(SplittableRandom random) {
            if (random.nextBoolean()) {
                if (jedis.get(ScaleKeys.redisKey(random.nextInt(settings.pairs()))) == null) {
                    throw new IllegalStateException("expected a value for a loaded key, found none");
                }
                return;
            }
            Pipeline pipeline = jedis.pipelined();
            pipeline.set("p:" + index + "n" + sets++, ScaleKeys.value(random, settings.valueSize()));
            Response<Long> replicas = pipeline.waitReplicas(1, 0);
            pipeline.sync();
            if (replicas.get() < 1) {
                throw new IllegalStateException("expected WAIT 1 0 to count the replica, found " + replicas.get());
            }
        }

        @Override
        public void close() {
            jedis.close();
        }
    }
}
