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
 * per kill and as min/median/max the gap "last answer before the kill → first answer after it" and
 * "kill → first answer". Every answer is checked: in order, {@code ok}, no pair reported unused (a PUT
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
            new FailoverTimer().measure(service, kills);
        }
    }

    private void measure(LocalService service, int kills) throws Exception {
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
                // Answers already on their way when the kill landed still arrive after it: the failover is the
                // longest silence that ends after the kill, and the new primary's first answer ends it.
                int end = endOfLongestSilenceAfter(killedAt);
                long firstAfter = answerTimes[end];
                long lastBefore = answerTimes[end - 1];
                gaps.add(new long[] {firstAfter - lastBefore, firstAfter - killedAt});
                System.out.printf("kill %d at %s of pid %d (epoch %d): gap %.1f ms, kill -> first answer %.1f ms"
                                + " (longest gap under steady load before it: %.1f ms)%n", kill, wallClock,
                        before.path("pid").asLong(), before.path("epoch").asLong(), (firstAfter - lastBefore) / 1e6,
                        (firstAfter - killedAt) / 1e6, longestGap(liveAt, lastBefore) / 1e6);
            }
            running = false;
        }
        if (wrongAnswer.get() != null) {
            System.out.println("WRONG ANSWER: " + wrongAnswer.get());
        }
        System.out.printf("%d answers; over %d kills:%n", answered.get(), gaps.size());
        summarize("last answer before kill -> first after", gaps, 0);
        summarize("kill -> first answer after", gaps, 1);
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

    /** The index of the answer that ends the longest silence that ends after {@code killedAt} (and starts before +5 s). */
    private int endOfLongestSilenceAfter(long killedAt) {
        int end = -1;
        long longest = -1;
        for (int i = 1; i < answered.get(); i++) {
            long gap = answerTimes[i] - answerTimes[i - 1];
            if (answerTimes[i] - killedAt > 0 && answerTimes[i - 1] - killedAt < 5_000_000_000L && gap > longest) {
                longest = gap;
                end = i;
            }
        }
        return end;
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
