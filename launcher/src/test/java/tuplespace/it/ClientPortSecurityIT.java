package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.client.Answer;
import tuplespace.client.ClientOptions;
import tuplespace.client.ClientTls;
import tuplespace.client.ConnectFailedException;
import tuplespace.client.RefusedException;
import tuplespace.client.TupleSpaceClient;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * Issue "Who may talk to it", the client port: TLS ({@code --tls-cert}, {@code --tls-key}, {@code --tls-ca}) and the
 * client token ({@code --client-auth-file}), against a real proxy and primary.
 */
class ClientPortSecurityIT {

    private static final String TOKEN = "a client token for this test only";

    @RegisterExtension
    final Clusters clusters = new Clusters();

    private ClientOptions options() {
        return ClientOptions.defaults().withRequestTimeout(ServiceCluster.REQUEST_TIMEOUT);
    }

    private static tuplespace.codec.Sap sap(Sap sap) {
        return new tuplespace.codec.Sap(sap.host(), sap.port());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theLibraryTalksToATlsProxyAndPlainOrUntrustingClientsAreRefused() throws Exception {
        TestCertificates proxyCertificate = TestCertificates.create(clusters.runDirectory(), "proxy");
        TestCertificates stranger = TestCertificates.create(clusters.runDirectory(), "stranger");
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults()
                .withProxyArgs(proxyCertificate.proxyOptions().toArray(String[]::new)));

        try (TupleSpaceClient client = TupleSpaceClient.connect(sap(cluster.clientSap()),
                options().withTls(ClientTls.trusting(proxyCertificate.certificate())))) {
            assertThat(client.put(List.of(new Pair(Tuple.of("tls", "1"), Tuple.of("secret"))))).extracting(Answer::pairs)
                    .asList().isEmpty();
            assertThat(client.get("tls,1", ".*").pairs()).containsExactly(new Pair(Tuple.of("tls", "1"),
                    Tuple.of("secret")));
            // Pipelined past the proxy's first window (16) in one write: the proxy holds the rest undecoded until
            // the first answers are out, then decodes them. Behind TLS that resumption once never reached the
            // decoder, and the client waited for ever.
            List<CompletableFuture<Answer>> pipelined = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                pipelined.add(client.getAsync("tls,1", ".*"));
            }
            for (CompletableFuture<Answer> answer : pipelined) {
                assertThat(answer.get(20, TimeUnit.SECONDS).pairs()).hasSize(1);
            }
        }
        // Fault: a plain-text client on the TLS port gets one clear line, then the connection closes.
        try (LineClient plain = cluster.client()) {
            assertThat(plain.sendLine("GET tls,1 .*").get(10, TimeUnit.SECONDS)).isEqualTo("{\"status\":\"refused\","
                    + "\"error\":\"service refused: this port requires TLS (the Java library: ClientOptions.withTls;"
                    + " the command-line client: --tls-ca FILE)\"}");
            assertThat(plain.awaitClosedByPeer(Duration.ofSeconds(10))).isTrue();
        }
        // Fault: the proxy presents a certificate the client does not trust (it trusts another one).
        assertThatThrownBy(() -> TupleSpaceClient.connect(sap(cluster.clientSap()),
                options().withTls(ClientTls.trusting(stranger.certificate()))))
                .isInstanceOf(ConnectFailedException.class)
                .hasMessageContaining("the TLS handshake failed");
        assertThat(cluster.awaitInSync().hasPrimary()).isTrue();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void clientsWithoutTheTokenAreRefusedAndSilentOnesHoldNoSlot() throws Exception {
        Path tokenFile = clusters.runDirectory().resolve("client.token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults().withMaxClients(1)
                .withProxyArgs("--client-auth-file", tokenFile.toString()));

        try (LineClient silent = cluster.client()) {
            // a connection that never authenticates does not take the only client slot ...
            try (TupleSpaceClient client = TupleSpaceClient.connect(sap(cluster.clientSap()),
                    options().withAuthToken(TOKEN))) {
                assertThat(client.put(List.of(new Pair(Tuple.of("t", "1"), Tuple.of("v"))))).extracting(Answer::pairs)
                        .asList().isEmpty();
            }
            // ... and is closed after the bound, told why
            assertThat(silent.nextUnsolicitedLine(Duration.ofSeconds(15))).isEqualTo("{\"status\":\"refused\","
                    + "\"error\":\"service refused: expected AUTH <token> as the first line within 5000 ms, found nothing\"}");
            assertThat(silent.awaitClosedByPeer(Duration.ofSeconds(10))).isTrue();
        }
        // Fault: a wrong token.
        assertThatThrownBy(() -> TupleSpaceClient.connect(sap(cluster.clientSap()), options().withAuthToken("guess")))
                .isInstanceOf(RefusedException.class).hasMessageContaining("the token is wrong");
        // Fault: a request without AUTH, text mode.
        try (LineClient noAuth = cluster.client()) {
            assertThat(noAuth.sendLine("GET t,1 .*").get(10, TimeUnit.SECONDS)).isEqualTo("refused: service refused:"
                    + " expected AUTH <token> as the first line, found a GET request");
            assertThat(noAuth.awaitClosedByPeer(Duration.ofSeconds(10))).isTrue();
        }
        // Text-mode AUTH, then requests as usual; a later AUTH is an operator like any other.
        try (LineClient text = cluster.client()) {
            assertThat(text.sendLine("AUTH " + TOKEN).get(10, TimeUnit.SECONDS)).isEqualTo("ok authenticated");
            assertThat(text.nextUnsolicitedLine(Duration.ofSeconds(10))).isEqualTo("end");
            assertThat(text.sendLine("{\"id\":2,\"op\":\"GET\",\"key\":\"t,1\",\"value\":\".*\"}").get(10, TimeUnit.SECONDS))
                    .isEqualTo("{\"id\":2,\"status\":\"ok\",\"pairs\":[[[\"t\",\"1\"],[\"v\"]]]}");
        }
    }
}
