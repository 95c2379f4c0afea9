package tuplespace.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator about an {@link OperatorEvent}: one log line at WARN or ERROR with the stable name,
 * and, with {@code --notify COMMAND}, {@code sh -c COMMAND} with the event in its environment (README "Running it").
 *
 * <p>The command runs on a thread of its own, never on the node's event loop, and is killed after
 * {@link #COMMAND_TIME_LIMIT}: a slow or hanging script never delays serving.
 */
public final class Notifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    static final Duration COMMAND_TIME_LIMIT = Duration.ofSeconds(10);
    private static final int MAX_QUEUED = 64;

    private final Optional<String> command;
    private final Supplier<String> role;
    private final Supplier<Long> epoch;
    private final ExecutorService runner;

    /**
     * @param command the {@code --notify} command, if any
     * @param role    the node's current role word, read on the calling thread when an event happens
     * @param epoch   the node's current epoch, read likewise
     */
    public Notifier(Optional<String> command, Supplier<String> role, Supplier<Long> epoch) {
        this.command = command;
        this.role = role;
        this.epoch = epoch;
        // One daemon thread, a bounded queue; when full, the oldest pending notification is dropped
        // rather than blocking the node (the log line is always written).
        this.runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(MAX_QUEUED),
                runnable -> {
                    Thread thread = new Thread(runnable, "notify");
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.DiscardOldestPolicy());
    }

    /** Logs the event and starts the notify command, if any. Never blocks, never throws. */
    public void notify(OperatorEvent event, String detail) {
        String roleWord = role.get();
        long epochNumber = epoch.get();
        if (event.severity() == OperatorEvent.Severity.ERROR) {
            LOG.error("{} epoch {} event {}: {}", roleWord, epochNumber, event.wireName(), detail);
        } else {
            LOG.warn("{} epoch {} event {}: {}", roleWord, epochNumber, event.wireName(), detail);
        }
        if (command.isEmpty()) {
            return;
        }
        Map<String, String> environment = Map.of(
                "TUPLESPACE_EVENT", event.wireName(),
                "TUPLESPACE_ROLE", roleWord,
                "TUPLESPACE_EPOCH", Long.toString(epochNumber),
                "TUPLESPACE_DETAIL", detail);
        runner.execute(() -> run(command.get(), environment));
    }

    private static void run(String command, Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(List.of("sh", "-c", command))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIME_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                LOG.warn("notify command '{}' ran longer than {}; killed it", command, COMMAND_TIME_LIMIT);
            } else if (process.exitValue() != 0) {
                LOG.warn("notify command '{}' exited with status {}", command, process.exitValue());
            }
        } catch (Exception e) {
            LOG.warn("notify command '{}' could not run: {}", command, e.toString());
        }
    }

    /** Lets commands already started finish (bounded) so a stopping node still reports its last event. */
    @Override
    public void close() {
        runner.shutdown();
        try {
            runner.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
