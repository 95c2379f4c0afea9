package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;

/**
 * Issue "Who may talk to it", TLS on the internal links: proxy, primary and backup with mutual TLS (one CA) and the
 * cluster secret inside it. The service starts, serves, fails over (the new primary registers and starts a backup,
 * both over TLS), and a plain-text stranger on any internal port is refused with one line.
 */
class InternalTlsIT {

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void internalLinksRunMutualTlsThroughAFailoverAndRefusePlainStrangers() throws Exception {
        TestCertificates cluster = TestCertificates.create(clusters.runDirectory(), "cluster");
        Path secret = clusters.runDirectory().resolve("cluster.secret");
        Files.writeString(secret, "an example cluster secret of 48 bytes, not real\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        List<String> proxyTls = new ArrayList<>(cluster.proxyOptions());
        proxyTls.addAll(List.of("--tls-on", "internal"));
        ServiceCluster service = clusters.start(ServiceOptions.defaults().withClusterSecretFile(secret)
                .withProxyArgs(proxyTls.toArray(String[]::new))
                .withServerArgs(cluster.proxyOptions().toArray(String[]::new)));

        try (LineClient client = service.client()) {
            assertThat(Requests.answerPairs(client.call(Requests.put(1, List.of(new TextPair("k,1", "v")))))).isEmpty();
            ServiceStatus before = service.awaitInSync();
            // Fault: plain-text strangers on every internal port.
            for (Sap port : List.of(service.proxyPrimarySap(), service.backupSap(), service.heartbeatSap())) {
                try (LinkImpostor stranger = LinkImpostor.connect(port)) {
                    stranger.sendLine("TSAUTH1 HELLO primary " + "5a".repeat(16));
                    assertThat(stranger.readLine(Duration.ofSeconds(10))).as("answer on %s", port)
                            .isEqualTo("refused: this port requires TLS (--tls-cert, --tls-key, --tls-ca)");
                }
            }
            ServiceStatus after = service.awaitInSync();
            assertThat(after.primaryPid()).isEqualTo(before.primaryPid());
            assertThat(after.digest()).isEqualTo(before.digest());
            assertThat(service.proxy().stderrText()).contains("refused: plain text on a TLS port");

            // Failover over TLS: the backup registers with the proxy and starts its own backup.
            ServiceCluster.kill9(before.primaryPid());
            ServiceStatus failedOver = service.awaitNewPrimaryWithLiveBackup(before.primaryPid());
            assertThat(failedOver.epoch()).isEqualTo(before.epoch() + 1);
            assertThat(failedOver.digest()).isEqualTo(before.digest());
            assertThat(Requests.answerPairs(client.call(Requests.get(2, "k,1", ".*")))).containsEntry("k,1", "v");
        }
    }
}
