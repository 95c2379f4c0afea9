package tuplespace.it;

import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import tuplespace.it.Requests.TextPair;

/**
 * Writers whose every acknowledged write is recorded, for faults that take the whole service down (kill -9 of every
 * process): then the requests in flight have no answer, and what must survive is exactly what was acknowledged.
 *
 * <p>Each writer owns keys {@code w<writer>,<n>} (another letter than {@code w} for a second set of writers) and sends one request at a time: a PUT of a new key or a POST that
 * changes one of its keys. An {@code ok} answer makes the value the key's acknowledged value, with the time it was
 * acknowledged; a request without an answer (the service died) leaves an uncertain value beside it, which the
 * restarted service may or may not hold. Nothing else writes these keys, so after a restart each key must hold its
 * acknowledged value, or the uncertain one sent after it.
 */
final class AcknowledgedWrites implements AutoCloseable {

    /** The last acknowledged value of a key, when it was acknowledged, and a later write of unknown outcome. */
    record Written(String acknowledged, long acknowledgedAtNanos, String uncertain) {
    }

    private final ServiceCluster cluster;
    private final Map<String, Written> keys = new ConcurrentHashMap<>();
    private final Queue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<LineClient> connections = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    private final String letter;

    AcknowledgedWrites(ServiceCluster cluster) {
        this(cluster, "w");
    }

    /** Writers of keys {@code <letter><writer>,<n>}: apart from those of another set. */
    AcknowledgedWrites(ServiceCluster cluster, String letter) {
        this.cluster = cluster;
        this.letter = letter;
    }

    /** Starts {@code writers} writers, each on its own connection. */
    AcknowledgedWrites start(int writers, long seed) {
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> write(writer, new Random(seed * 100 + writer)), "writer-" + writer);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        return this;
    }

    long acknowledged() {
        return acknowledged.get();
    }

    /** Waits until {@code more} further writes were acknowledged. */
    void awaitAcknowledged(long more, Duration timeout) {
        long target = acknowledged() + more;
        eventually(timeout, () -> {
            if (!errors.isEmpty()) {
                throw new IllegalStateException("a writer failed: " + errors.peek());
            }
        }, () -> {
            if (acknowledged() < target) {
                throw new AssertionError("too few writes acknowledged: " + acknowledged() + " < " + target);
            }
        });
    }

    /**
     * Stops the writers and waits for them. Their connections are closed: a write still waiting for its answer (held
     * by a proxy with no primary, for as long as its --primary-timeout) ends with an outcome unknown, as recorded.
     */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        connections.forEach(LineClient::close);
        for (Thread thread : threads) {
            thread.join(ServiceCluster.REQUEST_TIMEOUT.toMillis() + 5_000);
        }
    }

    /**
     * Reads the whole space and returns every key whose acknowledged write is missing from it (absent, or another value
     * than the acknowledged or the uncertain one), with what it holds; fails on wrong answers the writers saw.
     */
    Map<String, Missing> missingFrom(Map<String, String> space) {
        if (!errors.isEmpty()) {
            throw new AssertionError("writers saw wrong answers: " + errors);
        }
        Map<String, Missing> missing = new java.util.TreeMap<>();
        keys.forEach((key, written) -> {
            String found = space.get(key);
            boolean acknowledgedHeld = written.acknowledged() != null && written.acknowledged().equals(found);
            boolean uncertainHeld = written.uncertain() != null && written.uncertain().equals(found);
            boolean nothingAcknowledged = written.acknowledged() == null && found == null;
            if (!acknowledgedHeld && !uncertainHeld && !nothingAcknowledged) {
                missing.put(key, new Missing(written, found));
            }
        });
        return missing;
    }

    /** What the writers wrote, to compare with the space's keys ({@code w...}). */
    Map<String, Written> keys() {
        return keys;
    }

    /** An acknowledged write not found: what was written, and what the space holds instead (null: nothing). */
    record Missing(Written written, String found) {
    }

    private void write(int writer, Random random) {
        List<String> own = new ArrayList<>();
        try (LineClient connection = LineClient.connect(cluster.clientSap(), ServiceCluster.REQUEST_TIMEOUT)) {
            connections.add(connection);
            for (long id = 1; !stopping; id++) {
                boolean put = own.isEmpty() || random.nextInt(100) < 60;
                String key = put ? letter + writer + "," + id : own.get(random.nextInt(own.size()));
                String value = "v" + id + "," + random.nextInt(1_000_000);
                Written before = keys.getOrDefault(key, new Written(null, 0, null));
                keys.put(key, new Written(before.acknowledged(), before.acknowledgedAtNanos(), value));
                JsonNode request = put ? Requests.put(id, List.of(new TextPair(key, value)))
                        : Requests.post(id, List.of(new TextPair(key, value)));
                JsonNode answer;
                try {
                    answer = connection.call(request);
                } catch (RuntimeException e) {
                    return; // the service went away: this write's outcome is unknown
                }
                if (!"ok".equals(answer.path("status").asText()) || answer.path("pairs").size() != 0) {
                    if (!stopping && !"unavailable".equals(answer.path("status").asText())) {
                        errors.add("writer " + writer + " " + request + ": " + answer);
                    }
                    return;
                }
                keys.put(key, new Written(value, System.nanoTime(), null));
                acknowledged.incrementAndGet();
                if (put) {
                    own.add(key);
                }
            }
        } catch (RuntimeException e) {
            if (!stopping) {
                errors.add("writer " + writer + ": " + e);
            }
        }
    }
}
