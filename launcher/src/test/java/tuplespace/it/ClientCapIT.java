package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;

/**
 * docs/protocol.md "Limits and failures": the proxy serves at most {@code --max-clients} clients; one more is sent the
 * {@code refused} answer and dropped at once (docs/protocol.md "JSON mode" shows the line:
 * {@code {"status":"refused","error":...}}), while the others keep working.
 */
class ClientCapIT {

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theClientOverTheCapIsRefusedAndDroppedWhileTheOthersKeepWorking() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults().withMaxClients(4));
        List<LineClient> admitted = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            LineClient client = cluster.client();
            JsonNode answer = client.call(Requests.put(i, List.of(new TextPair("cap," + i, "v" + i))));
            assertThat(answer.path("status").asText()).as("client %d of 4 is served: %s", i + 1, answer).isEqualTo("ok");
            admitted.add(client);
        }

        // Fault: a fifth client over --max-clients 4. It must be told why, without having sent anything, and closed.
        LineClient fifth = cluster.client();
        String greeting = fifth.nextUnsolicitedLine(Duration.ofSeconds(5));
        assertThat(greeting).as("the refused answer sent to client 5").isNotNull();
        JsonNode refused = LineClient.JSON.readTree(greeting);
        assertThat(refused.path("status").asText()).isEqualTo("refused");
        assertThat(refused.path("error").asText()).as("the error says why").isNotBlank();
        assertThat(fifth.awaitClosedByPeer(Duration.ofSeconds(5))).as("client 5 is dropped at once").isTrue();

        // The four admitted clients are unaffected, and see each other's writes.
        for (int i = 0; i < 4; i++) {
            JsonNode answer = admitted.get(i).call(Requests.get(10 + i, "cap,.*", ".*"));
            assertThat(Requests.answerPairs(answer)).as("client %d after the refusal", i + 1).hasSize(4);
        }
        assertThat(cluster.status().proxyClients()).as("clients the proxy counts").isEqualTo(4);

        // A client leaving frees its place: a new one is admitted (the proxy learns of the close asynchronously).
        admitted.remove(0).close();
        eventually(Duration.ofSeconds(10), () -> {
            try (LineClient replacement = LineClient.connect(cluster.clientSap(), Duration.ofSeconds(3))) {
                JsonNode answer = replacement.call(Requests.get(20, "cap,0", ".*"));
                assertThat(Requests.answerPairs(answer)).containsEntry("cap,0", "v0");
            }
        });
    }
}
