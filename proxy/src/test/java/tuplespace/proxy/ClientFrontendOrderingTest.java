package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;

/** The front end and back end on embedded channels: tagging, ordering, resending; no sockets, no clock waits. */
@Timeout(10)
class ClientFrontendOrderingTest {

    private final EmbeddedChannel control = new EmbeddedChannel();
    private final ProxyConfig config = ProxyConfig.withDefaults(new Sap("127.0.0.1", 0), new Sap("127.0.0.1", 0),
            new Sap("127.0.0.1", 0)).withMaxClients(2).withMaxLineBytes(64).withPrimaryTimeout(Duration.ofHours(1));
    private final ClientSessions sessions = new ClientSessions(config.maxClients(), 0x7E57);
    private final ProxyContext context = new ProxyContext(config, 4242, sessions,
            new PrimaryRegistry(4242, sessions, Duration.ofMillis(200),
                    Duration.ZERO), control.eventLoop(),
            ProxyInitializer.refusedPeers(), new RefusalLog());

    @Test
    void requestsAreTaggedAndAnswersComeBackInRequestOrder() {
        EmbeddedChannel primary = registeredPrimary(1);
        EmbeddedChannel client = client();

        writeLines(client, "GET a .*\nGET b .*\nGET c .*\n");
        List<Frame.Request> requests = requests(primary);
        assertThat(requests).extracting(Frame.Request::seq).containsExactly(1L, 2L, 3L);
        assertThat(requests).extracting(Frame.Request::floor).containsOnly(0L);
        assertThat(requests).extracting(Frame.Request::lineText).containsExactly("GET a .*", "GET b .*", "GET c .*");
        long conn = requests.get(0).conn();

        primary.writeInbound(new Frame.Answer(conn, 3, "C\n"));
        primary.writeInbound(new Frame.Answer(conn, 2, "B\n"));
        client.runPendingTasks();
        assertThat(answers(client)).isEmpty(); // answers in request order: seq 1 first
        primary.writeInbound(new Frame.Answer(conn, 1, "A\n"));
        client.runPendingTasks();
        assertThat(answers(client)).isEqualTo("A\nB\nC\n");

        writeLines(client, "GET d .*\n");
        assertThat(requests(primary)).singleElement().satisfies(request -> {
            assertThat(request.seq()).isEqualTo(4);
            assertThat(request.floor()).isEqualTo(3); // the proxy delivered up to 3
        });
    }

    @Test
    void twoClientsGetDistinctConnsAndTheirOwnAnswers() {
        EmbeddedChannel primary = registeredPrimary(1);
        EmbeddedChannel first = client();
        EmbeddedChannel second = client();
        writeLines(first, "one\n");
        writeLines(second, "two\n");
        List<Frame.Request> requests = requests(primary);
        assertThat(requests).extracting(Frame.Request::conn).doesNotHaveDuplicates();

        primary.writeInbound(new Frame.Answer(requests.get(1).conn(), 1, "for two\n"));
        primary.writeInbound(new Frame.Answer(requests.get(0).conn(), 1, "for one\n"));
        first.runPendingTasks();
        second.runPendingTasks();
        assertThat(answers(first)).isEqualTo("for one\n");
        assertThat(answers(second)).isEqualTo("for two\n");
    }

    @Test
    void aNewPrimaryAfterTheOldOneIsLostGetsEveryUnansweredRequestAgainInOrder() {
        EmbeddedChannel oldPrimary = registeredPrimary(1);
        EmbeddedChannel client = client();
        writeLines(client, "a\nb\nc\n");
        long conn = requests(oldPrimary).get(0).conn();
        oldPrimary.writeInbound(new Frame.Answer(conn, 2, "B\n"));
        client.runPendingTasks();
        oldPrimary.close(); // lost: a higher epoch does not replace a primary whose link is alive
        client.runPendingTasks();

        EmbeddedChannel newPrimary = registeredPrimary(2);
        client.runPendingTasks(); // the registry hops to the client's loop
        assertThat(requests(newPrimary)).extracting(Frame.Request::seq).containsExactly(1L, 3L);

        newPrimary.writeInbound(new Frame.Answer(conn, 1, "A\n"));
        client.runPendingTasks();
        assertThat(answers(client)).isEqualTo("A\nB\n"); // B, answered by the old primary, waited for A
        newPrimary.writeInbound(new Frame.Answer(conn, 3, "C\n"));
        client.runPendingTasks();
        assertThat(answers(client)).isEqualTo("C\n");
    }

    @Test
    void requestsWaitWhileNoPrimaryIsRegisteredAndAreSentWhenOneIs() {
        EmbeddedChannel client = client();
        writeLines(client, "a\nb\n");
        assertThat(sessions.undelivered()).isEqualTo(2);

        EmbeddedChannel primary = registeredPrimary(5);
        client.runPendingTasks();
        assertThat(requests(primary)).extracting(Frame.Request::lineText).containsExactly("a", "b");
    }

    @Test
    void aStaleEpochIsRefusedAndClosed() {
        registeredPrimary(3);
        EmbeddedChannel stale = primaryChannel();
        stale.writeInbound(new Frame.Register(3, 77, 77, new Sap("127.0.0.1", 9), 0, 0));
        assertThat((Object) stale.readOutbound()).isEqualTo(new Frame.StaleEpoch(3));
        assertThat(stale.isOpen()).isFalse();
    }

    @Test
    void theClientBeyondTheCapIsRefusedAndClosedWhileOthersWork() {
        EmbeddedChannel primary = registeredPrimary(1);
        EmbeddedChannel first = client();
        client();
        EmbeddedChannel third = client();
        assertThat(answers(third)).contains("refused").contains("already serves 2 clients");
        assertThat(third.isOpen()).isFalse();

        writeLines(first, "still here\n");
        assertThat(requests(primary)).extracting(Frame.Request::lineText).containsExactly("still here");
    }

    @Test
    void aClientPipeliningFarMoreThanTheCapIsReadOnlyAsAnswersDrainAndGetsEveryAnswerInOrder() {
        EmbeddedChannel primary = registeredPrimary(1);
        EmbeddedChannel client = client();
        int total = 5 * Frame.Request.MAX_IN_FLIGHT;
        StringBuilder lines = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= total; i++) {
            lines.append("GET k").append(i).append(" .*\n");
            expected.append("A").append(i).append('\n');
        }
        writeLines(client, lines.toString()); // everything at once: the decoder keeps what the cap holds back

        StringBuilder delivered = new StringBuilder();
        int received = 0;
        while (received < total) {
            List<Frame.Request> batch = requests(primary);
            assertThat(batch).as("requests sent after %d", received).isNotEmpty();
            received += batch.size();
            assertThat(sessions.undelivered()).isLessThanOrEqualTo(Frame.Request.MAX_IN_FLIGHT);
            assertThat(batch.size()).isLessThanOrEqualTo(Frame.Request.MAX_IN_FLIGHT);
            if (received < total) {
                assertThat(client.config().isAutoRead()).isFalse(); // the cap stopped reading the client
            }
            for (Frame.Request request : batch) {
                primary.writeInbound(new Frame.Answer(request.conn(), request.seq(), "A" + request.seq() + "\n"));
                // one hop at a time: an embedded channel runs queued tasks inside write, recursively
                client.runPendingTasks();
            }
            delivered.append(answers(client));
        }
        assertThat(delivered.toString()).isEqualTo(expected.toString());
        assertThat(client.config().isAutoRead()).isTrue();
        assertThat(sessions.undelivered()).isZero();
    }

    @Test
    void clientsAreNotReadWhileThePrimaryLinkIsNotWritable() {
        EmbeddedChannel primary = registeredPrimary(1);
        EmbeddedChannel client = client();
        primary.config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(1, 2));
        primary.unsafe().outboundBuffer().addMessage(Unpooled.wrappedBuffer(new byte[64]), 64,
                primary.newPromise()); // a primary that does not keep up: its link is over the high mark
        assertThat(primary.isWritable()).isFalse();
        control.runPendingTasks();
        primary.pipeline().fireChannelWritabilityChanged();
        client.runPendingTasks();
        assertThat(client.config().isAutoRead()).isFalse();
    }

    @Test
    void aClosedClientIsToldToThePrimary() {
        EmbeddedChannel primary = registeredPrimary(1);
        EmbeddedChannel client = client();
        writeLines(client, "a\n");
        long conn = requests(primary).get(0).conn();
        client.close();
        control.runPendingTasks();
        primary.runPendingTasks();
        assertThat((Object) primary.readOutbound()).isEqualTo(new Frame.Closed(conn));
        assertThat(sessions.clients()).isZero();
        assertThat(sessions.undelivered()).isZero();
    }

    @Test
    void answersReadInOneBatchReachTheirClientInOneFlushAndALoneAnswerAtOnce() {
        EmbeddedChannel primary = registeredPrimary(1);
        EmbeddedChannel client = client();
        writeLines(client, "a\nb\nc\n");
        long conn = requests(primary).get(0).conn();
        FlushCounter flushes = FlushCounter.on(client);

        // one read batch of the primary link (one channelReadComplete)
        primary.writeInbound(new Frame.Answer(conn, 2, "B\n"), new Frame.Answer(conn, 1, "A\n"),
                new Frame.Answer(conn, 3, "C\n"));
        assertThat(answers(client)).isEqualTo("A\nB\nC\n");
        assertThat(flushes.count()).isEqualTo(1);

        writeLines(client, "d\n");
        primary.writeInbound(new Frame.Answer(conn, 4, "D\n"));
        assertThat(answers(client)).isEqualTo("D\n");
        assertThat(flushes.count()).isEqualTo(2);
    }

    @Test
    void smallAnswersDeliveredTogetherLeaveAsOneBufferAndALargeOneAsItCame() {
        EmbeddedChannel primary = registeredPrimary(1);
        EmbeddedChannel client = client();
        writeLines(client, "a\nb\nc\nd\ne\n");
        long conn = requests(primary).get(0).conn();
        String large = "L".repeat(AnswerBatch.COPY_LIMIT) + "\n";

        // one read batch: seq 1-2 small, 3 large, 4-5 small; 5 first, so order is the session's doing
        primary.writeInbound(new Frame.Answer(conn, 5, "E\n"), new Frame.Answer(conn, 2, "B\n"),
                new Frame.Answer(conn, 1, "A\n"), new Frame.Answer(conn, 3, large), new Frame.Answer(conn, 4, "D\n"));
        List<String> buffers = outboundBuffers(client);
        assertThat(buffers).containsExactly("A\nB\n", large, "D\nE\n");

        // answers of separate read batches: one buffer each, at once
        writeLines(client, "f\ng\n");
        primary.writeInbound(new Frame.Answer(conn, 6, "F\n"));
        assertThat(outboundBuffers(client)).containsExactly("F\n");
        primary.writeInbound(new Frame.Answer(conn, 7, "G\n"));
        assertThat(outboundBuffers(client)).containsExactly("G\n");
    }

    @Test
    void answersAreDeliveredWhenTheirEarlierOnesComeInALaterBatch() {
        EmbeddedChannel primary = registeredPrimary(1);
        EmbeddedChannel client = client();
        writeLines(client, "a\nb\nc\n");
        long conn = requests(primary).get(0).conn();
        primary.writeInbound(new Frame.Answer(conn, 3, "C\n"), new Frame.Answer(conn, 2, "B\n"));
        assertThat(outboundBuffers(client)).isEmpty();
        primary.writeInbound(new Frame.Answer(conn, 1, "A\n"));
        assertThat(outboundBuffers(client)).containsExactly("A\nB\nC\n");
        assertThat(sessions.undelivered()).isZero();
    }

    private EmbeddedChannel registeredPrimary(long epoch) {
        EmbeddedChannel primary = primaryChannel();
        primary.writeInbound(new Frame.Register(epoch, 100 + epoch, 100 + epoch, new Sap("127.0.0.1", 9), 0, 0));
        assertThat((Object) primary.readOutbound()).isEqualTo(new Frame.Registered(4242));
        return primary;
    }

    private EmbeddedChannel primaryChannel() {
        return new EmbeddedChannel(new PrimaryBackendHandler(context,
                new PrimaryLinkPinger(context.config().pingInterval().toNanos())));
    }

    private EmbeddedChannel client() {
        return new EmbeddedChannel(new ClientLineDecoder(config.maxLineBytes(), config.clientBufferBytes()),
                new ClientFrontendHandler(context));
    }

    private static void writeLines(EmbeddedChannel client, String text) {
        client.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** The REQUEST frames the proxy flushed to {@code primary}, once the link's loop finished its turn. */
    private static List<Frame.Request> requests(EmbeddedChannel primary) {
        primary.runPendingTasks(); // PrimaryLink flushes once per loop turn, in a task
        List<Frame.Request> requests = new ArrayList<>();
        for (Object frame = primary.readOutbound(); frame != null; frame = primary.readOutbound()) {
            if (frame instanceof Frame.Request request) {
                requests.add(request);
            }
        }
        return requests;
    }

    /** Each buffer written to {@code client}, decoded, in order (released). */
    private static List<String> outboundBuffers(EmbeddedChannel client) {
        List<String> buffers = new ArrayList<>();
        for (ByteBuf part = client.readOutbound(); part != null; part = client.readOutbound()) {
            buffers.add(part.toString(StandardCharsets.UTF_8));
            part.release();
        }
        return buffers;
    }

    private static String answers(EmbeddedChannel client) {
        StringBuilder text = new StringBuilder();
        for (ByteBuf part = client.readOutbound(); part != null; part = client.readOutbound()) {
            text.append(part.toString(StandardCharsets.UTF_8));
            part.release();
        }
        return text.toString();
    }
}
