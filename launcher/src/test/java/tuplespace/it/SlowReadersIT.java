package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tuplespace.it.Requests.TextPair;
import tuplespace.testing.RunsAlone;

/**
 * The fault "slow readers" (docs/internals.md "Proxy bounds"): many clients pipeline {@code GET k,.* .*} on a space
 * of 2,000 pairs (answers of about 60 KB) as fast as they can and never read an answer. Before the proxy bounded what
 * it holds per client, the proxy and the primary buffered the answers without end (hundreds of MB per client) until
 * the primary died of OOM and the backup took over, and a well-behaved client's exact GET waited behind every
 * backlog. Now TCP pushes back on the slow readers: the well-behaved client is answered, nothing fails over, and the
 * proxy's and primary's resident memory stays bounded.
 */
@RunsAlone
class SlowReadersIT {

    private static final int PAIRS = 2_000;
    private static final int SLOW_READERS = 20;
    /** Bytes each slow reader gets in before the well-behaved client starts: their backlogs are established. */
    private static final long BACKLOG_BYTES = 256 << 10;
    private static final int WELL_BEHAVED_ROUNDS = 100;
    /**
     * How much the proxy's and the primary's resident sets may grow while the slow readers push (their JVMs get
     * -Xmx256m from the harness). Bounded, the proxy holds about 1 MiB and the primary about 512 KiB per slow reader, and
     * each grew by about 50 MiB in all (heap the collector touched included) and then no more; unbounded, both grew by
     * about 6 MiB a second (as fast as the primary computed answers: 1024 of 60 KB per reader) until the heap was full.
     */
    private static final long RSS_GROWTH_BOUND = 80L << 20;
    /** Requests the proxy may hold for the slow readers: a first window each and a little (unbounded: 1024 each). */
    private static final long HELD_BOUND = SLOW_READERS * 32L;
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+)\\s+kB");

    @RegisterExtension
    final Clusters clusters = new Clusters();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void clientsThatNeverReadTheirAnswersAreHeldBackByTcpAndTheOthersAreServed() throws Exception {
        ServiceCluster cluster = clusters.start(ServiceOptions.defaults().withMaxClients(SLOW_READERS + 8));
        ServiceStatus before = cluster.status();
        try (LineClient client = cluster.client()) {
            load(client);
            long proxyIdle = RssPeaks.rss(cluster.proxy().pid());
            long primaryIdle = RssPeaks.rss(before.primaryPid());
            List<SlowReader> slowReaders = new ArrayList<>();
            try (RssPeaks peaks = new RssPeaks(cluster.proxy().pid(), before.primaryPid())) {
                for (int i = 0; i < SLOW_READERS; i++) {
                    slowReaders.add(new SlowReader(cluster.clientSap()));
                }
                eventually(Duration.ofSeconds(30), () -> slowReaders.forEach(reader ->
                        assertThat(reader.sent()).as("bytes sent by a slow reader").isGreaterThan(BACKLOG_BYTES)));

                for (int round = 1; round <= WELL_BEHAVED_ROUNDS; round++) {
                    int key = round * 7 % PAIRS;
                    JsonNode got = client.call(Requests.get(2L * round, "k," + key, ".*"));
                    assertThat(Requests.answerPairs(got)).as("exact GET of k,%d", key).containsOnlyKeys("k," + key);
                    JsonNode put = client.call(Requests.put(2L * round + 1, List.of(new TextPair("new," + round, "v"))));
                    assertThat(put.path("pairs").size()).as("PUT of a new key adds it: %s", put).isZero();
                }

                System.out.printf("%s %d slow readers: RSS proxy %d -> peak %d MiB, primary %d -> peak %d MiB%n",
                        ServiceCluster.clock(), SLOW_READERS, proxyIdle >> 20, peaks.proxy() >> 20, primaryIdle >> 20,
                        peaks.primary() >> 20);
                ServiceStatus during = cluster.status();
                assertThat(during.primaryPid()).as("no failover: %s", during).isEqualTo(before.primaryPid());
                assertThat(during.epoch()).as("no failover: %s", during).isEqualTo(before.epoch());
                assertThat(during.proxy().path("held").asLong()).as("requests the proxy holds: %s", during)
                        .isLessThan(HELD_BOUND);
                assertThat(peaks.proxy() - proxyIdle).as("growth of the proxy's RSS").isLessThan(RSS_GROWTH_BOUND);
                assertThat(peaks.primary() - primaryIdle).as("growth of the primary's RSS").isLessThan(RSS_GROWTH_BOUND);
            } finally {
                slowReaders.forEach(SlowReader::close);
            }
            // the slow readers gone, the service is as before
            assertThat(Requests.answerPairs(client.call(Requests.get(1_000_000, "new,.*", ".*")))).hasSize(
                    WELL_BEHAVED_ROUNDS);
            ServiceStatus after = cluster.awaitBackupLive();
            assertThat(after.epoch()).isEqualTo(before.epoch());
        }
    }

    /** {@code k,0} .. {@code k,1999}, each with a 20-character value: a {@code GET k,.* .*} answers about 60 KB. */
    private static void load(LineClient client) {
        for (int from = 0; from < PAIRS; from += 500) {
            List<TextPair> pairs = new ArrayList<>();
            for (int i = from; i < from + 500; i++) {
                pairs.add(new TextPair("k," + i, String.format("value%015d", i)));
            }
            assertThat(client.call(Requests.put(from, pairs)).path("pairs").size()).isZero();
        }
    }

    /** A client that pipelines {@code GET k,.* .*} until its writes block and never reads; its own thread. */
    private static final class SlowReader implements AutoCloseable {
        private static final byte[] REQUESTS = "GET k,.* .*\n".repeat(1000).getBytes(StandardCharsets.UTF_8);

        private final Socket socket = new Socket();
        private final AtomicLong sent = new AtomicLong();
        private final Thread writer;

        SlowReader(Sap sap) throws IOException {
            socket.connect(sap.address(), 5_000);
            OutputStream out = socket.getOutputStream();
            writer = new Thread(() -> {
                try {
                    while (true) {
                        out.write(REQUESTS); // blocks for good once the proxy stops reading this client
                        sent.addAndGet(REQUESTS.length);
                    }
                } catch (IOException closed) {
                    // the test closed the socket
                }
            }, "slow-reader-" + socket.getLocalPort());
            writer.setDaemon(true);
            writer.start();
        }

        long sent() {
            return sent.get();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    /** The highest resident set sizes of the proxy and the primary seen while it runs, sampled every 50 ms. */
    private static final class RssPeaks implements AutoCloseable {
        private final AtomicLong proxy = new AtomicLong();
        private final AtomicLong primary = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        RssPeaks(long proxyPid, long primaryPid) {
            sampler = new Thread(() -> {
                while (running) {
                    proxy.accumulateAndGet(rss(proxyPid), Math::max);
                    primary.accumulateAndGet(rss(primaryPid), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        long proxy() {
            return proxy.get();
        }

        long primary() {
            return primary.get();
        }

        /** VmRSS of {@code pid} in bytes; 0 once the process is gone. */
        static long rss(long pid) {
            try {
                Matcher matcher = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
                return matcher.find() ? Long.parseLong(matcher.group(1)) << 10 : 0;
            } catch (IOException gone) {
                return 0;
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.join(1_000);
        }
    }
}
