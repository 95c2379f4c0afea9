package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static tuplespace.proxy.ProxyRelayTest.PRIMARY_SHUTDOWN_SAP;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.netty.SocketTransport;

/**
 * {@link SlowReaderBackpressureTest}'s client that stops reading and then drains, on real sockets and each transport
 * this machine runs: the proxy's back-pressure turns reading a client off and on again ({@code setAutoRead}), which is
 * where Netty's transports differ most (io_uring cancels a pending read, and a read that raced the cancel still
 * arrives). Reading must stop while the client does not read, and resume, with every answer delivered in order,
 * when it does. A socket that cannot bound what the kernel keeps unsent (NIO) lets more through before it stops.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowReaderSocketTest {

    private static final int REQUESTS = 1_000;
    private static final int ANSWER_BYTES = 16 << 10;
    /** How long no request may reach the primary to show the proxy stopped relaying the client's requests. */
    private static final Duration HELD_BACK = Duration.ofSeconds(1);
    /** What a loopback socket that is not read takes in before its window closes (generously: 128 KiB measured). */
    private static final long RECEIVE_WINDOW = 512 << 10;
    /** What the kernel keeps of a socket's unsent bytes where the transport cannot bound it (NIO): about 4 MB. */
    private static final long UNBOUNDED_SEND_BUFFER = 4 << 20;

    private ProxyServer proxy;

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @ParameterizedTest
    @EnumSource(SocketTransport.class)
    void aClientThatStopsReadingIsHeldBackAndGetsEveryAnswerInOrderOnceItReads(SocketTransport transport)
            throws Exception {
        assumeTrue(transport.available(), () -> transport + " does not run here: " + transport.unavailableBecause());
        ProxyConfig config = ProxyRelayTest.testConfig();
        proxy = ProxyServer.start(config, transport);
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, ProxyRelayTest.PRIMARY_SHUTDOWN_SAP);
            primary.readTimeout(Duration.ofSeconds(30));
            AtomicInteger answered = new AtomicInteger();
            CompletableFuture<Void> primaryAnswers = CompletableFuture.runAsync(() -> answerAll(primary, answered));
            StringBuilder requests = new StringBuilder();
            for (int i = 1; i <= REQUESTS; i++) {
                requests.append("GET k").append(i).append(" .*\n");
            }
            client.send(requests.toString().stripTrailing());

            // the client reads nothing: the proxy relays what its bounds allow, then stops reading the client
            // what the proxy holds for the client (its buffer twice over: waiting for the socket, and on their way),
            // what the socket keeps unsent and what the client's socket took in, plus the first window
            long kernelUnsent = transport.notSentLowWatermark().isPresent() ? ClientBounds.KERNEL_UNSENT_BYTES
                    : UNBOUNDED_SEND_BUFFER;
            long bound = (2L * config.clientBufferBytes() + kernelUnsent + RECEIVE_WINDOW) / ANSWER_BYTES
                    + ClientBounds.FIRST_WINDOW;
            int relayed = settled(answered);
            System.out.printf("%s: %d requests relayed while the client read nothing (bound %d)%n", transport, relayed,
                    bound);
            assertThat(relayed).as("requests relayed while the client read nothing").isBetween(1, (int) bound);

            // the client reads: the proxy reads it again and relays the rest
            List<String> answers = readAnswers(client);
            primaryAnswers.get(10, TimeUnit.SECONDS);
            assertThat(answers).hasSize(REQUESTS);
            for (int i = 0; i < REQUESTS; i++) {
                assertThat(answers.get(i)).as("answer %d", i + 1).startsWith("k" + (i + 1) + " ");
            }
        }
    }

    /** The primary: answers every request (and PING) until it has answered {@link #REQUESTS}. */
    private static void answerAll(FakePrimary primary, AtomicInteger answered) {
        try {
            while (answered.get() < REQUESTS) {
                Frame.Request request = primary.receiveRequest();
                String key = request.lineText().split(" ")[1];
                primary.answer(request, key + " " + "x".repeat(ANSWER_BYTES) + "\n");
                answered.incrementAndGet();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the primary's link failed after " + answered.get() + " answers", e);
        }
    }

    /** The count once it has not changed for {@link #HELD_BACK}. */
    private static int settled(AtomicInteger count) {
        AtomicInteger seen = new AtomicInteger(-1);
        await().pollInterval(Duration.ofMillis(20)).during(HELD_BACK).atMost(Duration.ofSeconds(30)).until(() -> {
            int now = count.get();
            return seen.getAndSet(now) == now;
        });
        return seen.get();
    }

    private static List<String> readAnswers(LineClient client) throws IOException {
        List<String> answers = new ArrayList<>(REQUESTS);
        while (answers.size() < REQUESTS) {
            String line = client.readLine();
            if (line == null) {
                throw new AssertionError("the proxy closed the client after " + answers.size() + " answers");
            }
            answers.add(line);
        }
        return answers;
    }

    /**
     * {@link AnswerMemoryGuard}: answers a client never reads, beyond the proxy's bound for all clients together, close
     * that client, and only it: the proxy keeps its primary and serves the clients that read.
     */
    @Test
    void aClientThatReadsNoneOfItsAnswersIsClosedOnceTheAnswersHeldPassTheBoundAndTheOthersAreServed()
            throws Exception {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withAnswerMemoryBytes(1 << 20));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient silent = new LineClient(proxy.clientAddress());
             LineClient reader = new LineClient(proxy.clientAddress());
             LineClient shutdownPort = new LineClient(proxy.shutdownAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            for (int i = 0; i < 8; i++) {
                silent.send("GET big" + i + " .*");
            }
            // 8 answers of 300 KiB, 2.4 MiB, for a client that reads none: far more than its socket takes in, and
            // than the proxy's bound of 1 MiB for all clients
            String big = "x".repeat(300 << 10) + "\n";
            for (int i = 0; i < 8; i++) {
                primary.answer(primary.receiveRequest(), big);
            }

            await().atMost(Duration.ofSeconds(10)).until(
                    () -> new ObjectMapper().readTree(shutdownPort.send("STATUS").readLine()).path("proxy").path("clients").asInt(),
                    clients -> clients == 1);
            assertThat(silent.closedByPeer()).as("the client that read nothing was closed").isTrue();

            reader.send("GET small .*");
            Frame frame = primary.receive();
            assertThat(frame).as("the proxy tells the primary the closed client is gone")
                    .isInstanceOf(Frame.Closed.class);
            Frame.Request request = primary.receiveRequest();
            primary.answer(request, "ok 0 pairs\nend\n");
            assertThat(reader.readLine()).isEqualTo("ok 0 pairs");
            assertThat(proxy.primaryRegistered()).as("the primary's link is kept").isTrue();
        }
    }
}
