package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes on loopback: a proxy, a primary and the backup it starts. The primary is killed with
 * SIGKILL under a pipelined write load; the client must see every request answered once, correctly, and
 * the new primary's copy must equal its new backup's. SHUTDOWN saves a file that INIT_FILE loads back.
 */
@Timeout(180)
class PrimaryFailoverIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Process> started = new ArrayList<>();
    private final int clientPort = freePort();
    private final int proxyPrimaryPort = freePort();
    private final int proxyShutdownPort = freePort();
    private final int shutdownPort = freePort();
    private final int backupPort = freePort();
    private final int heartbeatPort = freePort();

    @TempDir
    Path directory;

    @AfterEach
    void stopEverything() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        statusOrNull(); // nothing: the processes are gone
    }

    @Test
    void killingThePrimaryUnderLoadLosesNoAcknowledgedWriteAndAppliesEachOnce() throws Exception {
        startProxy();
        startPrimary("null");
        JsonNode first = eventually(status -> status.path("backup").path("state").asText().equals("live"));
        long firstPid = first.path("pid").asLong();

        int total = 3000;
        try (Socket client = connect(clientPort)) {
            OutputStream out = client.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            int sent = 0;
            int answered = 0;
            long longestWaitNanos = 0;
            long lastAnswer = System.nanoTime();
            while (answered < total) {
                while (sent < total && sent - answered < 50) {
                    out.write(("{\"id\":" + sent + ",\"op\":\"PUT\",\"pairs\":[[[\"k\",\"" + sent + "\"],[\"v\"]]]}\n")
                            .getBytes(StandardCharsets.UTF_8));
                    sent++;
                }
                out.flush();
                if (answered == total / 3) {
                    // the primary dies with requests in flight: some replicated, some not, some answered
                    ProcessHandle.of(firstPid).ifPresent(ProcessHandle::destroyForcibly);
                }
                JsonNode answer = JSON.readTree(in.readLine());
                long now = System.nanoTime();
                longestWaitNanos = Math.max(longestWaitNanos, now - lastAnswer);
                lastAnswer = now;
                // a PUT applied twice would answer its pair back as not used
                assertThat(answer.path("id").asInt()).isEqualTo(answered);
                assertThat(answer.path("status").asText()).isEqualTo("ok");
                assertThat(answer.path("pairs").size()).as("unused pairs of request %d", answered).isZero();
                answered++;
            }
            System.err.printf("failover: longest wait for an answer %.1f ms%n", longestWaitNanos / 1e6);
        }
        JsonNode after = eventually(status -> status.path("pid").asLong() != firstPid
                && status.path("backup").path("state").asText().equals("live")
                && status.path("backup").path("index").asLong() == status.path("index").asLong());
        assertThat(after.path("epoch").asLong()).isGreaterThan(first.path("epoch").asLong());
        assertThat(after.path("size").asLong()).isEqualTo(total);
        assertThat(after.path("backup").path("digest").asLong()).isEqualTo(after.path("digest").asLong());
    }

    @Test
    void shutdownSavesAFileThatStartsTheNextService() throws Exception {
        startProxy();
        startPrimary("null");
        eventually(status -> status.path("backup").path("state").asText().equals("live"));
        try (Socket client = connect(clientPort)) {
            client.getOutputStream().write(("{\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],[[\"user\",\"2\"],[\"bob\",\"admin\"]]]}\n")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .contains("\"status\":\"ok\"");
        }
        JsonNode before = status();
        assertThat(line(proxyShutdownPort, "SHUTDOWN")).startsWith("ok");
        for (Process process : started) {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        }
        Path saved = directory.resolve("space.json");
        assertThat(saved).exists();
        Path init = Files.copy(saved, directory.resolve("init.json"));

        started.clear();
        startProxy();
        startPrimary(init.toString());
        JsonNode restarted = eventually(status -> status.path("backup").path("state").asText().equals("live"));
        assertThat(restarted.path("size").asLong()).isEqualTo(2);
        assertThat(restarted.path("digest").asLong()).isEqualTo(before.path("digest").asLong());
        assertThat(restarted.path("backup").path("digest").asLong()).isEqualTo(before.path("digest").asLong());
    }

    @Test
    void garbageOnTheNodePortsHarmsNothing() throws Exception {
        startProxy();
        startPrimary("null");
        eventually(status -> status.path("backup").path("state").asText().equals("live"));
        for (int port : new int[] {backupPort, heartbeatPort, shutdownPort}) {
            try (Socket socket = connect(port)) {
                socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n\u0000\u0001garbage\n".getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                socket.setSoTimeout(2000);
                try {
                    while (socket.getInputStream().read() >= 0) {
                        // drain until the node closes or answers
                    }
                } catch (IOException timeout) {
                    // the shutdown SAP keeps the connection open after its error line
                }
            }
        }
        assertThat(line(shutdownPort, "HELLO")).contains("expected SHUTDOWN or STATUS");
        JsonNode after = status();
        assertThat(after.path("backup").path("state").asText()).isEqualTo("live");
        assertThat(after.path("backup").path("restarts").asLong()).isZero();
    }

    // --- processes -----------------------------------------------------------------------------------

    private void startProxy() throws IOException {
        start("tuplespace.proxy.ProxyMain", "127.0.0.1:" + clientPort, "127.0.0.1:" + proxyPrimaryPort,
                "127.0.0.1:" + proxyShutdownPort, "--primary-timeout", "20s");
    }

    private void startPrimary(String initFile) throws IOException {
        start(ServerMain.class.getName(), "127.0.0.1:" + shutdownPort, "127.0.0.1:" + proxyPrimaryPort,
                "127.0.0.1:" + backupPort, "127.0.0.1:" + heartbeatPort, directory.resolve("space.json").toString(),
                "null", initFile, "--heartbeat-interval", "100ms", "--heartbeat-misses", "10");
    }

    private void start(String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        started.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    // --- talking to them -----------------------------------------------------------------------------

    /** The primary's own STATUS on its shutdown SAP (whichever process holds it now). */
    private JsonNode status() throws IOException {
        return JSON.readTree(line(shutdownPort, "STATUS"));
    }

    private JsonNode statusOrNull() {
        try {
            return status();
        } catch (IOException e) {
            return null;
        }
    }

    private JsonNode eventually(Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode last = null;
        while (System.nanoTime() - deadline < 0) {
            last = statusOrNull();
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not reached; last STATUS " + last);
    }

    private static String line(int port, String command) throws IOException {
        try (Socket socket = connect(port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
