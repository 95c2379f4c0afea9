package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Preamble "Bad input ... never crash, hang, corrupt, or lose data": junk and half-open connections on every port
 * of every process (client, proxy-primary, both shutdown SAPs, backup, heartbeat). No process may die or hang,
 * no failover may be provoked, clients with requests in flight must get their answers.
 */
class GarbageIT {

    private static final Duration HOLD_HALF_OPEN = Duration.ofSeconds(3);

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void junkAndHalfOpenConnectionsOnEveryPortChangeNothing() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        ServiceStatus before = cluster.awaitBackupLive();
        long backup = before.backupPid().orElseThrow(() -> new AssertionError("no backup pid in " + before));
        Map<String, Sap> ports = new LinkedHashMap<>();
        ports.put("client", cluster.clientSap());
        ports.put("proxy primary", cluster.proxyPrimarySap());
        ports.put("proxy shutdown", cluster.proxyShutdownSap());
        ports.put("primary shutdown", cluster.primaryShutdownSap());
        ports.put("backup", cluster.backupSap());
        ports.put("heartbeat", cluster.heartbeatSap());

        try (Workload load = new Workload(cluster, 2, 4, 5).start(); GarbageSender garbage = new GarbageSender(11)) {
            load.awaitProgress(100, Duration.ofSeconds(60));
            for (Map.Entry<String, Sap> port : ports.entrySet()) {
                // Faults: connections that go silent, with or without half a request, kept open to the end.
                garbage.holdSilent(port.getValue());
                garbage.holdHalfSent(port.getValue());
                // Faults: random bytes, an overlong line, binary junk, lying frame headers, wrong commands.
                for (byte[] payload : garbage.payloads()) {
                    garbage.sendAndClose(port.getValue(), payload);
                }
                assertServiceUnharmed(cluster, before, backup, "after junk on the " + port.getKey() + " port");
                load.awaitProgress(50, Duration.ofSeconds(30));
            }
            // Hold the half-open connections longer than a heartbeat failure takes to detect (default 100 ms x 10),
            // then check again: a silent stranger must not pass for a failed peer.
            Thread.sleep(HOLD_HALF_OPEN.toMillis());
            assertServiceUnharmed(cluster, before, backup, "with half-open connections held on every port");
            load.stop();
            load.assertNoErrors();
            load.verifyFinalState();
        }
        // the backup and the primary (their logs are both in the primary's stderr) say what they closed
        String log = cluster.firstPrimary().stderrText();
        assertThat(log).containsPattern("backup closes a connection from /127\\.0\\.0\\.1:\\d+ on BACKUP_SAP:"
                + " expected the primary's frames, found ");
        assertThat(log).containsPattern("primary closes a connection from /127\\.0\\.0\\.1:\\d+ on HEARTBEAT_SAP:"
                + " expected a backup's heartbeats, found ");
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void anOverlongClientLineIsAnsweredMalformedAndTheConnectionClosed() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults());
        try (LineClient client = cluster.client()) {
            // docs/protocol.md "Limits and failures": a line longer than the limit (1 MiB) answers malformed and the
            // connection closes.
            char[] line = new char[GarbageSender.OVERLONG_LINE];
            Arrays.fill(line, 'a');
            line[0] = '{';
            JsonNode answer = LineClient.JSON.readTree(client.sendLine(new String(line)).join());
            assertThat(answer.path("status").asText()).as("answer to a 1.5 MiB line: %s", answer).isEqualTo("malformed");
            assertThat(answer.path("error").asText()).as("the error names the limit").isNotBlank();
            assertThat(client.awaitClosedByPeer(Duration.ofSeconds(5))).as("connection closed after an overlong line").isTrue();
        }
        try (LineClient next = cluster.client()) {
            assertThat(next.call(Requests.get(1, ".*", ".*")).path("status").asText()).isEqualTo("ok");
        }
    }

    private static void assertServiceUnharmed(ServiceCluster cluster, ServiceStatus before, long backup, String when) {
        assertThat(cluster.proxy().isAlive()).as("proxy alive %s", when).isTrue();
        assertThat(ServiceCluster.isAlive(before.primaryPid())).as("primary alive %s", when).isTrue();
        assertThat(ServiceCluster.isAlive(backup)).as("backup alive %s", when).isTrue();
        ServiceStatus now = eventually(Duration.ofSeconds(10), cluster::status, status -> {
            assertThat(status.hasPrimary()).isTrue();
            assertThat(status.backupState()).isEqualTo("live");
        });
        assertThat(now.primaryPid()).as("no failover %s", when).isEqualTo(before.primaryPid());
        assertThat(now.epoch()).as("no epoch change %s", when).isEqualTo(before.epoch());
        assertThat(now.backupPid()).as("the healthy backup was kept %s", when).hasValue(backup);
        try (LineClient client = cluster.client()) {
            assertThat(client.call(Requests.get(1, "s,.*", ".*")).path("status").asText()).as("a new client is served %s", when).isEqualTo("ok");
        }
    }
}
