package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tuplespace.codec.frame.Frame;

/**
 * Real sockets, with the default single event loop and with several (sessions then sit on other loops than the
 * primary link): writes to the primary and to clients are flushed per loop turn, not per frame, and that must neither
 * reorder anything (docs/protocol.md) nor keep a lone request or answer waiting for a later one.
 */
@Timeout(30)
class ProxyCoalescingTest {
    private static final int CLIENTS = 6;
    /** As many as a fresh client may have in flight before its first answer arrives ({@link ClientBounds}). */
    private static final int PIPELINE = ClientBounds.FIRST_WINDOW;

    private ProxyServer proxy;

    @AfterEach
    void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @ParameterizedTest(name = "io threads {0}")
    @ValueSource(ints = {1, 3})
    void pipelinedRequestsOfManyClientsArriveInOrderAndEveryClientGetsItsAnswersInOrder(int ioThreads)
            throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withIoThreads(ioThreads));
        List<LineClient> clients = new ArrayList<>();
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            primary.register(1, ProxyRelayTest.PRIMARY_SHUTDOWN_SAP);
            FlushCounter linkFlushes = FlushCounter.on(proxy.primaryLinkChannel());
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(new LineClient(proxy.clientAddress()));
            }
            // every client writes its whole pipeline in one go, all clients at once
            for (int c = 0; c < CLIENTS; c++) {
                StringBuilder lines = new StringBuilder();
                for (int i = 1; i <= PIPELINE; i++) {
                    lines.append("GET c").append(c).append('-').append(i).append(" .*\n");
                }
                clients.get(c).sendRaw(lines.toString().getBytes(StandardCharsets.UTF_8));
            }
            List<Frame.Request> received = new ArrayList<>();
            for (int i = 0; i < CLIENTS * PIPELINE; i++) {
                received.add(primary.receiveRequest());
            }
            if (ioThreads == 1) {
                // each client's pipeline is read at once and its requests leave in one flush, not one per request
                // (bound loose enough for split reads and a PING)
                assertThat(linkFlushes.count()).isLessThan(CLIENTS * PIPELINE / 4);
            }
            // per conn, the primary sees seq 1, 2, ... with the lines in the order the client wrote them
            Map<Long, List<Frame.Request>> byConn = new HashMap<>();
            received.forEach(request -> byConn.computeIfAbsent(request.conn(), ignored -> new ArrayList<>())
                    .add(request));
            assertThat(byConn).hasSize(CLIENTS);
            for (List<Frame.Request> requests : byConn.values()) {
                String client = requests.get(0).lineText().substring(4, requests.get(0).lineText().indexOf('-'));
                for (int i = 0; i < PIPELINE; i++) {
                    assertThat(requests.get(i).seq()).isEqualTo(i + 1);
                    assertThat(requests.get(i).lineText()).isEqualTo("GET " + client + "-" + (i + 1) + " .*");
                }
            }
            // answers in a shuffled order, many per write: each client still reads them in its own order
            List<Frame.Request> shuffled = new ArrayList<>(received);
            Collections.shuffle(shuffled, new Random(42));
            for (int from = 0; from < shuffled.size(); from += 25) {
                primary.sendAll(shuffled.subList(from, Math.min(shuffled.size(), from + 25)).stream()
                        .map(request -> new Frame.Answer(request.conn(), request.seq(), "ok " + request.lineText() + "\n"))
                        .toList());
            }
            for (int c = 0; c < CLIENTS; c++) {
                for (int i = 1; i <= PIPELINE; i++) {
                    assertThat(clients.get(c).readLine()).isEqualTo("ok GET c" + c + "-" + i + " .*");
                }
            }
        } finally {
            for (LineClient client : clients) {
                client.close();
            }
        }
    }

    @ParameterizedTest(name = "io threads {0}")
    @ValueSource(ints = {1, 3})
    void aLoneRequestAndItsAnswerGoOutWithoutWaitingForAnotherOne(int ioThreads) throws IOException {
        proxy = ProxyServer.start(ProxyRelayTest.testConfig().withIoThreads(ioThreads));
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress());
             LineClient client = new LineClient(proxy.clientAddress())) {
            primary.register(1, ProxyRelayTest.PRIMARY_SHUTDOWN_SAP);
            for (int round = 1; round <= 3; round++) {
                client.send("GET lone" + round + " .*");
                // nothing else is sent: were the write left unflushed, this read would time out
                Frame.Request request = primary.receiveRequest();
                assertThat(request.seq()).isEqualTo(round);
                primary.answer(request, "answer " + round + "\n");
                assertThat(client.readLine()).isEqualTo("answer " + round);
            }
        }
    }
}
