package tuplespace.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionFactory;

/**
 * The one real-time wait of the launcher's tests, on Awaitility: polls at once and then every 50 ms until an assertion
 * passes, ignoring what it throws until then; after {@code timeout} it fails with the assertion's last error. A test
 * waits only through these three forms, never with a loop of its own around {@code Thread.sleep}.
 */
public final class Eventually {

    static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private Eventually() {
    }

    /** A check of a probed value: returns when the value is accepted, throws (an assertion error) when not. */
    public interface Check<T> {
        void verify(T value) throws Exception;
    }

    /** Polls {@code assertion} until it passes or {@code timeout} passes (then fails with its last error). */
    public static void eventually(Duration timeout, Runnable assertion) {
        polling(timeout).untilAsserted(assertion::run);
    }

    /**
     * Like {@link #eventually(Duration, Runnable)}, but stops at once when {@code failFast} throws: a check that must
     * hold throughout the wait (no client saw an error, the process is still running).
     */
    public static void eventually(Duration timeout, Runnable failFast, Runnable assertion) {
        polling(timeout).failFast("a check that must hold throughout failed", failFast::run)
                .untilAsserted(assertion::run);
    }

    /** Polls {@code probe} until {@code check} accepts its value, and returns that value. */
    public static <T> T eventually(Duration timeout, Callable<T> probe, Check<T> check) {
        AtomicReference<T> accepted = new AtomicReference<>();
        polling(timeout).untilAsserted(() -> {
            T value = probe.call();
            check.verify(value);
            accepted.set(value);
        });
        return accepted.get();
    }

    private static ConditionFactory polling(Duration timeout) {
        return await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL_INTERVAL).ignoreExceptions();
    }
}
