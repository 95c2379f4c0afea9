package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The scan thread's lower priority: the nice value Linux keeps per thread, read back from /proc. */
class BackgroundPriorityTest {

    @Test
    void theCallingThreadAloneGetsNiceTen() throws Exception {
        assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "Linux only: no /proc/thread-self here");
        long caller = BackgroundPriority.currentThreadId().orElseThrow();
        long callersNice = nice(caller);
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
            await().atMost(Duration.ofSeconds(10)).until(() -> lowered.get() != 0 && nice(lowered.get()) == BackgroundPriority.NICENESS);
            assertThat(nice(caller)).as("the other threads keep theirs").isEqualTo(callersNice);
        } finally {
            done.countDown();
            thread.join();
        }
    }

    /** Field 19 of /proc/self/task/TID/stat, counted after the command name's closing parenthesis (field 2). */
    private static long nice(long threadId) throws Exception {
        String stat = Files.readString(Path.of("/proc/self/task/" + threadId + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[19 - 3]);
    }
}
