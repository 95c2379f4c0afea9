package tuplespace.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import tuplespace.testing.Host;

/**
 * The JUnit side of the harness ({@code @RegisterExtension final Clusters clusters = new Clusters();}):
 * gives each test a fresh directory under {@code target/it-work}, prints every log tail when the test fails
 * (while the processes are still there), and kills every process after each test, pass or fail.
 * A passing test's directory is deleted (unless {@code -Dit.keepLogs=true}); a failing one's is kept for inspection.
 */
final class Clusters implements BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {

    private static final int TAIL_LINES = 60;

    private final List<ServiceCluster> clusters = new ArrayList<>();
    /** System property: keep every test's logs, passing or not (e.g. to read a failover's timeline). */
    static final String KEEP_LOGS = "it.keepLogs";
    private Path runDirectory;
    private boolean failed;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName()
                + "-" + System.currentTimeMillis();
        runDirectory = Files.createDirectories(Path.of("target", "it-work", name).toAbsolutePath());
        failed = false;
    }

    /** A service not yet started, in its own sub-directory. */
    ServiceCluster create(ServiceOptions options) {
        return create(options, Host.loopback(), Host.loopback());
    }

    /** A service not yet started whose proxy runs on {@code proxyHost} and its servers on {@code serverHost}. */
    ServiceCluster create(ServiceOptions options, Host proxyHost, Host serverHost) {
        return create(options, proxyHost, serverHost, serverHost);
    }

    /** The same with the first backup on {@code backupHost}: each server on a host of its own. */
    ServiceCluster create(ServiceOptions options, Host proxyHost, Host serverHost, Host backupHost) {
        ServiceCluster cluster = new ServiceCluster(runDirectory.resolve("service" + clusters.size()), options,
                proxyHost, serverHost, backupHost);
        clusters.add(cluster);
        return cluster;
    }

    /** A service started and ready: primary registered, backup live and equal. */
    ServiceCluster start(ServiceOptions options) {
        ServiceCluster cluster = create(options).startProxy().startPrimary();
        cluster.awaitInSync();
        return cluster;
    }

    Path runDirectory() {
        return runDirectory;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        failed = true;
        StringBuilder report = new StringBuilder("\n##### " + context.getDisplayName() + " failed: " + throwable + "\n");
        for (ServiceCluster cluster : clusters) {
            report.append(cluster.logTails(TAIL_LINES));
        }
        report.append("##### logs kept in ").append(runDirectory).append('\n');
        System.err.println(report);
        throw throwable;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (int i = clusters.size() - 1; i >= 0; i--) {
            clusters.get(i).close();
        }
        clusters.clear();
        if (!failed && context.getExecutionException().isEmpty() && !Boolean.getBoolean(KEEP_LOGS)) {
            try (var paths = Files.walk(runDirectory)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
