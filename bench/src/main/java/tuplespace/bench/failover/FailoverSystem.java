package tuplespace.bench.failover;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** A replicated system whose primary the failover benchmark kills. One instance per repetition or reused. */
public interface FailoverSystem extends AutoCloseable {

    String name();

    /** Makes the system ready for a repetition: primary and replica in sync, failure detection armed. */
    void prepare();

    /** A blocking writer connection; it may throw while the system fails over (the writer retries). */
    Writer openWriter(int index);

    /** kill -9 of the acting primary; returns the {@link System#nanoTime()} at which the signal was sent. */
    long killPrimary();

    /**
     * SIGSTOP of the acting primary (a hung process); returns the {@link System#nanoTime()} of the signal. The
     * stopped process is left to the system's own fencing.
     */
    long hangPrimary();

    /** How long after a fault a new replica may take before it counts as never made. */
    Duration PROTECTION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * After {@link #killPrimary()} or {@link #hangPrimary()}: the {@link System#nanoTime()} at which the system was
     * first seen keeping a second copy of every update again by itself (a new replica live beside the new primary),
     * waiting for that up to {@link #PROTECTION_TIMEOUT} after the fault; empty where the system makes no new replica
     * by itself, or made none in that time.
     */
    default OptionalLong protectedAgainAt() {
        return OptionalLong.empty();
    }

    /** After a {@link #hangPrimary()}: whether the hung process is gone now (fenced by the system). */
    boolean hungPrimaryGone();

    /** Reads the current values of {@code keys} (as written by the writers) from the new primary. */
    Map<String, String> readBack(List<String> keys);

    /** Stops what {@link #prepare()} started that must not outlive the repetition. */
    void finishRepetition();

    @Override
    void close();

    interface Writer extends AutoCloseable {
        /**
         * Writes {@code key → value}, returning when acknowledged.
         *
         * @throws RuntimeException when the system answered with an error or could not be reached
         * @throws DuplicateEffectException when the answer shows the write was applied twice
         */
        void write(String key, String value);

        @Override
        void close();
    }

    /** The answer said a fresh key was already present: a retried write was applied twice. */
    final class DuplicateEffectException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DuplicateEffectException(String message) {
            super(message);
        }
    }
}
