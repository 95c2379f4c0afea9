package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The scan thread's lower priority: the nice value Linux keeps per thread, read back from /proc. */
class BackgroundPriorityTest {

    @Test
    void theCallingThreadAloneGetsNiceTen() throws Exception {
        assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "Linux only: no /proc/thread-self here");
        assumeTrue(onPath("renice"), "no renice on the PATH");
        long caller = BackgroundPriority.currentThreadId().orElseThrow();
        int callersNice = BackgroundPriority.nice(caller).orElseThrow();
        assumeTrue(callersNice < BackgroundPriority.NICENESS, "this JVM already runs at nice " + callersNice);
        AtomicLong lowered = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            lowered.set(BackgroundPriority.currentThreadId().orElseThrow());
            BackgroundPriority.lowerCurrentThread();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lowered");
        thread.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> lowered.get() != 0
                    && BackgroundPriority.nice(lowered.get()).equals(Optional.of(BackgroundPriority.NICENESS)));
            assertThat(BackgroundPriority.nice(caller)).as("the other threads keep theirs").contains(callersNice);
        } finally {
            done.countDown();
            thread.join();
        }
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(directory -> !directory.isEmpty() && Files.isExecutable(Path.of(directory, command)));
    }
}
