package tuplespace.node;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures failover as a client sees it (targets.md: first answer from the new primary, p50 ≤ 0.3 s). Not a
 * test: a main that runs a proxy and a primary (which starts its backup) as processes, keeps one pipelined
 * writer going, kills the acting primary with SIGKILL {@code KILLS} times once its backup is live, and prints
 * per kill and as min/median/max "kill → first answer of the new primary" (the first answer after the proxy
 * logged the new primary's registration) and the longest silence in the 5 s after the kill (which also counts
 * the new backup's start). Every answer is checked: in order, {@code ok}, no pair reported unused (a PUT
 * applied twice would report its pair unused).
 *
 * <p>Run (after {@code ./mvnw -pl node -am install -DskipTests} and {@code test-compile}):
 * {@code java -cp node/target/test-classes:node/target/classes:<test class path> tuplespace.node.FailoverTimer
 * [KILLS] [LOG_FILE]}; the processes' logs go to LOG_FILE (default {@code failover-timer.log}).
 */
public final class FailoverTimer {

    private static final int WINDOW = 32;
    private static final Duration STEADY_LOAD = Duration.ofSeconds(3);

    private final long[] answerTimes = new long[20_000_000];
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicReference<String> wrongAnswer = new AtomicReference<>();
    private volatile boolean running = true;

    private FailoverTimer() {
    }

    public static void main(String[] args) throws Exception {
        int kills = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path log = Path.of(args.length > 1 ? args[1] : "failover-timer.log");
        Path directory = Files.createTempDirectory("failover-timer");
        try (LocalService service = new LocalService(directory, ProcessBuilder.Redirect.appendTo(log.toFile()))) {
            new FailoverTimer().measure(service, kills, log);
        }
    }

    private void measure(LocalService service, int kills, Path log) throws Exception {
        service.startProxy();
        service.startPrimary("null");
        service.eventually(Duration.ofSeconds(60), LocalService::backupLive);
        List<long[]> gaps = new ArrayList<>();
        try (Socket client = LocalService.connect(service.clientPort)) {
            Semaphore window = new Semaphore(WINDOW);
            OutputStream out = client.getOutputStream();
            Thread writer = daemon("writer", () -> write(out, window));
            Thread reader = daemon("reader", () -> read(client, window));
            writer.start();
            reader.start();
            for (int kill = 1; kill <= kills && wrongAnswer.get() == null; kill++) {
                JsonNode before = service.eventually(Duration.ofSeconds(60), LocalService::backupLive);
                long liveAt = System.nanoTime();
                Thread.sleep(STEADY_LOAD.toMillis());
                long killedAt = System.nanoTime();
                LocalTime wallClock = LocalTime.now();
                LocalService.kill9(before.path("pid").asLong());
                service.eventually(Duration.ofSeconds(60), status -> status.path("pid").asLong() != before.path("pid").asLong());
                awaitAnswersAfter(killedAt + Duration.ofSeconds(2).toNanos(), Duration.ofSeconds(60));
                // Answers already on their way when the kill landed still arrive after it, from a process still
                // being torn down: the new primary's first answer is the first one after the proxy logged its
                // registration. The longest silence in the 5 s after the kill also counts what follows (the new
                // backup's start), as a client sees it.
                LocalTime registered = registrationTime(log, before.path("epoch").asLong() + 1);
                long firstAfter = firstAnswerAfter(killedAt + Duration.between(wallClock, registered).toNanos());
                long longestAfter = longestGap(killedAt, killedAt + Duration.ofSeconds(5).toNanos());
                gaps.add(new long[] {firstAfter - killedAt, longestAfter});
                System.out.printf("kill %d at %s of pid %d (epoch %d): kill -> first answer of the new primary %.1f ms,"
                                + " longest silence in the 5 s after the kill %.1f ms (longest under steady load before"
                                + " the kill %.1f ms)%n", kill, wallClock, before.path("pid").asLong(),
                        before.path("epoch").asLong(), (firstAfter - killedAt) / 1e6, longestAfter / 1e6,
                        longestGap(liveAt, killedAt) / 1e6);
            }
            running = false;
        }
        if (wrongAnswer.get() != null) {
            System.out.println("WRONG ANSWER: " + wrongAnswer.get());
        }
        System.out.printf("%d answers; over %d kills:%n", answered.get(), gaps.size());
        summarize("kill -> first answer of the new primary", gaps, 0);
        summarize("longest silence in the 5 s after the kill", gaps, 1);
    }

    private void write(OutputStream out, Semaphore window) {
        try {
            long id = 0;
            while (running) {
                if (window.tryAcquire(1, TimeUnit.SECONDS)) {
                    out.write(("{\"id\":" + id + ",\"op\":\"PUT\",\"pairs\":[[[\"k\",\"" + id + "\"],[\"v\"]]]}\n")
                            .getBytes(StandardCharsets.UTF_8));
                    id++;
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            if (running) {
                wrongAnswer.compareAndSet(null, "writer failed: " + e);
            }
        }
    }

    private void read(Socket client, Semaphore window) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            for (int expected = 0; running; expected++) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("the proxy closed the connection");
                }
                long now = System.nanoTime();
                JsonNode answer = LocalService.JSON.readTree(line);
                if (answer.path("id").asInt() != expected || !answer.path("status").asText().equals("ok")
                        || answer.path("pairs").size() != 0) {
                    wrongAnswer.compareAndSet(null, "request " + expected + " answered " + line);
                }
                answerTimes[expected] = now;
                answered.set(expected + 1);
                window.release();
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                wrongAnswer.compareAndSet(null, "reader failed: " + e);
            }
        }
    }

    private void awaitAnswersAfter(long nanos, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (answered.get() == 0 || answerTimes[answered.get() - 1] - nanos < 0) {
            if (System.nanoTime() - deadline > 0 || wrongAnswer.get() != null) {
                throw new IllegalStateException("answers stopped: " + wrongAnswer.get());
            }
            Thread.sleep(10);
        }
    }

    private long firstAnswerAfter(long nanos) {
        for (int i = 0; i < answered.get(); i++) {
            if (answerTimes[i] - nanos > 0) {
                return answerTimes[i];
            }
        }
        throw new IllegalStateException("no answer after the new primary registered");
    }

    /** When the proxy logged that the primary of {@code epoch} registered (logback's HH:mm:ss.SSS). */
    private static LocalTime registrationTime(Path log, long epoch) throws IOException {
        String mark = "primary_registered: primary(epoch " + epoch + ",";
        try (java.util.stream.Stream<String> lines = Files.lines(log)) {
            return lines.filter(line -> line.contains(mark)).reduce((first, last) -> last)
                    .map(line -> LocalTime.parse(line.substring(0, 12)))
                    .orElseThrow(() -> new IllegalStateException("the proxy did not log " + mark + " in " + log));
        }
    }

    /** The longest silence between answers given from {@code fromNanos} to {@code toNanos}. */
    private long longestGap(long fromNanos, long toNanos) {
        long longest = 0;
        long previous = fromNanos;
        for (int i = 0; i < answered.get(); i++) {
            long time = answerTimes[i];
            if (time - fromNanos > 0 && time - toNanos <= 0) {
                longest = Math.max(longest, time - previous);
                previous = time;
            }
        }
        return longest;
    }

    private static void summarize(String what, List<long[]> gaps, int column) {
        if (gaps.isEmpty()) {
            return;
        }
        long[] values = gaps.stream().mapToLong(gap -> gap[column]).sorted().toArray();
        System.out.printf("%s: min %.1f ms, median %.1f ms, max %.1f ms  %s%n", what, values[0] / 1e6,
                values[values.length / 2] / 1e6, values[values.length - 1] / 1e6,
                Arrays.toString(Arrays.stream(values).map(v -> v / 1_000_000).toArray()));
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
