package tuplespace.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A whole service as real processes on loopback for ITs and the failover timer: a proxy, and a primary
 * that starts its own backup. Ports are picked free; every socket has a timeout; {@link #close} kills
 * every process it started and their children.
 */
final class LocalService implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final int clientPort = freePort();
    final int proxyPrimaryPort = freePort();
    final int proxyShutdownPort = freePort();
    final int shutdownPort = freePort();
    final int backupPort = freePort();
    final int heartbeatPort = freePort();
    private final Path directory;
    private final ProcessBuilder.Redirect errors;
    private final List<Process> started = new ArrayList<>();

    /** @param errors where the processes' stderr (their logs) goes */
    LocalService(Path directory, ProcessBuilder.Redirect errors) {
        this.directory = directory;
        this.errors = errors;
    }

    List<Process> started() {
        return started;
    }

    /** Forgets the processes started so far (they have exited): the next ones reuse the same ports. */
    void forgetStarted() {
        started.clear();
    }

    void startProxy() throws IOException {
        start("tuplespace.proxy.ProxyMain", "127.0.0.1:" + clientPort, "127.0.0.1:" + proxyPrimaryPort,
                "127.0.0.1:" + proxyShutdownPort, "--primary-timeout", "20s");
    }

    void startPrimary(String initFile) throws IOException {
        start(ServerMain.class.getName(), "127.0.0.1:" + shutdownPort, "127.0.0.1:" + proxyPrimaryPort,
                "127.0.0.1:" + backupPort, "127.0.0.1:" + heartbeatPort, saveFile().toString(),
                "null", initFile, "--heartbeat-interval", "100ms", "--heartbeat-misses", "10");
    }

    Path saveFile() {
        return directory.resolve("space.json");
    }

    private void start(String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        started.add(new ProcessBuilder(command).redirectError(errors)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    /** The acting primary's own STATUS on its shutdown SAP (whichever process holds it now). */
    JsonNode status() throws IOException {
        return JSON.readTree(line(shutdownPort, "STATUS"));
    }

    JsonNode statusOrNull() {
        try {
            return status();
        } catch (IOException e) {
            return null;
        }
    }

    /** Polls STATUS until {@code condition} holds (bounded by {@code limit}); throws naming the last STATUS. */
    JsonNode eventually(Duration limit, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode last = null;
        while (System.nanoTime() - deadline < 0) {
            last = statusOrNull();
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not reached within " + limit + "; last STATUS " + last);
    }

    static boolean backupLive(JsonNode status) {
        return status.path("backup").path("state").asText().equals("live");
    }

    /** One command line to {@code port}, its one-line answer. */
    static String line(int port, String command) throws IOException {
        try (Socket socket = connect(port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** Kills everything: the acting primary and its backup by STATUS (they may be orphans now), then what it started. */
    @Override
    public void close() {
        JsonNode last = statusOrNull();
        if (last != null) {
            kill9(last.path("backup").path("pid").asLong(0));
            kill9(last.path("pid").asLong(0));
        }
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    static void kill9(long pid) {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static int freePort() {
        return NodeTestSupport.freePort();
    }
}
