package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy as a real process: exit status 2 for a bad argument (README "Running it"), 0 after SHUTDOWN
 * (docs/using.md "Status and shutdown").
 */
@Timeout(60)
class ProxyProcessIT {
    @TempDir
    Path tempDir;

    private Process process;

    @AfterEach
    void killLeftover() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void aMalformedSapExitsWithStatusTwoAndAMessageNamingTheArgument() throws Exception {
        process = start("127.0.0.1:0", "localhost", "127.0.0.1:0");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        String stderr = java.nio.file.Files.readString(tempDir.resolve("stderr"), StandardCharsets.UTF_8);
        assertThat(stderr).contains("PRIMARY_SAP").contains("expected host:port").contains("found 'localhost'");
    }

    @Test
    void aMalformedOptionExitsWithStatusTwo() throws Exception {
        process = start("127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", "--primary-timeout", "soon");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        String stderr = java.nio.file.Files.readString(tempDir.resolve("stderr"), StandardCharsets.UTF_8);
        assertThat(stderr).contains("--primary-timeout").contains("found 'soon'");
    }

    @Test
    void aClientBufferTooSmallToServeExitsWithStatusTwo() throws Exception {
        process = start("127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", "--client-buffer", "1KiB");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        String stderr = java.nio.file.Files.readString(tempDir.resolve("stderr"), StandardCharsets.UTF_8);
        assertThat(stderr).contains("--client-buffer").contains("expected at least 4096").contains("found 1024");
    }

    @Test
    void shutdownStopsTheProcessWithStatusZero() throws Exception {
        int shutdownPort = freePort();
        process = start("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort(), "127.0.0.1:" + shutdownPort);
        InetSocketAddress shutdownSap = new InetSocketAddress("127.0.0.1", shutdownPort);
        // the JVM takes a moment to start listening
        String answer = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    try (LineClient client = new LineClient(shutdownSap)) {
                        return client.send("SHUTDOWN").readLine();
                    }
                }, line -> line != null);
        assertThat(answer).isEqualTo("ok: shutting down (no primary registered)");
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    private Process start(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ProxyMain.class.getName()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command)
                .redirectOutput(tempDir.resolve("stdout").toFile())
                .redirectError(tempDir.resolve("stderr").toFile())
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
