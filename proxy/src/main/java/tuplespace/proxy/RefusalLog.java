package tuplespace.proxy;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The WARN lines for clients refused because the proxy serves {@code --max-clients} already: the first, then at most
 * one per {@link #QUIET}, saying how many were refused since the last line. A line per refusal let a flood of
 * connections (about 3,000 a second in a tester's attack) write 17.6 MB of log in 20 s. Shared by the proxy's I/O
 * loops, hence synchronized: refusals are the rare case.
 */
final class RefusalLog {

    /** At most one line in this long. */
    static final Duration QUIET = Duration.ofMinutes(1);

    private final LongSupplier nanoClock;
    private boolean loggedAny;
    private long loggedNanos;
    private long heldBack;

    RefusalLog() {
        this(System::nanoTime);
    }

    RefusalLog(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** A client was refused ({@code line} says how): the line to log now, or empty when it is held back. */
    synchronized Optional<String> refused(String line) {
        long now = nanoClock.getAsLong();
        if (loggedAny && now - loggedNanos < QUIET.toNanos()) {
            heldBack++;
            return Optional.empty();
        }
        String shown = heldBack == 0 ? line
                : line + " (and " + heldBack + " more clients refused so since the last such line)";
        loggedAny = true;
        loggedNanos = now;
        heldBack = 0;
        return Optional.of(shown);
    }
}
