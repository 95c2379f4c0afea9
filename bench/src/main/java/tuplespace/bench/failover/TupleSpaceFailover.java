package tuplespace.bench.failover;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import tuplespace.bench.process.ManagedProcesses;
import tuplespace.bench.process.TupleSpaceService;
import tuplespace.bench.process.Waits;
import tuplespace.bench.systems.TupleSpaceTarget;
import tuplespace.client.Answer;
import tuplespace.client.TupleSpaceClient;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * tuplespace (proxy, primary, backup) with synchronous replication. One service serves all repetitions: after a
 * kill the new primary starts a new backup, and the next repetition waits until that one is live.
 */
public final class TupleSpaceFailover implements FailoverSystem {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TupleSpaceFailover.class);

    private final ManagedProcesses processes;
    private final List<String> javaOptions;
    private final Set<Long> killedPids = new LinkedHashSet<>();
    private TupleSpaceService service;
    private long hungPid = -1;
    /** How long after a fault the watch for a new backup begins ({@link #watchForProtection}). */
    private static final Duration FIRST_LOOK = Duration.ofMillis(150);
    /** When a new backup was seen live after the last fault ({@link #watchForProtection}). */
    private CompletableFuture<OptionalLong> protectedAgain = CompletableFuture.completedFuture(OptionalLong.empty());

    public TupleSpaceFailover(Path logDirectory, List<String> javaOptions) throws IOException {
        this.processes = new ManagedProcesses(logDirectory);
        this.javaOptions = List.copyOf(javaOptions);
    }

    @Override
    public String name() {
        return "tuplespace";
    }

    @Override
    public void prepare() {
        if (service == null) {
            service = TupleSpaceService.start(processes, "failover", "sync", javaOptions);
        }
        service.awaitBackupLive(Duration.ofSeconds(60), killedPids.stream().mapToLong(Long::longValue).toArray());
    }

    @Override
    public Writer openWriter(int index) {
        TupleSpaceClient client = TupleSpaceClient.connect(service.clientSap(), TupleSpaceTarget.clientOptions());
        return new Writer() {
            @Override
            public void write(String key, String value) {
                Answer answer = client.put(List.of(new Pair(TupleSpaceTarget.key(key), Tuple.of(value))));
                if (!answer.pairs().isEmpty()) {
                    throw new DuplicateEffectException("PUT of fresh key " + key + " answered 'not added': applied twice");
                }
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    @Override
    public long killPrimary() {
        // A false failover during the steady phase (a CPU-starved JVM) would leave a backup still starting: wait.
        JsonNode primary = service.awaitBackupFollowing(Duration.ofSeconds(60));
        long pid = primary.path("pid").asLong();
        killedPids.add(pid);
        long now = System.nanoTime();
        watchForProtection();
        ManagedProcesses.killNow(pid, Duration.ofSeconds(5)); // returns once the process is reaped: seconds, at times
        return now;
    }

    @Override
    public long hangPrimary() {
        JsonNode primary = service.awaitBackupFollowing(Duration.ofSeconds(60));
        long pid = primary.path("pid").asLong();
        killedPids.add(pid);
        hungPid = pid;
        long now = System.nanoTime();
        watchForProtection();
        ManagedProcesses.signal(pid, "STOP");
        return now;
    }

    /**
     * Starts watching the proxy's STATUS, every 10 ms from {@link #FIRST_LOOK} after now (the fault comes next), until a
     * primary that did not fail has a backup live that did not fail either: on a thread of its own, since the bench's
     * own thread waits meanwhile for the killed process to be reaped, which took up to 2 s where re-protection takes
     * 0.3 s. Not sooner: each STATUS is relayed to the new primary, which would pay for it while it sends its first
     * answers (the failover figure); a new backup live within that time counts as live at it.
     */
    private void watchForProtection() {
        long[] failed = killedPids.stream().mapToLong(Long::longValue).toArray();
        protectedAgain = new CompletableFuture<>();
        Thread watcher = new Thread(() -> {
            try {
                Waits.sleep(FIRST_LOOK);
                service.awaitBackupFollowing(PROTECTION_TIMEOUT.minus(FIRST_LOOK), failed);
                protectedAgain.complete(OptionalLong.of(System.nanoTime()));
            } catch (RuntimeException notInTime) {
                LOG.warn("no new backup live within {} s of the fault: {}", PROTECTION_TIMEOUT.toSeconds(),
                        notInTime.getMessage());
                protectedAgain.complete(OptionalLong.empty());
            }
        }, "failover-protection");
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public OptionalLong protectedAgainAt() {
        return protectedAgain.join();
    }

    @Override
    public boolean hungPrimaryGone() {
        return ManagedProcesses.isDead(hungPid);
    }

    /**
     * One prefix GET per writer connection (its keys are {@code <tag>c<i>n<n>}). A GET that ran out of its match
     * budget answers an empty list with a warning (docs/protocol.md "The data") — on a CPU-starved machine that happens
     * — so a warning means "read again", and after three tries every key of that connection is read by an exact GET.
     */
    @Override
    public Map<String, String> readBack(List<String> keys) {
        Map<String, List<String>> keysByPrefix = new java.util.LinkedHashMap<>();
        keys.forEach(key -> keysByPrefix.computeIfAbsent(key.substring(0, key.lastIndexOf('n') + 1), p -> new java.util.ArrayList<>()).add(key));
        Map<String, String> found = new HashMap<>();
        try (TupleSpaceClient client = TupleSpaceClient.connect(service.clientSap(), TupleSpaceTarget.clientOptions())) {
            keysByPrefix.forEach((prefix, prefixKeys) -> found.putAll(readPrefix(client, prefix, prefixKeys)));
        }
        return found;
    }

    private static Map<String, String> readPrefix(TupleSpaceClient client, String prefix, List<String> keys) {
        Map<String, String> found = new HashMap<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            Answer answer = client.get("bench," + prefix + ".*", ".*");
            if (answer.warning().isEmpty()) {
                answer.pairs().forEach(pair -> found.put(pair.key().fields().get(1), pair.value().text()));
                return found;
            }
            LOG.warn("read-back GET of {}* answered with a warning ({}); reading again", prefix, answer.warning().get());
        }
        List<java.util.concurrent.CompletableFuture<Answer>> answers = new java.util.ArrayList<>();
        for (String key : keys) {
            answers.add(client.getAsync(TupleSpaceTarget.key(key).text(), ".*"));
        }
        for (int i = 0; i < keys.size(); i++) {
            Answer answer = answers.get(i).join();
            if (answer.warning().isPresent()) {
                throw new IllegalStateException("exact GET of " + keys.get(i) + " answered with a warning: " + answer.warning().get());
            }
            for (Pair pair : answer.pairs()) {
                found.put(pair.key().fields().get(1), pair.value().text());
            }
        }
        return found;
    }

    /** The service of the last repetition's STATUS, for the report. */
    public JsonNode status() {
        return service.primaryStatus();
    }

    @Override
    public void finishRepetition() {
        // The service serves the next repetition too.
    }

    @Override
    public void close() {
        try {
            if (service != null) {
                service.close();
            }
        } finally {
            processes.close();
        }
    }
}
