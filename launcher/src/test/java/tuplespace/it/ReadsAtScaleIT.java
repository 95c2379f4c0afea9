package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;
import tuplespace.testing.RunsAlone;

/**
 * docs/protocol.md "The data": a GET or DELETE answers every matching pair, whatever the size of the space, and no
 * request, however large, delays heartbeats, acknowledgements or other clients' small requests. A few hundred thousand
 * pairs here (the million-pair figures are the bench's): full and prefix GETs complete and in key order, a prefix
 * DELETE atomic and replicated, small requests answered while scans run, and no failover with the default heartbeats.
 */
@RunsAlone
class ReadsAtScaleIT {

    private static final int PAIRS = 200_000;
    /** Keys k,1 k,10..k,19 k,100..k,199 ... k,100000..k,199999 start with "k,1". */
    private static final int PREFIX_MATCHES = 111_111;
    private static final int BATCH = 1_000;
    private static final Duration BIG_ANSWER = Duration.ofSeconds(120);
    /** About 12 MB of JSON in one PUT: 2-5 s of one thread's work here, primary and backup each. */
    private static final int BIG_PUT_PAIRS = 400_000;

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void bigGetsAndDeletesAreCompleteAtomicAndDelayNobody() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.serviceDefaults());
        long epoch = cluster.status().epoch();
        try (LineClient loader = cluster.client()) {
            load(loader);
        }

        try (LineClient scanner = LineClient.connect(cluster.clientSap(), BIG_ANSWER);
             LineClient small = cluster.client()) {
            JsonNode all = scanner.call(Requests.get(1, ".*", ".*"));
            assertThat(all.path("warning").isMissingNode()).as("no cut-off: %s", all.path("warning")).isTrue();
            assertThat(all.path("pairs")).hasSize(PAIRS);
            assertThat(Requests.text(all.path("pairs").get(0).get(0))).isEqualTo("k,0");
            assertThat(Requests.text(all.path("pairs").get(PAIRS - 1).get(0))).isEqualTo("k,99999");

            JsonNode prefix = scanner.call(Requests.get(2, "k,1.*", ".*"));
            assertThat(prefix.path("pairs")).hasSize(PREFIX_MATCHES);
            assertThat(Requests.text(prefix.path("pairs").get(0).get(0))).isEqualTo("k,1");
            assertThat(Requests.text(prefix.path("pairs").get(PREFIX_MATCHES - 1).get(0))).isEqualTo("k,199999");

            // A catastrophic pattern over the whole space is still cut off by the match budget on the one text it
            // backtracks on, not by the request limit (the budget bounds one text, not how many pairs are covered).
            String backtracking = "a".repeat(5_000) + "b";
            assertThat(small.call(Requests.put(5, List.of(new TextPair("backtrack,1", backtracking)))).path("status")
                    .asText()).isEqualTo("ok");
            JsonNode cut = scanner.call(Requests.get(6, ".*", "(a*)*$"));
            assertThat(cut.path("status").asText()).isEqualTo("ok");
            assertThat(cut.path("pairs")).isEmpty();
            assertThat(cut.path("cutoff").asText()).as("cut off by: %s", cut).isEqualTo("match_budget");
            assertThat(cut.path("warning").asText()).contains("(a*)*$").contains("match budget");
            assertThat(small.call(Requests.delete(7, "backtrack,1", ".*")).path("pairs")).hasSize(1);

            // Full scans pipelined on one connection keep the scan thread busy; another client's small requests,
            // one at a time, are all answered before the last scan is: they never queue behind it.
            List<CompletableFuture<JsonNode>> scans = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                scans.add(scanner.send(Requests.get(10 + i, "k,.*", ".*")));
            }
            for (int i = 0; i < 20; i++) {
                JsonNode put = small.call(Requests.put(100 + i, List.of(new TextPair("small," + i, "v"))));
                assertThat(put.path("status").asText()).isEqualTo("ok");
                JsonNode get = small.call(Requests.get(200 + i, "k,42", ".*"));
                assertThat(get.path("pairs")).hasSize(1);
            }
            assertThat(scans.get(scans.size() - 1)).as("the small requests did not wait for the scans").isNotDone();
            for (CompletableFuture<JsonNode> scan : scans) {
                assertThat(scan.get(BIG_ANSWER.toSeconds(), TimeUnit.SECONDS).path("pairs")).hasSize(PAIRS);
            }

            // A prefix DELETE removes every match at once, and the backup applies the same effect.
            JsonNode deleted = scanner.call(Requests.delete(3, "k,1.*", ".*"));
            assertThat(deleted.path("pairs")).hasSize(PREFIX_MATCHES);
            assertThat(small.call(Requests.get(4, "k,1.*", ".*")).path("pairs")).isEmpty();
            assertThat(scanner.call(Requests.get(5, "k,.*", ".*")).path("pairs")).hasSize(PAIRS - PREFIX_MATCHES);
        }
        ServiceStatus synced = cluster.awaitInSync();
        assertThat(synced.size()).isEqualTo(PAIRS - PREFIX_MATCHES + 20);
        assertThat(synced.epoch()).as("no failover while the scans ran").isEqualTo(epoch);
    }

    /** k,0 .. k,199999, each with a value of its own, PUT in pipelined batches. */
    /**
     * A request of megabytes, which --max-line allows, keeps the primary's one serving thread (and then the backup's)
     * busy for a second or more, past the proxy's and the backup's silence bounds: both hear it announced (BUSY) before
     * the work, and neither takes the silence for a failure. Before, the proxy closed the primary's link as dead, the
     * backup was promoted and the healthy primary killed.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPutOfMegabytesCausesNoFailoverAndNoResync() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.serviceDefaults().withProxyArgs("--max-line=32MiB"));
        ServiceStatus before = cluster.awaitInSync();
        List<TextPair> pairs = new ArrayList<>(BIG_PUT_PAIRS);
        for (int i = 0; i < BIG_PUT_PAIRS; i++) {
            pairs.add(new TextPair("big," + i, "value" + i));
        }
        try (LineClient client = LineClient.connect(cluster.clientSap(), BIG_ANSWER)) {
            for (int round = 0; round < 2; round++) { // into an empty space, then over every pair again
                assertThat(client.call(Requests.put(round, pairs)).path("status").asText()).isEqualTo("ok");
            }
        }
        ServiceStatus after = cluster.awaitInSync();
        assertThat(after.epoch()).as("no failover").isEqualTo(before.epoch());
        assertThat(after.primaryPid()).isEqualTo(before.primaryPid());
        assertThat(after.backupPid()).as("the same backup, never resynced").isEqualTo(before.backupPid());
        assertThat(after.size()).isEqualTo(BIG_PUT_PAIRS);
    }

    /**
     * A DELETE of hundreds of thousands of pairs is found on the scan thread, but removed on the loop, as it must be
     * to take effect at one point of the serving order: that kept a primary just restarted from its links for more than
     * the proxy's second of silence (its code not compiled yet), and a healthy primary was killed for it. Announced
     * (BUSY) like a request of megabytes, it causes no failover; here the silence allowed is shorter than the removal.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aDeleteOfManyPairsCausesNoFailoverAndNoResync() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.serviceDefaults()
                .withProxySilence(Duration.ofMillis(400)).withHeartbeat(Duration.ofMillis(80), 5));
        try (LineClient loader = cluster.client()) {
            load(loader);
        }
        ServiceStatus before = cluster.awaitInSync();
        try (LineClient client = LineClient.connect(cluster.clientSap(), BIG_ANSWER)) {
            assertThat(client.call(Requests.delete(1, ".*", ".*")).path("pairs")).hasSize(PAIRS);
        }
        ServiceStatus after = cluster.awaitInSync();
        assertThat(after.epoch()).as("no failover").isEqualTo(before.epoch());
        assertThat(after.primaryPid()).isEqualTo(before.primaryPid());
        assertThat(after.backupPid()).as("the same backup, never resynced").isEqualTo(before.backupPid());
        assertThat(after.size()).isZero();
    }

    private static void load(LineClient client) throws Exception {
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        for (int from = 0; from < PAIRS; from += BATCH) {
            List<TextPair> batch = new ArrayList<>(BATCH);
            for (int i = from; i < from + BATCH; i++) {
                batch.add(new TextPair("k," + i, "value" + i));
            }
            answers.add(client.send(Requests.put(from, batch)));
        }
        for (CompletableFuture<JsonNode> answer : answers) {
            assertThat(answer.get(60, TimeUnit.SECONDS).path("pairs")).as("every pair added").isEmpty();
        }
    }
}
