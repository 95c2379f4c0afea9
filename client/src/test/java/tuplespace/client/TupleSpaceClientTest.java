package tuplespace.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.client.testing.FakeLineServer;
import tuplespace.codec.Answers;
import tuplespace.codec.Status;
import tuplespace.tuple.Pair;

/** The library against a fake line server on loopback: answers, pipelining, and each failure kind. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TupleSpaceClientTest {

    private static final ClientOptions OPTIONS = ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(10));

    private static TupleSpaceClient connect(FakeLineServer server, ClientOptions options) {
        return TupleSpaceClient.connect("127.0.0.1", server.port(), options);
    }

    @Test
    void theFourOperatorsGiveTypedAnswers() throws IOException {
        try (FakeLineServer server = FakeLineServer.withSpace(); TupleSpaceClient space = connect(server, OPTIONS)) {
            assertThat(space.put(List.of(Pair.of("user,1", "alice"), Pair.of("user,2", "bob,admin"))).pairs()).isEmpty();
            // PUT answers the pairs NOT added: user,1 is already there.
            assertThat(space.put(List.of(Pair.of("user,1", "carol"))).pairs()).containsExactly(Pair.of("user,1", "carol"));

            assertThat(space.get("user,.*", ".*").pairs())
                    .containsExactly(Pair.of("user,1", "alice"), Pair.of("user,2", "bob,admin"));

            // POST answers the pairs NOT used: user,3 is absent.
            assertThat(space.post(List.of(Pair.of("user,2", "bob"), Pair.of("user,3", "dave"))).pairs())
                    .containsExactly(Pair.of("user,3", "dave"));
            assertThat(space.get("user,2", ".*").pairs()).containsExactly(Pair.of("user,2", "bob"));

            assertThat(space.delete("user,1", ".*").pairs()).containsExactly(Pair.of("user,1", "alice"));
            assertThat(space.get(".*", ".*").pairs()).containsExactly(Pair.of("user,2", "bob"));
        }
    }

    @Test
    void aMalformedPatternIsAnEmptyOkAnswerWithItsWarning() throws IOException {
        try (FakeLineServer server = FakeLineServer.withSpace(); TupleSpaceClient space = connect(server, OPTIONS)) {
            Answer answer = space.get("user,(", ".*");
            assertThat(answer.pairs()).isEmpty();
            assertThat(answer.warning()).isPresent();
            assertThat(answer.note()).isEmpty();
        }
    }

    @Test
    void aPatternPythonOnlyWarnsAboutIsAFullAnswerWithANoteAndNoWarning() throws IOException {
        try (FakeLineServer server = FakeLineServer.withSpace(); TupleSpaceClient space = connect(server, OPTIONS)) {
            space.put(List.of(Pair.of("a", "x"), Pair.of("b", "y")));
            Answer answer = space.get("[[a]", ".*");
            assertThat(answer.pairs()).containsExactly(Pair.of("a", "x"));
            assertThat(answer.warning()).isEmpty();
            assertThat(answer.note()).contains("keyexp: Possible nested set at position 1");
        }
    }

    @Test
    void manyRequestsAreInFlightAtOnceAndEachGetsItsOwnAnswer() throws Exception {
        int count = 50;
        // The server answers nothing until all 50 have arrived: the test only ends if they were pipelined.
        try (FakeLineServer server = FakeLineServer.holdingAnswersUntil(count);
             TupleSpaceClient space = connect(server, OPTIONS)) {
            List<CompletableFuture<Answer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                answers.add(i % 2 == 0 ? space.putAsync(List.of(Pair.of("k," + i, "v" + i)))
                        : space.getAsync("k," + (i - 1), ".*"));
            }
            for (int i = 1; i < count; i += 2) {
                assertThat(answers.get(i).get().pairs()).containsExactly(Pair.of("k," + (i - 1), "v" + (i - 1)));
                assertThat(answers.get(i - 1).get().pairs()).isEmpty();
            }
            assertThat(server.received()).hasSize(count);
        }
    }

    @Test
    void aRequestWithoutAnAnswerTimesOutAndTheConnectionStaysUsable() throws Exception {
        ClientOptions shortTimeout = OPTIONS.withRequestTimeout(Duration.ofMillis(300));
        // Holds the first answer until the second request arrives: the first answer comes after its timeout.
        try (FakeLineServer server = FakeLineServer.holdingAnswersUntil(2);
             TupleSpaceClient space = connect(server, shortTimeout)) {
            assertThatThrownBy(() -> space.put(List.of(Pair.of("a", "1"))))
                    .isInstanceOf(RequestTimeoutException.class).hasMessageContaining("PUT").hasMessageContaining("300 ms");
            // The late answer to the PUT is consumed by its (timed-out) request; the GET gets its own.
            assertThat(space.get("a", ".*").pairs()).containsExactly(Pair.of("a", "1"));
        }
    }

    @Test
    void aRefusalFailsTheRequestAndEveryLaterOne() throws IOException {
        String refusal = Answers.refused("service refused: this proxy already serves 64 clients");
        try (FakeLineServer server = FakeLineServer.greetingAndClosing(refusal);
             TupleSpaceClient space = connect(server, OPTIONS)) {
            // the refusal comes unasked: this request failed with it, or was not sent since it had come already
            assertThatThrownBy(() -> space.get(".*", ".*"))
                    .isInstanceOf(RefusedException.class).hasMessageContaining("the service at 127.0.0.1:"
                            + server.port() + " refused this client and closed the connection: service refused: this"
                            + " proxy already serves 64 clients");
            assertThatThrownBy(() -> space.put(List.of(Pair.of("a", "1")))).isInstanceOf(RefusedException.class)
                    .hasMessage("PUT (id 2) was not sent: the service at 127.0.0.1:" + server.port() + " refused"
                            + " this client and closed the connection: service refused: this proxy already serves 64"
                            + " clients")
                    .satisfies(notSent -> assertThat(((TupleSpaceException) notSent).wasSent()).isFalse());
        }
    }

    @Test
    void unavailableFailsOnlyThatRequest() throws IOException {
        FakeLineServer.Responder responder = FakeLineServer.withSpaceExcept(line -> line.contains("\"GET\"")
                ? Answers.error(line, Status.UNAVAILABLE, "no primary answered within 2000 ms") : null);
        try (FakeLineServer server = FakeLineServer.answering(responder); TupleSpaceClient space = connect(server, OPTIONS)) {
            assertThatThrownBy(() -> space.get(".*", ".*"))
                    .isInstanceOf(UnavailableException.class).hasMessageContaining("no primary answered within 2000 ms");
            assertThat(space.put(List.of(Pair.of("a", "1"))).pairs()).isEmpty();
        }
    }

    @Test
    void malformedAndNotImplementedAnswersAreTheirOwnExceptions() throws IOException {
        FakeLineServer.Responder responder = line -> line.contains("\"PUT\"")
                ? Answers.error(line, Status.MALFORMED, "pairs must be a list of [key, value] pairs")
                : Answers.error(line, Status.NOT_IMPLEMENTED, "operator 'GET' is not implemented");
        try (FakeLineServer server = FakeLineServer.answering(responder); TupleSpaceClient space = connect(server, OPTIONS)) {
            assertThatThrownBy(() -> space.put(List.of(Pair.of("a", "1"))))
                    .isInstanceOf(MalformedRequestException.class).hasMessageContaining("pairs must be a list");
            assertThatThrownBy(() -> space.get(".*", ".*")).isInstanceOf(NotImplementedException.class);
        }
    }

    @Test
    void aClosedConnectionFailsPendingAndLaterRequests() throws IOException {
        try (FakeLineServer server = FakeLineServer.closingAfterFirstRequest();
             TupleSpaceClient space = connect(server, OPTIONS)) {
            assertThatThrownBy(() -> space.get(".*", ".*")).isInstanceOf(ConnectionLostException.class)
                    .hasMessageContaining("closed before the answer came; if it was an update")
                    .hasMessageEndingWith("; nothing ever came back on this connection: if 127.0.0.1:" + server.port()
                            + " is not the proxy's CLIENT_SAP, clients connect there")
                    .satisfies(lost -> assertThat(((TupleSpaceException) lost).wasSent()).isTrue());
            // a request made after the close was never sent: no "may or may not have been applied"
            assertThatThrownBy(() -> space.get(".*", ".*")).isInstanceOf(ConnectionLostException.class)
                    .hasMessage("GET (id 2) was not sent, so nothing was applied: the connection to 127.0.0.1:"
                            + server.port() + " is closed already (the connection closed)")
                    .satisfies(notSent -> assertThat(((TupleSpaceException) notSent).wasSent()).isFalse());
            assertThat(space.isOpen()).isFalse();
        }
    }

    /** The hint about the port is for a connection that never got a word back; one that did is the service's. */
    @Test
    void aConnectionLostAfterAnAnswerDoesNotQuestionThePort() throws IOException {
        AtomicInteger lines = new AtomicInteger();
        FakeLineServer.Responder firstOnly =
                FakeLineServer.withSpaceExcept(line -> lines.incrementAndGet() > 1 ? "" : null);
        try (FakeLineServer server = FakeLineServer.answering(line -> {
            String answer = firstOnly.answer(line);
            return answer.isEmpty() ? null : answer;
        }); TupleSpaceClient space = connect(server, OPTIONS)) {
            assertThat(space.get(".*", ".*").pairs()).isEmpty();
            CompletableFuture<Answer> lost = space.getAsync(".*", ".*");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.received().size() == 2);
            server.close();
            assertThatThrownBy(lost::join).hasCauseInstanceOf(ConnectionLostException.class)
                    .hasMessageContaining("closed before the answer came").hasMessageNotContaining("CLIENT_SAP");
        }
    }

    @Test
    void binaryBytesInsteadOfAnAnswerAreShortenedAndNamedAsAnotherPorts() throws IOException {
        String frames = "\u0000\u0000\u0000\u0009\u0007\u0000\u00009\uFFFDpH".repeat(30);
        try (FakeLineServer server = FakeLineServer.answering(line -> frames + "\n");
             TupleSpaceClient space = connect(server, OPTIONS)) {
            assertThatThrownBy(() -> space.get(".*", ".*")).isInstanceOf(ConnectionLostException.class)
                    .hasMessageContaining("found '\\x00\\x00\\x00\t\\x07")
                    .hasMessageContaining("...' (binary bytes: this port is not where clients connect, the proxy's"
                            + " CLIENT_SAP; it may be another port of the service)")
                    .satisfies(lost -> assertThat(lost.getMessage().length()).isLessThan(500));
        }
    }

    /** A null argument is the caller's mistake: refused at once, naming it, with nothing sent. */
    @Test
    void nullPatternsAndPairsAreRefusedBeforeAnythingIsSent() throws IOException {
        try (FakeLineServer server = FakeLineServer.answering(FakeLineServer.withSpaceExcept(line -> null));
             TupleSpaceClient space = connect(server, OPTIONS)) {
            assertThatThrownBy(() -> space.get(null, ".*")).isInstanceOf(NullPointerException.class)
                    .hasMessage("keyexp");
            assertThatThrownBy(() -> space.deleteAsync(".*", null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("valexp");
            assertThatThrownBy(() -> space.put(null)).isInstanceOf(NullPointerException.class).hasMessage("pairs");
            assertThatThrownBy(() -> space.post(java.util.Arrays.asList(Pair.of("a", "1"), null)))
                    .isInstanceOf(NullPointerException.class).hasMessage("pairs[1]");
            assertThat(space.get(".*", ".*").pairs()).as("nothing was sent").isEmpty();
        }
    }

    @Test
    void anAnswerWithAnotherIdIsAProtocolViolationThatClosesTheConnection() throws IOException {
        FakeLineServer.Responder wrongId = line -> "{\"id\":999,\"status\":\"ok\",\"pairs\":[]}\n";
        try (FakeLineServer server = FakeLineServer.answering(wrongId); TupleSpaceClient space = connect(server, OPTIONS)) {
            assertThatThrownBy(() -> space.get(".*", ".*"))
                    .isInstanceOf(ConnectionLostException.class).hasMessageContaining("999");
        }
    }

    @Test
    void aLineIsSentAsItIsAndItsAnswerComesBackAsReceived() throws IOException {
        try (FakeLineServer server = FakeLineServer.withSpace(); TupleSpaceClient space = connect(server, OPTIONS)) {
            LineAnswer put = space.sendLine("PUT user,1 alice");
            assertThat(put.status()).isEqualTo(Status.OK);
            assertThat(put.text()).endsWith("end\n");

            LineAnswer get = space.sendLine("get user,.* .*");
            assertThat(get.text()).contains("  user,1 alice\n").endsWith("end\n");

            LineAnswer unknown = space.sendLine("TAKE x");
            assertThat(unknown.status()).isEqualTo(Status.NOT_IMPLEMENTED);

            LineAnswer badJson = space.sendLine("{\"id\":5,\"op\":\"PUT\"}");
            assertThat(badJson.status()).isEqualTo(Status.MALFORMED);
            assertThat(badJson.text()).startsWith("{\"id\":5,");
        }
    }

    @Test
    void connectingWhereNobodyListensFailsWithTheAddress() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        assertThatThrownBy(() -> TupleSpaceClient.connect("127.0.0.1", port, OPTIONS))
                .isInstanceOf(ConnectFailedException.class).hasMessageContaining("127.0.0.1:" + port)
                .satisfies(failed -> assertThat(((TupleSpaceException) failed).wasSent()).isFalse());
    }

    /**
     * A blocking call whose thread is interrupted gives up waiting as a timeout does, the flag set again; its request
     * stays on the connection, so the next call gets its own answer, not the late one.
     */
    @Test
    void anInterruptedCallFailsAsATimeoutAndLaterCallsGetTheirOwnAnswers() throws Exception {
        try (FakeLineServer server = FakeLineServer.holdingAnswersUntil(2);
             TupleSpaceClient space = connect(server, OPTIONS)) {
            Thread caller = Thread.currentThread();
            CompletableFuture.runAsync(caller::interrupt,
                    CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
            assertThatThrownBy(() -> space.put(List.of(Pair.of("k,1", "v"))))
                    .isInstanceOf(RequestTimeoutException.class)
                    .hasMessageContaining("interrupted while waiting for the answer; if it was an update");
            assertThat(Thread.interrupted()).as("the interrupt flag, set again").isTrue();

            assertThat(space.get("k,.*", ".*").pairs()).containsExactly(Pair.of("k,1", "v"));
            assertThat(space.isOpen()).isTrue();
        }
    }

    /** A proxy without TLS answers the handshake as a bad line: the failure quotes that line, not its bytes in hex. */
    @Test
    void tlsToAPlainTextServerFailsQuotingWhatItAnswered() throws IOException {
        try (FakeLineServer server = FakeLineServer.greetingAndClosing(
                "malformed: expected a request line in UTF-8, found the byte 0x84 at byte 5 of the line\nend\n")) {
            assertThatThrownBy(() -> connect(server, OPTIONS.withTls(ClientTls.systemTrust())))
                    .isInstanceOf(ConnectFailedException.class)
                    .hasMessage("cannot connect to 127.0.0.1:" + server.port() + ": the TLS handshake failed: the peer"
                            + " answered in plain text, not TLS: 'malformed: expected a request line in UTF-8, found"
                            + " the byte 0x84 at byte 5 of the line' (a proxy started without --tls-cert takes plain"
                            + " connections only)");
        }
    }

    @Test
    void closingFailsWhatIsStillPending() throws Exception {
        try (FakeLineServer server = FakeLineServer.answering(line -> null)) {
            TupleSpaceClient space = connect(server, OPTIONS);
            CompletableFuture<Answer> pending = space.getAsync(".*", ".*");
            space.close();
            assertThatThrownBy(pending::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ConnectionLostException.class);
            assertThatThrownBy(() -> space.get(".*", ".*")).isInstanceOf(ConnectionLostException.class);
        }
    }
}
