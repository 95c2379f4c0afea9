package tuplespace.bench.process;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Polling with a deadline: every wait of the harness is bounded. */
public final class Waits {

    private Waits() {
    }

    /**
     * Polls {@code probe} every {@code interval} until it gives a value or {@code timeout} passes; a probe that
     * throws counts as "not yet".
     *
     * @throws IllegalStateException naming {@code what} and the last failure when the time is up
     */
    public static <T> T until(String what, Duration timeout, Duration interval, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "never satisfied";
        while (true) {
            try {
                Optional<T> value = probe.get();
                if (value.isPresent()) {
                    return value.get();
                }
            } catch (RuntimeException e) {
                lastProblem = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + timeout.toMillis() + " ms for " + what + ": " + lastProblem);
            }
            sleep(interval);
        }
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
