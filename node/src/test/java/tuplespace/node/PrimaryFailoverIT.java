package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

    private static final ObjectMapper JSON = LocalService.JSON;
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path directory;
    private LocalService service;

    @BeforeEach
    void service() {
        service = new LocalService(directory, ProcessBuilder.Redirect.INHERIT);
    }

    @AfterEach
    void stopEverything() {
        service.close();
    }

    @Test
    void killingThePrimaryUnderLoadLosesNoAcknowledgedWriteAndAppliesEachOnce() throws Exception {
        service.startProxy();
        service.startPrimary("null");
        JsonNode first = service.eventually(LIMIT, LocalService::backupLive);
        long firstPid = first.path("pid").asLong();

        int total = 3000;
        try (Socket client = LocalService.connect(service.clientPort)) {
            OutputStream out = client.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            int sent = 0;
            int answered = 0;
            long longestWaitNanos = 0;
            long lastAnswer = 0;
            while (answered < total) {
                while (sent < total && sent - answered < 50) {
                    out.write(("{\"id\":" + sent + ",\"op\":\"PUT\",\"pairs\":[[[\"k\",\"" + sent + "\"],[\"v\"]]]}\n")
                            .getBytes(StandardCharsets.UTF_8));
                    sent++;
                }
                out.flush();
                if (answered == total / 3) {
                    // the primary dies with requests in flight: some replicated, some not, some answered; a live
                    // backup must exist to take over (on a starved machine it may have been restarted meanwhile)
                    assertThat(service.eventually(LIMIT, LocalService::backupLive).path("pid").asLong()).isEqualTo(firstPid);
                    LocalService.kill9(firstPid);
                    lastAnswer = System.nanoTime(); // the wait that counts starts with the kill
                }
                JsonNode answer = JSON.readTree(in.readLine());
                long now = System.nanoTime();
                if (lastAnswer != 0) {
                    longestWaitNanos = Math.max(longestWaitNanos, now - lastAnswer);
                    lastAnswer = now;
                }
                // a PUT applied twice would answer its pair back as not used
                assertThat(answer.path("id").asInt()).isEqualTo(answered);
                assertThat(answer.path("status").asText()).isEqualTo("ok");
                assertThat(answer.path("pairs").size()).as("unused pairs of request %d", answered).isZero();
                answered++;
            }
            System.err.printf("failover: longest wait for an answer from the kill on %.1f ms%n", longestWaitNanos / 1e6);
        }
        JsonNode after = service.eventually(LIMIT, status -> status.path("pid").asLong() != firstPid
                && status.path("backup").path("state").asText().equals("live")
                && status.path("backup").path("index").asLong() == status.path("index").asLong());
        assertThat(after.path("epoch").asLong()).isGreaterThan(first.path("epoch").asLong());
        assertThat(after.path("size").asLong()).isEqualTo(total);
        assertThat(after.path("backup").path("digest").asLong()).isEqualTo(after.path("digest").asLong());
    }

    @Test
    void shutdownSavesAFileThatStartsTheNextService() throws Exception {
        service.startProxy();
        service.startPrimary("null");
        service.eventually(LIMIT, LocalService::backupLive);
        try (Socket client = LocalService.connect(service.clientPort)) {
            client.getOutputStream().write(("{\"op\":\"PUT\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]],[[\"user\",\"2\"],[\"bob\",\"admin\"]]]}\n")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .contains("\"status\":\"ok\"");
        }
        JsonNode before = service.status();
        assertThat(LocalService.line(service.proxyShutdownPort, "SHUTDOWN")).startsWith("ok");
        for (Process process : service.started()) {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        }
        Path saved = service.saveFile();
        assertThat(saved).exists();
        Path init = Files.copy(saved, directory.resolve("init.json"));

        service.forgetStarted();
        service.startProxy();
        service.startPrimary(init.toString());
        JsonNode restarted = service.eventually(LIMIT, LocalService::backupLive);
        assertThat(restarted.path("size").asLong()).isEqualTo(2);
        assertThat(restarted.path("digest").asLong()).isEqualTo(before.path("digest").asLong());
        assertThat(restarted.path("backup").path("digest").asLong()).isEqualTo(before.path("digest").asLong());
    }

    @Test
    void garbageOnTheNodePortsHarmsNothing() throws Exception {
        service.startProxy();
        service.startPrimary("null");
        service.eventually(LIMIT, LocalService::backupLive);
        for (int port : new int[] {service.backupPort, service.heartbeatPort, service.shutdownPort}) {
            try (Socket socket = LocalService.connect(port)) {
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
        assertThat(LocalService.line(service.shutdownPort, "HELLO")).contains("expected SHUTDOWN or STATUS");
        assertThat(LocalService.line(service.shutdownPort, "HEL\u0000LO\u001b[31m"))
                .isEqualTo("error: expected SHUTDOWN or STATUS, found 'HEL\\x00LO\\x1b[31m'");
        assertThat(LocalService.line(service.shutdownPort, "SWITCHOVER\u001b[2J")).isEqualTo("error: expected SHUTDOWN"
                + " or STATUS, found 'SWITCHOVER\\x1b[2J': the proxy takes SWITCHOVER on its own shutdown SAP (the"
                + " proxy's third address), not a server's");
        assertThat(LocalService.line(service.shutdownPort, "PROMOTE")).as("a proxy's command, sent to a server")
                .contains("the proxy takes PROMOTE on its own shutdown SAP");
        JsonNode after = service.status();
        assertThat(after.path("backup").path("state").asText()).isEqualTo("live");
        assertThat(after.path("backup").path("restarts").asLong()).isZero();
    }

}
