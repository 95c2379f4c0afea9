package tuplespace.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.client.testing.Launcher;
import tuplespace.client.testing.RunningProcess;
import tuplespace.tuple.Pair;

/**
 * {@code tuplespace demo} as a user runs it: starts the whole service, serves a client, saves on SIGTERM (what
 * Ctrl-C sends through the shutdown hook) and exits 0, and the next demo loads what the first saved.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String READY = "tuplespace demo is running";

    @TempDir
    Path folder;

    @Test
    void theDemoSavesOnSigtermAndTheNextDemoLoadsTheSavedSpace() throws Exception {
        int base = freeBasePort();
        Path saveFile = folder.resolve("tuplespace-demo.json");
        String lightJvm = String.join(" ", Launcher.LIGHT_JVM);
        // Failure detection tolerant of a busy test machine: this test is about the demo, not about failover.
        List<String> demo = List.of("demo", "--base-port", "" + base,
                "--server-option=--heartbeat-interval=100ms", "--server-option=--heartbeat-misses=30",
                "--server-option=--backup-java-opts=" + lightJvm, "--proxy-option=--ping-misses=30");
        Map<String, String> environment = Map.of("TUPLESPACE_JAVA_OPTS", lightJvm);

        try (RunningProcess first = RunningProcess.start(demo, folder, folder.resolve("demo1.err"), environment)) {
            first.awaitOutput(READY, START);
            assertThat(first.output()).contains("clients connect to 127.0.0.1:" + base)
                    .contains("./tuplespace client 127.0.0.1:" + base)
                    .contains("kill -9 ");
            try (TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", base, ClientOptions.defaults())) {
                assertThat(space.put(List.of(Pair.of("user,1", "alice"), Pair.of("user,2", "bob")))
                        .pairs()).isEmpty();
            }
            first.process().destroy(); // SIGTERM, as Ctrl-C: the shutdown hook sends SHUTDOWN
            assertThat(first.awaitExit(Duration.ofSeconds(60))).as(first.output() + first.errors()).isZero();
        }
        assertThat(saveFile).exists();
        assertThat(Files.readString(saveFile)).contains("tuplespace/1").contains("alice").contains("bob");

        try (RunningProcess second = RunningProcess.start(demo, folder, folder.resolve("demo2.err"), environment)) {
            second.awaitOutput(READY, START);
            assertThat(second.output()).contains("2 pairs loaded from " + saveFile);
            try (TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", base, ClientOptions.defaults())) {
                assertThat(space.get("user,.*", ".*").pairs()).as("demo output:\n%s%s", second.output(), second.errors())
                        .containsExactly(Pair.of("user,1", "alice"), Pair.of("user,2", "bob"));
            }
            // Stopped from outside with the shutdown command, the demo notices and exits 0 as well.
            Launcher.Result shutdown = Launcher.run(List.of("shutdown", "127.0.0.1:" + (base + 2)));
            assertThat(shutdown.exitCode()).as(shutdown.err()).isZero();
            assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.output() + second.errors()).isZero();
        }
    }

    @Test
    void aTakenPortIsNamedWithHowToPickOthers() throws Exception {
        int base = freeBasePort();
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), base + 2));
            Launcher.Result result = Launcher.run(List.of("demo", "--base-port", "" + base), "", Duration.ofSeconds(30));
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("port " + (base + 2) + " (the proxy's shutdown port)")
                    .contains("--base-port");
        }
    }

    /** A base port whose six consecutive ports are free now. */
    private static int freeBasePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
            if (allFree(base, 6)) {
                return base;
            }
        }
        throw new IOException("found no six consecutive free ports");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
