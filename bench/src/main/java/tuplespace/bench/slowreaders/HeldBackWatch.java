package tuplespace.bench.slowreaders;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import tuplespace.bench.process.TupleSpaceService;

/**
 * Watches the proxy's STATUS for the moment the slow readers are held back: the proxy holds no request of theirs any
 * more ({@code held} at most the well-behaved client's one), twice in a row. From then on TCP stops them and the
 * service does no more work for them; before, the primary computes the answers their bounds let through.
 */
final class HeldBackWatch implements AutoCloseable {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration NOT_BEFORE = Duration.ofSeconds(1);

    private final long startNanos = System.nanoTime();
    private final AtomicLong heldBackNanos = new AtomicLong(-1);
    private final Thread watcher;
    private volatile boolean running = true;

    HeldBackWatch(TupleSpaceService service) {
        watcher = new Thread(() -> {
            int quiet = 0;
            while (running && heldBackNanos.get() < 0) {
                try {
                    long held = service.status().path("proxy").path("held").asLong(Long.MAX_VALUE);
                    quiet = held <= 1 ? quiet + 1 : 0;
                } catch (RuntimeException notNow) {
                    quiet = 0;
                }
                long elapsed = System.nanoTime() - startNanos;
                if (quiet >= 2 && elapsed >= NOT_BEFORE.toNanos()) {
                    heldBackNanos.set(elapsed);
                }
                try {
                    Thread.sleep(INTERVAL.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "held-back-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    boolean heldBack() {
        return heldBackNanos.get() >= 0;
    }

    /** Seconds from the start to when they were held back; -1 if they never were. */
    double seconds() {
        long nanos = heldBackNanos.get();
        return nanos < 0 ? -1 : nanos / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        watcher.join(1_000);
    }
}
