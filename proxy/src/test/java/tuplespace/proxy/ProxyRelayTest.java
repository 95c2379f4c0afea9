package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.netty.SocketTransport;

/** Real sockets: the test plays the primary and the clients against a running {@link ProxyServer}. */
@Timeout(20)
class ProxyRelayTest {
    static final Sap LOOPBACK = new Sap("127.0.0.1", 0);
    static final Sap PRIMARY_SHUTDOWN_SAP = new Sap("127.0.0.1", 9);

    private ProxyServer proxy;

    static ProxyConfig testConfig() {
        return ProxyConfig.withDefaults(LOOPBACK, LOOPBACK, LOOPBACK).withIoThreads(2)
                .withPrimaryTimeout(Duration.ofMinutes(1)).withNetworkTimeout(Duration.ofSeconds(2))
                .withShutdownWait(Duration.ofSeconds(3));
    }

    /**
     * A proxy of {@code config} whose registry waits {@code each} wherever a proxy waits seconds (PrimaryRegistry.Waits):
     * for the tests of what happens once such a wait is over, which would otherwise each wait out the proxy's.
     */
    static ProxyServer startWithWaits(ProxyConfig config, Duration each) throws IOException {
        return ProxyServer.start(config, SocketTransport.forManyLinks(), new PrimaryRegistry.Waits(each, each, each,
                each));
    }

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void requestsAreRelayedTaggedAndAnswersReturnInOrderPerConnection() throws IOException {
        proxy = ProxyServer.start(testConfig());
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient alice = new LineClient(proxy.clientAddress());
             LineClient bob = new LineClient(proxy.clientAddress())) {
            assertThat(primary.register(1, PRIMARY_SHUTDOWN_SAP)).isEqualTo(new Frame.Registered(pid()));

            // pipelining: three requests before any answer
            alice.send("GET a1 .*").send("GET a2 .*").send("GET a3 .*");
            List<Frame.Request> aliceRequests = List.of(primary.receiveRequest(), primary.receiveRequest(),
                    primary.receiveRequest());
            bob.send("GET b1 .*");
            Frame.Request bobRequest = primary.receiveRequest();

            assertThat(aliceRequests).extracting(Frame.Request::lineText)
                    .containsExactly("GET a1 .*", "GET a2 .*", "GET a3 .*");
            assertThat(aliceRequests).extracting(Frame.Request::seq).containsExactly(1L, 2L, 3L);
            assertThat(aliceRequests).extracting(Frame.Request::conn).containsOnly(aliceRequests.get(0).conn());
            assertThat(bobRequest.conn()).isNotEqualTo(aliceRequests.get(0).conn());

            // out of order across and within connections
            primary.answer(aliceRequests.get(2), "answer a3\n");
            primary.answer(bobRequest, "answer b1\n");
            primary.answer(aliceRequests.get(0), "answer a1\n");
            assertThat(bob.readLine()).isEqualTo("answer b1");
            primary.answer(aliceRequests.get(1), "answer a2\nend\n");
            assertThat(alice.readLine()).isEqualTo("answer a1");
            assertThat(alice.readLine()).isEqualTo("answer a2");
            assertThat(alice.readLine()).isEqualTo("end");
            assertThat(alice.readLine()).isEqualTo("answer a3");

            alice.send("GET a4 .*");
            Frame.Request fourth = primary.receiveRequest();
            assertThat(fourth.seq()).isEqualTo(4);
            assertThat(fourth.floor()).isEqualTo(3); // everything up to 3 was delivered
        }
    }

    @Test
    void aClientThatLeavesIsReportedClosed() throws IOException {
        proxy = ProxyServer.start(testConfig());
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            Frame.Request request;
            try (LineClient client = new LineClient(proxy.clientAddress())) {
                client.send("GET x .*");
                request = primary.receiveRequest();
            }
            // its end reads as a half-close, so its request is still answered: the answer finds the socket closed
            primary.answer(request, "ok 0 pairs\nend\n");
            assertThat(primary.receive()).isEqualTo(new Frame.Closed(request.conn()));
        }
    }

    @Test
    void anAnswerOverTheFrameLimitIsAnsweredAsAnErrorAndTheLinkStays() throws IOException {
        proxy = ProxyServer.start(testConfig().withMaxLineBytes(64).withMaxFrameBytes(1024));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.send("{\"id\":1,\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}").send("GET k .*");
            Frame.Request huge = primary.receiveRequest();
            Frame.Request small = primary.receiveRequest();
            primary.answer(huge, "{\"id\":1,\"status\":\"ok\",\"pairs\":[\"" + "x".repeat(5_000) + "\"]}\n");
            primary.answer(small, "ok 0 pairs\nend\n");
            assertThat(client.readLine()).contains("\"id\":1").contains("\"status\":\"unavailable\"")
                    .contains("answer too large").contains("at most 1024 bytes");
            assertThat(client.readLine()).isEqualTo("ok 0 pairs");
            assertThat(client.readLine()).isEqualTo("end");
            assertThat(proxy.primaryRegistered()).isTrue(); // the link was not closed
        }
    }

    @Test
    void aClientPipeliningFarBeyondTheCapGetsEveryAnswerInOrder() throws Exception {
        proxy = ProxyServer.start(testConfig());
        int total = 5 * Frame.Request.MAX_IN_FLIGHT + 100;
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            StringBuilder lines = new StringBuilder();
            for (int i = 1; i <= total; i++) {
                lines.append("GET k").append(i).append(" .*\n");
            }
            // the proxy stops reading this client at the cap, so the writes may block: another thread sends
            Thread writer = new Thread(() -> {
                try {
                    client.sendRaw(lines.toString().getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, "pipelining-client");
            writer.start();
            int answered = 0;
            while (answered < total) {
                // the primary answers batches, newest first; at least a first window's worth is always in flight
                // (ClientBounds), at most the cap
                int batchSize = Math.min(ClientBounds.FIRST_WINDOW, total - answered);
                List<Frame.Request> batch = new java.util.ArrayList<>();
                for (int i = 0; i < batchSize; i++) {
                    batch.add(primary.receiveRequest());
                }
                for (int i = batch.size() - 1; i >= 0; i--) {
                    primary.answer(batch.get(i), "ok " + batch.get(i).lineText() + "\n");
                }
                for (int i = answered + 1; i <= answered + batchSize; i++) {
                    assertThat(client.readLine()).isEqualTo("ok GET k" + i + " .*");
                }
                answered += batchSize;
            }
            writer.join(5_000);
        }
    }

    @Test
    void aClientThatShutsItsSideGetsTheAnswersToItsRequestsThenTheEnd() throws IOException {
        proxy = ProxyServer.start(testConfig());
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.send("PUT hc,1 v").send("GET hc,.* .*").shutdownOutput();
            Frame.Request put = primary.receiveRequest();
            Frame.Request get = primary.receiveRequest();
            primary.answer(get, "ok 1 pair\nhc,1 v\nend\n");
            primary.answer(put, "ok 1 pair added\nend\n");
            assertThat(List.of(client.readLine(), client.readLine(), client.readLine(), client.readLine(),
                    client.readLine())).containsExactly("ok 1 pair added", "end", "ok 1 pair", "hc,1 v", "end");
            assertThat(client.readLine()).isNull();
            assertThat(primary.receive()).isEqualTo(new Frame.Closed(put.conn()));
        }
    }

    /**
     * A client that pipelines past its window and shuts its side at once (as {@code printf ... | nc -N} does) while it
     * reads its answers: the end of input reaches the proxy while it holds this client's first window of 16, with the
     * other lines read; every request is carried out and answered in order, then the connection closes.
     */
    @Test
    void aPipelineLongerThanTheWindowSentWithTheEndOfInputIsAnsweredWhole() throws Exception {
        proxy = ProxyServer.start(testConfig());
        int total = 500;
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            StringBuilder lines = new StringBuilder();
            for (int i = 1; i <= total; i++) {
                lines.append("PUT k,").append(i).append(" v\n");
            }
            client.sendRaw(lines.toString().getBytes(StandardCharsets.UTF_8)).shutdownOutput();
            Frame.Request first = primary.receiveRequest();
            Thread.sleep(200); // the input's end reaches the proxy while it holds this client's window: reading is off
            primary.answer(first, "ok 1\n");
            answerEveryRequest(primary, line -> "ok " + line.split(",")[1].split(" ")[0] + "\n");
            for (int i = 1; i <= total; i++) {
                assertThat(client.readLine()).as("answer %d", i).isEqualTo("ok " + i);
            }
            assertThat(client.readLine()).isNull();
        }
    }

    /**
     * A client that pipelines past its limit, far past what the proxy keeps after the end of input, and then shuts its
     * side: the lines past those kept are answered once, {@code malformed}, in the mode of the first of them (a JSON
     * client got a text answer it could not parse), and not carried out.
     */
    @Test
    void linesPastThoseKeptWhenTheInputEndsAreAnsweredInTheirOwnMode() throws Exception {
        proxy = ProxyServer.start(testConfig());
        String request = "{\"id\":1,\"op\":\"GET\",\"key\":\"k\",\"value\":\".*\"}\n";
        int total = 2 * testConfig().clientBufferBytes() / request.length();
        String answer = "{\"status\":\"ok\",\"pairs\":[]}";
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.sendRaw(request.repeat(total).getBytes(StandardCharsets.UTF_8)).shutdownOutput();
            Frame.Request first = primary.receiveRequest();
            Thread.sleep(200); // the input's end reaches the proxy while it holds this client's limit: reading is off
            primary.answer(first, answer + "\n");
            answerEveryRequest(primary, any -> answer + "\n");
            int answered = 0;
            String line;
            while ((line = client.readLine()) != null && line.equals(answer)) {
                answered++;
            }
            assertThat(line).as("the answer after the " + answered + " answers to requests read").isNotNull();
            assertThat(answered).as("requests read or kept").isBetween(total / 2 - 1, total - 1);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).path("status").asText())
                    .as(line).isEqualTo("malformed");
            assertThat(line).contains("requests not read: the input ended while the proxy held this client's limit"
                    + " of unanswered requests, and it keeps " + testConfig().clientBufferBytes() + " bytes of the"
                    + " lines sent after them (--client-buffer); the " + (total - answered) + " lines (");
            assertThat(client.readLine()).isNull();
        }
    }

    /** Answers every request line the proxy sends {@code primary} from now on, on a thread of its own. */
    private static void answerEveryRequest(FakePrimary primary, java.util.function.UnaryOperator<String> answer) {
        Thread answering = new Thread(() -> {
            try {
                while (true) {
                    Frame.Request request = primary.receiveRequest();
                    primary.answer(request, answer.apply(request.line().toString(StandardCharsets.UTF_8)));
                }
            } catch (IOException | AssertionError closed) {
                // the test is over
            }
        }, "fake-primary");
        answering.setDaemon(true);
        answering.start();
    }

    /** What follows the last newline when the input ends may be a line cut short: it is answered, never sent on. */
    @Test
    void bytesAfterTheLastNewlineAtTheEndOfTheInputAreAnsweredMalformedAndNotCarriedOut() throws IOException {
        proxy = ProxyServer.start(testConfig());
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.sendRaw("GET a .*\n{\"op\":\"PUT\",\"pairs\":[[[\"a\",\"1\"],[\"va".getBytes(StandardCharsets.UTF_8))
                    .shutdownOutput();
            Frame.Request get = primary.receiveRequest();
            primary.answer(get, "ok 0 pairs\nend\n");
            assertThat(client.readLine()).isEqualTo("ok 0 pairs");
            assertThat(client.readLine()).isEqualTo("end");
            assertThat(client.readLine()).startsWith("{\"status\":\"malformed\"")
                    .contains("request line unterminated: expected a newline at its end, found the end of the input"
                            + " after 36 bytes; it was not carried out");
            assertThat(client.readLine()).isNull();
            assertThat(primary.receive()).isEqualTo(new Frame.Closed(get.conn())); // no request for the fragment
        }
    }

    @Test
    void aClientThatShutsItsSideWithNothingPendingIsClosedAtOnce() throws IOException {
        proxy = ProxyServer.start(testConfig());
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.send("GET a .*");
            Frame.Request get = primary.receiveRequest();
            primary.answer(get, "ok 0 pairs\nend\n");
            assertThat(client.readLine()).isEqualTo("ok 0 pairs");
            assertThat(client.readLine()).isEqualTo("end");
            client.shutdownOutput();
            client.shortTimeout(); // well under the 2 s an overlong line's close lingers
            assertThat(client.readLine()).isNull();
        }
    }

    /**
     * {@code --client-idle-timeout}: a client that sends nothing is told why and closed, which frees its slot; one
     * whose request is at the primary stays, however long the primary takes.
     */
    @Test
    void anIdleClientIsToldWhyAndClosedWhileOneWithARequestUnderWayStays() throws Exception {
        Duration idleTimeout = Duration.ofSeconds(1);
        // one loop: a closed client's slot is free before the primary hears it closed (the order this test reads in);
        // the fake primary answers no PING: the proxy must not count it silent for the seconds this test takes
        proxy = ProxyServer.start(testConfig().withIoThreads(1).withMaxClients(2).withClientIdleTimeout(idleTimeout)
                .withPing(Duration.ofSeconds(10), 5));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            try (LineClient waiting = new LineClient(proxy.clientAddress());
                 LineClient idle = new LineClient(proxy.clientAddress())) {
                waiting.send("GET slow .*");
                Frame.Request slow = primary.receiveRequest();

                assertThat(idle.readLine()).isEqualTo("{\"status\":\"refused\",\"error\":\"service closed this idle"
                        + " connection: nothing sent or received for 1s (the proxy's --client-idle-timeout)\"}");
                assertThat(idle.readLine()).isNull();
                assertThat(primary.receive()).as("the primary hears it closed").isInstanceOf(Frame.Closed.class);
                try (LineClient third = new LineClient(proxy.clientAddress())) { // in the slot the idle client held
                    third.send("GET c .*");
                    primary.answer(primary.receiveRequest(), "ok 0 pairs\nend\n");
                    assertThat(third.readLine()).isEqualTo("ok 0 pairs");
                }
                Thread.sleep(2 * idleTimeout.toMillis()); // more idle time for the client whose request is under way
                primary.answer(slow, "ok 0 pairs\nend\n");
                assertThat(waiting.readLine()).isEqualTo("ok 0 pairs");
            }
        }
    }

    /**
     * A client the proxy stopped reading while it did not take its answers, and read again once it did, is closed when
     * it then goes idle: reading again fired a read the idle timeout once took as never ending, and the client kept
     * its slot for good.
     */
    @Test
    void aClientReadAgainAfterItsAnswersWaitedIsClosedWhenIdle() throws Exception {
        proxy = ProxyServer.start(testConfig().withIoThreads(1).withClientIdleTimeout(Duration.ofSeconds(1))
                .withClientBufferBytes(ProxyConfig.MIN_CLIENT_BUFFER_BYTES).withPing(Duration.ofSeconds(10), 5));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.send("GET big .*");
            String big = "x".repeat(16 << 20); // far past what the client's socket and buffer hold unread
            primary.answer(primary.receiveRequest(), big + "\nend\n");
            Thread.sleep(200); // the proxy stops reading the client, whose answer waits
            assertThat(client.readLine()).hasSize(big.length());
            assertThat(client.readLine()).isEqualTo("end");

            assertThat(client.readLine()).startsWith("{\"status\":\"refused\",\"error\":\"service closed this idle");
        }
    }

    /**
     * A client that stops reading a long answer for longer than the idle timeout is not idle: the rest of the answer
     * waits for it, whole. Closed then, it got the answer cut short with a plain end of stream, and not even the
     * refusal, which waited behind the answer.
     */
    @Test
    void aClientPausingInALongAnswerGetsItWholeBeforeItIsClosedAsIdle() throws Exception {
        Duration idleTimeout = Duration.ofSeconds(1);
        proxy = ProxyServer.start(testConfig().withIoThreads(1).withClientIdleTimeout(idleTimeout)
                .withPing(Duration.ofSeconds(10), 5));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            client.send("GET big .*");
            String big = "x".repeat(16 << 20); // far past what the sockets hold unread
            primary.answer(primary.receiveRequest(), big + "\nend\n");
            Thread.sleep(3 * idleTimeout.toMillis()); // reads nothing meanwhile

            assertThat(client.readLine()).hasSize(big.length());
            assertThat(client.readLine()).isEqualTo("end");
            assertThat(client.readLine()).startsWith("{\"status\":\"refused\",\"error\":\"service closed this idle");
        }
    }

    /**
     * A client that ended its input while its request is under way gives back its slot: it can send nothing more. A
     * client that closed its socket looks the same, so clients that gave up on updates held for a full disk kept every
     * slot, and nobody could connect even to read (a tester). It still gets its answer.
     */
    @Test
    void aClientThatEndedItsInputWithARequestUnderWayHoldsNoSlot() throws Exception {
        proxy = ProxyServer.start(testConfig().withIoThreads(1).withMaxClients(1).withPing(Duration.ofSeconds(10), 5));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient ended = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            ended.send("PUT held 1");
            Frame.Request held = primary.receiveRequest();
            ended.shutdownOutput();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clients() == 0);

            try (LineClient reader = new LineClient(proxy.clientAddress())) {
                reader.send("GET r .*");
                primary.answer(primary.receiveRequest(), "ok 0 pairs\nend\n");
                assertThat(reader.readLine()).as("a reader is served").isEqualTo("ok 0 pairs");
            }
            primary.answer(held, "ok 0 pairs not added\nend\n");
            assertThat(ended.readLine()).isEqualTo("ok 0 pairs not added");
            assertThat(ended.readLine()).isEqualTo("end");
            assertThat(ended.readLine()).isNull();
            // each slot given back once: a count gone below zero would let one client too many in
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clients() == 0);
            try (LineClient first = new LineClient(proxy.clientAddress());
                 LineClient second = new LineClient(proxy.clientAddress())) {
                first.send("GET f .*");
                Frame frame = primary.receive();
                while (frame instanceof Frame.Closed) { // the two clients before closed
                    frame = primary.receive();
                }
                primary.answer((Frame.Request) frame, "ok 0 pairs\nend\n");
                assertThat(first.readLine()).isEqualTo("ok 0 pairs");
                assertThat(second.readLine()).as("one slot, taken").startsWith("{\"status\":\"refused\"");
            }
        }
    }

    /**
     * A client the proxy itself stopped reading, because the primary's link is full, is not idle: its request waits in
     * the socket and goes to the primary once the link drains. Closed as idle, it was refused for a silence of the
     * proxy's making, its request never read.
     */
    @Test
    void aClientTheProxyStoppedReadingForAFullPrimaryLinkIsNotClosedAsIdle() throws Exception {
        Duration idleTimeout = Duration.ofSeconds(1);
        // a client buffer that lets one client's requests alone fill the primary's link
        proxy = ProxyServer.start(testConfig().withIoThreads(1).withClientIdleTimeout(idleTimeout)
                .withClientBufferBytes(32 << 20).withPing(Duration.ofSeconds(10), 5));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient filler = new LineClient(proxy.clientAddress());
             LineClient waiting = new LineClient(proxy.clientAddress())) {
            primary.register(1, PRIMARY_SHUTDOWN_SAP);
            // the primary reads nothing for now: 16 requests (a fresh client's first window) of almost --max-line fill
            // its link past its high-water mark, 4 MiB, and the sockets' buffers
            String big = "GET " + "k".repeat(1_000_000) + " .*";
            int sent = ClientBounds.FIRST_WINDOW;
            Thread filling = new Thread(() -> {
                try {
                    for (int i = 0; i < sent; i++) {
                        filler.send(big); // blocks once the proxy stops reading this client too
                    }
                } catch (IOException closed) {
                    // the test ended first
                }
            }, "filler");
            filling.setDaemon(true);
            filling.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.primaryLinkChannel().isWritable());

            waiting.send("GET w .*");
            Thread.sleep(3 * idleTimeout.toMillis()); // the proxy reads no client meanwhile

            List<String> received = new java.util.ArrayList<>();
            for (int i = 0; i <= sent; i++) { // the two clients' requests in the order the proxy reads them again
                Frame.Request request = primary.receiveRequest();
                received.add(request.line().toString(StandardCharsets.UTF_8));
                primary.answer(request, "ok 0 pairs\nend\n");
            }
            assertThat(received).contains("GET w .*");
            assertThat(waiting.readLine()).isEqualTo("ok 0 pairs");
        }
    }

    static long pid() {
        return ProcessHandle.current().pid();
    }
}
