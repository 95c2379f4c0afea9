package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;
import tuplespace.testing.RunsAlone;

/**
 * docs/protocol.md "Limits and failures": while no primary is registered the proxy keeps client connections open, holds
 * requests up to {@code --primary-timeout} and then answers them {@code unavailable}; it keeps waiting, and a primary
 * that registers later serves the requests still held and every later one.
 */
@RunsAlone
class UnavailableIT {

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void withoutAPrimaryARequestIsAnsweredUnavailableAfterThePrimaryTimeoutAndTheConnectionStays() throws Exception {
        Duration primaryTimeout = Duration.ofMillis(1500);
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults().withPrimaryTimeout(primaryTimeout)).startProxy();
        eventually(Duration.ofSeconds(30), () ->
                assertThat(cluster.status().hasPrimary()).as("proxy answers STATUS with no primary").isFalse());

        try (LineClient client = cluster.client()) {
            // Fault: no primary at all. The request is held, then answered unavailable.
            long sent = System.nanoTime();
            JsonNode answer = client.call(Requests.put(1, List.of(new TextPair("late,1", "v1"))));
            Duration waited = Duration.ofNanos(System.nanoTime() - sent);
            System.out.printf("UnavailableIT: unavailable after %d ms (--primary-timeout %d ms)%n", waited.toMillis(), primaryTimeout.toMillis());
            assertThat(answer.path("status").asText()).as("answer with no primary: %s", answer).isEqualTo("unavailable");
            assertThat(answer.path("id").asLong()).as("id echoed").isEqualTo(1);
            assertThat(answer.path("error").asText()).isNotBlank();
            assertThat(waited).as("held about --primary-timeout").isBetween(primaryTimeout.multipliedBy(8).dividedBy(10), primaryTimeout.plusSeconds(3));
            assertThat(client.closedByPeer()).as("connection kept open").isFalse();

            // The outage goes on: the connection's next requests, pipelined, are answered at once rather than a
            // timeout per window of held requests (16 before a client's first answer: 200 took 13 s at 1 s).
            List<CompletableFuture<JsonNode>> burst = new java.util.ArrayList<>();
            long burstSent = System.nanoTime();
            for (int id = 100; id < 300; id++) {
                burst.add(client.send(Requests.get(id, "late,.*", ".*")));
            }
            for (CompletableFuture<JsonNode> later : burst) {
                JsonNode laterAnswer = later.get(30, TimeUnit.SECONDS);
                assertThat(laterAnswer.path("status").asText()).as("%s", laterAnswer).isEqualTo("unavailable");
                assertThat(laterAnswer.path("error").asText()).contains("of an earlier request of this connection");
            }
            Duration burstTook = Duration.ofNanos(System.nanoTime() - burstSent);
            System.out.printf("UnavailableIT: 200 pipelined requests answered unavailable in %d ms%n",
                    burstTook.toMillis());
            assertThat(burstTook).as("not held a timeout per window").isLessThan(primaryTimeout.multipliedBy(4));

            // A primary registers later: the same connection is served.
            cluster.startPrimary();
            cluster.awaitPrimaryRegistered();
            JsonNode put = client.call(Requests.put(2, List.of(new TextPair("late,2", "v2"))));
            assertThat(Requests.answerPairs(put)).as("PUT through the late primary: %s", put).isEmpty();
            JsonNode get = client.call(Requests.get(3, "late,.*", ".*"));
            assertThat(Requests.answerPairs(get)).as("the unavailable PUT was not applied; the later one was: %s", get)
                    .containsExactlyEntriesOf(java.util.Map.of("late,2", "v2"));
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aRequestHeldWhileNoPrimaryIsServedByThePrimaryThatRegistersInTime() throws Exception {
        ServiceCluster cluster = clusters.create(ServiceOptions.defaults().withPrimaryTimeout(Duration.ofSeconds(60))).startProxy();
        eventually(Duration.ofSeconds(30), () -> assertThat(cluster.status().hasPrimary()).isFalse());

        try (LineClient client = cluster.client()) {
            // Fault: requests arrive before any primary exists; the proxy must hold them, not fail them.
            CompletableFuture<JsonNode> put = client.send(Requests.put(1, List.of(new TextPair("held,1", "v1"))));
            CompletableFuture<JsonNode> get = client.send(Requests.get(2, "held,.*", ".*"));
            Thread.sleep(500);
            assertThat(put).as("held while there is no primary").isNotDone();

            cluster.startPrimary();
            JsonNode putAnswer = put.get(45, TimeUnit.SECONDS);
            JsonNode getAnswer = get.get(45, TimeUnit.SECONDS);
            assertThat(Requests.answerPairs(putAnswer)).as("held PUT applied by the late primary: %s", putAnswer).isEmpty();
            assertThat(Requests.answerPairs(getAnswer)).as("held GET, answered after the PUT: %s", getAnswer)
                    .containsExactlyEntriesOf(java.util.Map.of("held,1", "v1"));
        }
    }
}
