package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.client.ClientOptions;
import tuplespace.client.TupleSpaceClient;
import tuplespace.codec.Sap;
import tuplespace.testing.Host;
import tuplespace.testing.ManagedProcess;
import tuplespace.tuple.Pair;

/**
 * {@code tuplespace demo} as a user runs it: starts the whole service, serves a client, saves on Ctrl-C (SIGINT to
 * every process of the terminal's foreground group, answered by the demo alone) and exits 0, and the next demo loads
 * what the first saved.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DemoIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String READY = "tuplespace demo is running";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The demo's processes, the backups they start included, run in JVMs light on memory and start-up. */
    private static final String LIGHT_JVM = String.join(" ", ManagedProcess.LIGHT_JVM);
    private static final Map<String, String> LIGHT_JVM_ENVIRONMENT = Map.of("TUPLESPACE_JAVA_OPTS", LIGHT_JVM);

    @TempDir
    Path folder;

    /**
     * {@code demo --base-port BASE OPTIONS...} with failure detection tolerant of a busy test machine: these tests are
     * about the demo, not about failover.
     */
    private static List<String> tolerantDemo(int base, String... options) {
        List<String> demo = new ArrayList<>(List.of("demo", "--base-port", "" + base));
        demo.addAll(List.of(options));
        demo.addAll(List.of("--server-option=--heartbeat-interval=100ms", "--server-option=--heartbeat-misses=30",
                "--server-option=--backup-java-opts=" + LIGHT_JVM, "--proxy-option=--ping-misses=30"));
        return demo;
    }

    @Test
    void theDemoSavesOnCtrlCAndTheNextDemoLoadsTheSavedSpace() throws Exception {
        // A process started with SIGINT ignored (a build run in the background by a script) passes that on to the demo,
        // which then never sees the signal: nothing to test there.
        assumeFalse(sigintIgnoredHere(), "this test JVM was started with SIGINT ignored, and so would the demo be");
        int base = Host.freeLoopbackRun(6);
        Path saveFile = folder.resolve("tuplespace-demo.json");
        List<String> demo = tolerantDemo(base, "--data-dir", "none");
        Map<String, String> environment = LIGHT_JVM_ENVIRONMENT;

        try (ManagedProcess first = startDemo(demo, environment, "demo1")) {
            first.awaitStdout(READY, START);
            // The banner's lines arrive one by one after its first.
            first.awaitStdout("clients connect to 127.0.0.1:" + base, START);
            first.awaitStdout("./tuplespace client 127.0.0.1:" + base, START);
            first.awaitStdout("kill -9 ", START);
            try (TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", base, ClientOptions.defaults())) {
                assertThat(space.put(List.of(Pair.of("user,1", "alice"), Pair.of("user,2", "bob")))
                        .pairs()).isEmpty();
            }
            // Ctrl-C in the demo's terminal: SIGINT to every process of its group, the demo's proxy and primary too.
            // The demo's shutdown hook sends SHUTDOWN; the others wait for it (they died of it before, unsaved).
            first.interruptGroup();
            assertThat(first.awaitExit(Duration.ofSeconds(60))).as(first.outputs()).hasValue(0);
            assertThat(first.stderrText()).doesNotContain("the space is not saved");
        }
        assertThat(saveFile).exists();
        assertThat(Files.readString(saveFile)).contains("tuplespace/1").contains("alice").contains("bob");

        assertTheNextDemoServesAliceAndBob(demo, environment, base, "2 pairs loaded from " + saveFile);
    }

    /** A demo started with {@code demo} says {@code origin} and serves the two pairs; the shutdown command stops it. */
    private void assertTheNextDemoServesAliceAndBob(List<String> demo, Map<String, String> environment, int base,
                                                    String origin) throws Exception {
        try (ManagedProcess second = startDemo(demo, environment, "demo2")) {
            second.awaitStdout(READY, START);
            second.awaitStdout(origin, START);
            try (TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", base, ClientOptions.defaults())) {
                assertThat(space.get("user,.*", ".*").pairs()).as("demo output:\n%s", second.outputs())
                        .containsExactly(Pair.of("user,1", "alice"), Pair.of("user,2", "bob"));
            }
            // Stopped from outside with the shutdown command, the demo notices and exits 0 as well.
            ManagedProcess.Result shutdown = ManagedProcess.runCli(List.of("shutdown", "127.0.0.1:" + (base + 2)));
            assertThat(shutdown.exitCode()).as(shutdown.err()).isZero();
            assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.outputs()).hasValue(0);
        }
    }

    @Test
    void aDemoKilledWithKillNineRestartsFromItsDataDirectoryWithEveryAcknowledgedWrite() throws Exception {
        int base = Host.freeLoopbackRun(6);
        List<String> demo = tolerantDemo(base);
        Map<String, String> environment = LIGHT_JVM_ENVIRONMENT;
        Path dataDir = folder.resolve("tuplespace-data");

        try (ManagedProcess first = startDemo(demo, environment, "demo1")) {
            first.awaitStdout(READY, START);
            first.awaitStdout("data     " + dataDir, START);
            try (TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", base, ClientOptions.defaults())) {
                assertThat(space.put(List.of(Pair.of("user,1", "alice"), Pair.of("user,2", "bob")))
                        .pairs()).isEmpty();
            }
            // kill -9 of every process at once: the backup is the primary's child, the demo's grandchild
            List<ProcessHandle> everything = new ArrayList<>(first.handle().descendants().toList());
            everything.add(first.handle());
            everything.forEach(ProcessHandle::destroyForcibly);
            assertThat(first.awaitExit(Duration.ofSeconds(30))).as("the killed demo exited").isPresent();
        }

        assertTheNextDemoServesAliceAndBob(demo, environment, base, "2 pairs recovered from " + dataDir);
    }

    @Test
    void theConsoleShowsEachPromotedPrimaryAndItsBackupsAcrossTwoFailovers() throws Exception {
        int base = Host.freeLoopbackRun(6);
        List<String> demo = tolerantDemo(base, "--fresh", "--save-file", folder.resolve("space.json").toString());
        Sap statusSap = Sap.parse("127.0.0.1:" + (base + 2));
        List<Long> seen = new ArrayList<>();
        try (ManagedProcess console = startDemo(demo, LIGHT_JVM_ENVIRONMENT, "demo")) {
            console.awaitStdout(READY, START);
            for (int failover = 1; failover <= 2; failover++) {
                long primary = awaitLiveBackup(statusSap, console).path("pid").asLong();
                seen.add(primary);
                ProcessHandle.of(primary).ifPresent(ProcessHandle::destroyForcibly); // kill -9 the primary
                // The demo names the new primary; the new primary's own log line says it serves; so does the log
                // of the backup it starts next. Those lines come from grandchildren of the demo, not its children.
                console.awaitStdout("failover: the primary is now pid", START);
                long promoted = awaitNewPrimary(statusSap, primary);
                seen.add(promoted);
                console.awaitStderr("primary/" + promoted + " primary epoch " + (failover + 1)
                        + " event failover_complete", START);
                long backup = awaitLiveBackup(statusSap, console).path("backup").path("pid").asLong();
                console.awaitStderr("backup/" + backup + " backup following primary epoch " + (failover + 1), START);
            }
            ManagedProcess.Result shutdown = ManagedProcess.runCli(List.of("shutdown", statusSap.toString()));
            assertThat(shutdown.exitCode()).as(shutdown.err()).isZero();
            assertThat(console.awaitExit(Duration.ofSeconds(60))).as(console.outputs()).hasValue(0);
        } finally {
            // The promoted primaries are not the demo's children: make sure none outlives a failed run.
            seen.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /**
     * A proxy killed under the demo: the demo stops the primary and its backup, the primary saving the space, and exits
     * 1. It left them running, with no clients and no way in, and the next demo found their ports taken.
     */
    @Test
    void aKilledProxyStopsTheRestOfTheServiceWhichSavesTheSpace() throws Exception {
        int base = Host.freeLoopbackRun(6);
        Path saveFile = folder.resolve("space.json");
        List<String> demo = tolerantDemo(base, "--fresh", "--data-dir", "none", "--save-file", saveFile.toString());
        Sap statusSap = Sap.parse("127.0.0.1:" + (base + 2));
        List<ProcessHandle> service = new ArrayList<>();
        try (ManagedProcess console = startDemo(demo, LIGHT_JVM_ENVIRONMENT, "demo")) {
            console.awaitStdout(READY, START);
            JsonNode primary = awaitLiveBackup(statusSap, console);
            try (TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", base, ClientOptions.defaults())) {
                assertThat(space.put(List.of(Pair.of("user,1", "alice"))).pairs()).isEmpty();
            }
            for (long pid : List.of(statusOf(statusSap).at("/proxy/pid").asLong(), primary.path("pid").asLong(),
                    primary.at("/backup/pid").asLong())) {
                ProcessHandle.of(pid).ifPresent(service::add);
            }
            assertThat(service).hasSize(3);

            service.get(0).destroyForcibly(); // kill -9 the proxy
            assertThat(console.awaitExit(Duration.ofSeconds(60))).as(console.outputs()).hasValue(1);
            assertThat(console.stdoutText()).contains("demo: the proxy exited with status 137; stopping the primary and"
                    + " its backup.");
            for (ProcessHandle process : service) {
                assertThat(process.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
            }
            assertThat(Files.readString(saveFile)).contains("alice");
        } finally {
            service.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The primary's STATUS once it shows a live backup (a failover then keeps every acknowledged write). */
    private static JsonNode awaitLiveBackup(Sap statusSap, ManagedProcess console) {
        return eventually(START, () -> statusOf(statusSap).path("primary"), primary ->
                assertThat(primary.path("backup").path("state").asText()).as(() -> "the backup's state; demo output:\n"
                        + console.outputs()).isEqualTo("live"));
    }

    private static long awaitNewPrimary(Sap statusSap, long old) {
        return eventually(START, () -> statusOf(statusSap).path("primary").path("pid").asLong(old),
                pid -> assertThat(pid).as("a new primary's pid").isNotEqualTo(old));
    }

    /** {@code demo ARGUMENTS} started in this test's folder, its output in {@code name}.out.log and .err.log. */
    private ManagedProcess startDemo(List<String> demo, Map<String, String> environment, String name) {
        return ManagedProcess.java(ManagedProcess.CLI_MAIN).args(demo).environment(environment).start(name, folder);
    }

    private static JsonNode statusOf(Sap statusSap) {
        try {
            return JSON.readTree(new LineCommandClient(statusSap, Duration.ofSeconds(2)).send("STATUS"));
        } catch (IOException unreachable) {
            return JSON.createObjectNode();
        }
    }

    @Test
    void aTakenPortIsNamedWithHowToPickOthers() throws Exception {
        int base = Host.freeLoopbackRun(6);
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), base + 2));
            ManagedProcess.Result result = ManagedProcess.runCli(List.of("demo", "--base-port", "" + base), "",
                    Duration.ofSeconds(30));
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("port " + (base + 2) + " (the proxy's shutdown port)")
                    .contains("--base-port");
        }
    }

    @Test
    void mistakesInItsArgumentsAreNamedBeforeAnythingStarts() throws Exception {
        int base = Host.freeLoopbackRun(6);
        Path aFile = Files.writeString(folder.resolve("afile"), "x");
        // TEST-NET-1 (RFC 5737): no interface here has it, so every port would have looked taken
        assertThat(demoError("--host", "192.0.2.1", "--base-port", "" + base))
                .contains("--host 192.0.2.1: expected an address of this machine");
        // found at start, not at Ctrl-C, when a SHUTDOWN that cannot save leaves the service running to keep the space
        assertThat(demoError("--base-port", "" + base, "--save-file", folder.resolve("missing").resolve("x.json").toString()))
                .contains("expected a file in an existing directory, found no directory " + folder.resolve("missing"));
        assertThat(demoError("--base-port", "" + base, "--data-dir", aFile.toString()))
                .contains("--data-dir " + aFile + ": expected a directory (or none), found a file");
    }

    @Test
    void aMistakeInAnOptionItPassesOnIsAUsageErrorBeforeAnythingStarts() throws Exception {
        int base = Host.freeLoopbackRun(6);
        assertThat(demoUsageError("--base-port", "" + base, "--server-option=--bogus"))
                .contains("--server-option: Unknown option: '--bogus'");
        assertThat(demoUsageError("--base-port", "" + base, "--proxy-option=--max-clients=many"))
                .contains("--proxy-option: ").contains("--max-clients").contains("many");
        // a value the process itself refuses once it has read its options, and an option that would only print
        assertThat(demoUsageError("--base-port", "" + base, "--server-option=--fsync=sometimes"))
                .contains("--server-option: --fsync: expected one of");
        assertThat(demoUsageError("--base-port", "" + base, "--proxy-option=--help"))
                .contains("--proxy-option: expected options to run a proxy with, found --help or --version");
        // an option of the demo's own name, passed on: the one the demo sets itself is refused as such
        assertThat(demoUsageError("--base-port", "" + base, "--server-option=--data-dir=" + folder))
                .contains("--server-option --data-dir=" + folder + ": the demo gives its servers their data directory"
                        + " itself; use the demo's own --data-dir DIR instead");
        assertThat(Host.allFree(base, 6)).as("nothing was started").isTrue();
    }

    /** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status), as its children then do. */
    private static boolean sigintIgnoredHere() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:")).findFirst()
                .map(line -> (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & 0x2) != 0)
                .orElse(false);
    }

    /** What a demo that must not start says on stderr; it exits 1. */
    private static String demoError(String... arguments) {
        return demoFails(1, arguments);
    }

    /** What a demo given a malformed command line says on stderr; it exits 2, as every command does. */
    private static String demoUsageError(String... arguments) {
        return demoFails(2, arguments);
    }

    private static String demoFails(int status, String... arguments) {
        List<String> command = new ArrayList<>(List.of("demo"));
        command.addAll(List.of(arguments));
        ManagedProcess.Result result = ManagedProcess.runCli(command, "", Duration.ofSeconds(30));
        assertThat(result.exitCode()).as(result.err()).isEqualTo(status);
        return result.err();
    }
}
