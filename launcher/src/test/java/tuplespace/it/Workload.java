package tuplespace.it;

import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicReferenceArray;
import tuplespace.it.Requests.TextPair;

/**
 * Pipelined load from several clients whose every answer is checked as it arrives.
 *
 * <p>Each client owns keys {@code o<client>,<n>} that no one else touches, and keeps a model of them. Because a
 * connection's requests are applied and answered in order (docs/protocol.md), the model predicts every answer exactly:
 * a PUT of a new key must answer "added" ({@code []}), a re-PUT must come back unused, a DELETE must return
 * exactly the pair the model holds, a GET must see the last write. An update applied twice across a failover,
 * a lost acknowledged write, or a reordered answer therefore shows up as a wrong answer.
 *
 * <p>All clients also POST to shared keys {@code s,<j>} (overlapping writes); for them the final value must be
 * the last value its writer saw acknowledged.
 */
final class Workload implements AutoCloseable {

    static final int SHARED_KEYS = 8;
    private static final String INITIAL_SHARED_VALUE = "init,0";

    private final Supplier<JsonConnection> connections;
    private final int window;
    private final List<Worker> workers = new ArrayList<>();
    private final Queue<String> errors = new ConcurrentLinkedQueue<>();
    private final Queue<Long> answerTimes = new ConcurrentLinkedQueue<>();
    private final AtomicLong answered = new AtomicLong();
    private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private volatile boolean stopping;

    Workload(ServiceCluster cluster, int clients, int window, long seed) {
        this(() -> LineClient.connect(cluster.clientSap(), ServiceCluster.REQUEST_TIMEOUT), clients, window, seed);
    }

    /** @param connections opens one client connection to the service (each client and each check has its own) */
    Workload(Supplier<JsonConnection> connections, int clients, int window, long seed) {
        this.connections = connections;
        this.window = window;
        for (int c = 0; c < clients; c++) {
            workers.add(new Worker(c, new Random(seed * 1_000 + c)));
        }
    }

    /** Creates the shared keys, then starts every client. */
    Workload start() {
        try (JsonConnection setup = connections.get()) {
            List<TextPair> shared = new ArrayList<>();
            for (int j = 0; j < SHARED_KEYS; j++) {
                shared.add(new TextPair(sharedKey(j), INITIAL_SHARED_VALUE));
            }
            JsonNode answer = setup.call(Requests.put(0, shared));
            if (!answer.path("pairs").isArray() || answer.path("pairs").size() != 0) {
                throw new AssertionError("creating the shared keys must add them all, got " + answer);
            }
        }
        for (Worker worker : workers) {
            worker.thread.start();
        }
        return this;
    }

    long answered() {
        return answered.get();
    }

    /** Waits until {@code more} further requests were answered (so a fault lands on a busy service). */
    void awaitProgress(long more, Duration timeout) {
        long target = answered() + more;
        eventually(timeout, this::assertNoErrors, () -> {
            if (answered() < target) {
                throw new AssertionError("load made too little progress: " + answered() + " < " + target);
            }
        });
    }

    /** Stops sending and waits until every request sent has its answer (or its timeout). */
    void stop() throws InterruptedException {
        stopping = true;
        for (Worker worker : workers) {
            worker.thread.join(ServiceCluster.REQUEST_TIMEOUT.toMillis() + 5_000);
            if (!worker.inFlight.tryAcquire(window, ServiceCluster.REQUEST_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                errors.add("client " + worker.client + ": requests still unanswered after the load stopped");
            }
        }
    }

    void assertNoErrors() {
        if (!errors.isEmpty()) {
            List<String> first = errors.stream().limit(20).toList();
            throw new AssertionError(errors.size() + " wrong or missing answers, first ones:\n  " + String.join("\n  ", first));
        }
    }

    /**
     * Reads the whole space and checks it against what the clients were told: each client's own keys exactly as
     * its model holds them, each shared key at the last value its writer saw acknowledged, nothing else.
     */
    void verifyFinalState() {
        Map<String, String> space;
        try (JsonConnection reader = connections.get()) {
            space = Requests.answerPairs(reader.call(Requests.get(1, ".*", ".*")));
        }
        List<String> problems = new ArrayList<>();
        Map<String, String> expectedOwn = new TreeMap<>();
        workers.forEach(worker -> expectedOwn.putAll(worker.model));
        for (Map.Entry<String, String> entry : expectedOwn.entrySet()) {
            String found = space.get(entry.getKey());
            if (!entry.getValue().equals(found)) {
                problems.add("key " + entry.getKey() + ": acknowledged value " + entry.getValue() + ", space holds " + found);
            }
        }
        for (int j = 0; j < SHARED_KEYS; j++) {
            String value = space.get(sharedKey(j));
            if (value == null) {
                problems.add("shared key " + sharedKey(j) + " is missing");
            } else if (!value.equals(INITIAL_SHARED_VALUE) && !value.equals(lastAckedSharedValue(value, j))) {
                problems.add("shared key " + sharedKey(j) + " holds " + value + ", but its writer's last acknowledged value was "
                        + lastAckedSharedValue(value, j));
            } else if (value.equals(INITIAL_SHARED_VALUE) && anyAckedShared(j)) {
                problems.add("shared key " + sharedKey(j) + " still holds its initial value though POSTs to it were acknowledged");
            }
        }
        for (String key : space.keySet()) {
            if (!expectedOwn.containsKey(key) && !key.startsWith("s,")) {
                problems.add("key " + key + " = " + space.get(key) + " is in the space but no acknowledged write left it there");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " differences between the space and the acknowledged writes:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
    }

    /** The number of pairs the space must hold when the load has stopped. */
    long expectedSize() {
        return workers.stream().mapToLong(worker -> worker.model.size()).sum() + SHARED_KEYS;
    }

    /**
     * The longest silence in answers after {@code faultNanos}: from the last answer before the fault to the first
     * answer after the longest gap that follows it (within 30 s). This is the failover window clients felt.
     */
    Duration answerGapAfter(long faultNanos) {
        long[] times = answerTimes.stream().mapToLong(Long::longValue).sorted().toArray();
        int first = Arrays.binarySearch(times, faultNanos);
        int start = first >= 0 ? first : Math.max(0, -first - 2);
        long longest = 0;
        for (int i = start; i + 1 < times.length && times[i] < faultNanos + 30_000_000_000L; i++) {
            longest = Math.max(longest, times[i + 1] - times[i]);
        }
        return Duration.ofNanos(longest);
    }

    @Override
    public void close() throws InterruptedException {
        if (!stopping) {
            stop();
        }
    }

    static String sharedKey(int j) {
        return "s," + j;
    }

    private String lastAckedSharedValue(String value, int j) {
        int writer = Integer.parseInt(value.substring(1, value.indexOf(',')));
        return writer < workers.size() ? workers.get(writer).lastAckedShared.get(j) : null;
    }

    private boolean anyAckedShared(int j) {
        return workers.stream().anyMatch(worker -> worker.lastAckedShared.get(j) != null);
    }

    /** One client connection, its thread, its model of its own keys. */
    private final class Worker {
        final int client;
        final Random random;
        final Semaphore inFlight = new Semaphore(window);
        final Map<String, String> model = new TreeMap<>();
        final List<String> absentKeys = new ArrayList<>();
        final AtomicReferenceArray<String> lastAckedShared = new AtomicReferenceArray<>(SHARED_KEYS);
        final Thread thread;
        long nextId = 1;
        long nextKey = 1;

        Worker(int client, Random random) {
            this.client = client;
            this.random = random;
            this.thread = new Thread(this::run, "workload-client-" + client);
            this.thread.setDaemon(true);
        }

        void run() {
            try (JsonConnection connection = connections.get()) {
                while (!stopping) {
                    if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    Step step = nextStep();
                    long sent = System.nanoTime();
                    connection.send(step.request).whenComplete((answer, failure) -> {
                        check(step, answer, failure, sent);
                        inFlight.release();
                    });
                }
                // wait here so that the connection stays open until every answer arrived
                if (inFlight.tryAcquire(window, ServiceCluster.REQUEST_TIMEOUT.toMillis() + 2_000, TimeUnit.MILLISECONDS)) {
                    inFlight.release(window);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                errors.add("client " + client + ": " + e);
            }
        }

        private void check(Step step, JsonNode answer, Throwable failure, long sentNanos) {
            long now = System.nanoTime();
            String client = this.client + " at " + java.time.LocalTime.now().format(CLOCK);
            if (failure != null) {
                errors.add("client " + client + " " + step.request + ": no answer after "
                        + Duration.ofNanos(now - sentNanos).toMillis() + " ms: " + failure);
                return;
            }
            answerTimes.add(now);
            answered.incrementAndGet();
            if (!step.request.get("id").toString().equals(String.valueOf(answer.get("id")))) {
                errors.add("client " + client + " " + step.request + ": answer for another id: " + answer);
            } else if (!"ok".equals(answer.path("status").asText())) {
                errors.add("client " + client + " " + step.request + ": status not ok: " + answer);
            } else if (step.expectedPairs != null && !step.expectedPairs.equals(answer.get("pairs"))) {
                errors.add("client " + client + " " + step.request + ": expected pairs " + step.expectedPairs + ", got " + answer);
            } else if (step.sharedIndex >= 0) {
                lastAckedShared.set(step.sharedIndex, step.sharedValue);
            }
        }

        /** Picks the next operation, predicts its answer from the model, and updates the model. */
        private Step nextStep() {
            long id = nextId++;
            int dice = random.nextInt(100);
            List<String> keys = new ArrayList<>(model.keySet());
            String existing = keys.isEmpty() ? null : keys.get(random.nextInt(keys.size()));
            String value = "v" + id + "," + Integer.toString(random.nextInt(1 << 20), 36);
            if (dice < 30 || existing == null) {
                String key = "o" + client + "," + nextKey++;
                model.put(key, value);
                return new Step(Requests.put(id, List.of(new TextPair(key, value))), Requests.pairs(List.of()), -1, null);
            } else if (dice < 38) {
                TextPair again = new TextPair(existing, value);
                return new Step(Requests.put(id, List.of(again)), Requests.pairs(List.of(again)), -1, null);
            } else if (dice < 55) {
                model.put(existing, value);
                return new Step(Requests.post(id, List.of(new TextPair(existing, value))), Requests.pairs(List.of()), -1, null);
            } else if (dice < 60) {
                TextPair absent = new TextPair("o" + client + ",absent" + id, value);
                return new Step(Requests.post(id, List.of(absent)), Requests.pairs(List.of(absent)), -1, null);
            } else if (dice < 70) {
                TextPair removed = new TextPair(existing, model.remove(existing));
                return new Step(Requests.delete(id, existing, ".*"), Requests.pairs(List.of(removed)), -1, null);
            } else if (dice < 82) {
                TextPair held = new TextPair(existing, model.get(existing));
                return new Step(Requests.get(id, existing, ".*"), Requests.pairs(List.of(held)), -1, null);
            } else {
                int j = random.nextInt(SHARED_KEYS);
                String sharedValue = "c" + client + "," + id;
                return new Step(Requests.post(id, List.of(new TextPair(sharedKey(j), sharedValue))), Requests.pairs(List.of()), j, sharedValue);
            }
        }
    }

    /** A request, the pairs its answer must carry (null: any), and for a shared POST the key index and value. */
    private record Step(ObjectNode request, JsonNode expectedPairs, int sharedIndex, String sharedValue) {
    }
}
