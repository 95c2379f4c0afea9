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

/**
 * Clients that pipeline requests with large answers and do not read them (docs/internals.md "Proxy bounds"): the
 * proxy stops reading such a client once it holds about its buffer bound of answers for it, so TCP pushes back on
 * it; it reads it again when it drains; other clients and the primary link are not held up meanwhile. Embedded
 * channels, no sockets, no clock.
 */
@Timeout(10)
class SlowReaderBackpressureTest {

    private static final int BUFFER = 1 << 20;
    /** A {@code GET k,.* .*} on 2,000 pairs answers about 70 KB. */
    private static final String LARGE_ANSWER = "x".repeat(70_000) + "\n";
    private static final int PIPELINED = 10_000;

    private final EmbeddedChannel control = new EmbeddedChannel();
    private final ProxyConfig config = ProxyConfig.withDefaults(new Sap("127.0.0.1", 0), new Sap("127.0.0.1", 0),
            new Sap("127.0.0.1", 0)).withPrimaryTimeout(Duration.ofHours(1)).withClientBufferBytes(BUFFER);
    private final ClientSessions sessions = new ClientSessions(config.maxClients(), 0x5107);
    private final ProxyContext context = new ProxyContext(config, 4242, sessions,
            new PrimaryRegistry(4242, sessions, Duration.ofMillis(200),
                    Duration.ZERO), control.eventLoop(),
            ProxyInitializer.refusedPeers(), new RefusalLog());
    private final EmbeddedChannel primary = new EmbeddedChannel(new PrimaryBackendHandler(context,
            new PrimaryLinkPinger(context.config().pingInterval().toNanos())));
    private final List<Frame.Request> forwarded = new ArrayList<>();

    @Test
    void aClientThatNeverReadsIsNoLongerReadOnceItsAnswersFillItsBuffer() {
        register();
        EmbeddedChannel slow = client();
        UnreadSocket socket = UnreadSocket.on(slow);
        writeLines(slow, "GET k,.* .*\n".repeat(PIPELINED));

        answerEverythingForwarded(); // the primary answers whatever comes, one answer per read batch

        assertThat(slow.config().isAutoRead()).isFalse();
        assertThat(slow.isWritable()).isFalse();
        // the answers waiting for its socket and those on their way when it was stopped: about two buffers
        assertThat(socket.waitingBytes()).isBetween((long) BUFFER, 2L * BUFFER + LARGE_ANSWER.length());
        // a handful of requests, not the 1024 of the count bound (70 MB of answers), nor the 10,000 it sent
        assertThat(forwarded.size()).isLessThan(2 * BUFFER / LARGE_ANSWER.length() + ClientBounds.FIRST_WINDOW);
        assertThat(sessions.undelivered()).isZero(); // everything forwarded was answered and handed to the channel
    }

    @Test
    void readingResumesWhenTheClientDrainsItsAnswersAndItGetsEveryAnswerInOrder() {
        register();
        EmbeddedChannel slow = client();
        UnreadSocket socket = UnreadSocket.on(slow);
        int total = 200;
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= total; i++) {
            lines.append("GET k").append(i).append(",.* .*\n");
        }
        writeLines(slow, lines.toString());
        answerEverythingForwarded();
        int beforeDraining = forwarded.size();
        assertThat(slow.config().isAutoRead()).isFalse();

        socket.startReading(); // the client catches up with its answers, and from now on reads them
        slow.runPendingTasks();
        answerEverythingForwarded();

        assertThat(beforeDraining).isLessThan(total);
        assertThat(forwarded).hasSize(total);
        assertThat(slow.config().isAutoRead()).isTrue();
        assertThat(forwarded).extracting(Frame.Request::seq).isSorted().doesNotHaveDuplicates();
        List<String> delivered = answers(slow);
        assertThat(delivered).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(delivered.get(i)).startsWith(forwarded.get(i).seq() + ":");
        }
    }

    @Test
    void aWellBehavedClientIsServedAtOnceWhileASlowReaderIsHeldBackAndThePrimaryLinkIsAlwaysRead() {
        register();
        EmbeddedChannel slow = client();
        UnreadSocket.on(slow);
        writeLines(slow, "GET k,.* .*\n".repeat(PIPELINED));
        answerEverythingForwarded();
        assertThat(slow.config().isAutoRead()).isFalse();

        EmbeddedChannel good = client();
        writeLines(good, "GET k,1 .*\n");
        List<Frame.Request> requests = takeForwarded();
        assertThat(requests).singleElement().satisfies(request -> assertThat(request.lineText()).isEqualTo("GET k,1 .*"));
        primary.writeInbound(new Frame.Answer(requests.get(0).conn(), 1, "ok k,1\n"));
        assertThat(answers(good)).containsExactly("ok k,1\n");
        assertThat(good.config().isAutoRead()).isTrue();
        assertThat(primary.config().isAutoRead()).isTrue(); // one client's backlog never stops the link
    }

    @Test
    void requestsInFlightShrinkToWhatTheBufferHoldsOfTheirAnswers() {
        register();
        EmbeddedChannel client = client(); // it reads: only the answers still to come bound it
        writeLines(client, "GET k,.* .*\n".repeat(PIPELINED));
        List<Frame.Request> first = takeForwarded();
        assertThat(first).hasSize(ClientBounds.FIRST_WINDOW); // before any answer tells how large they are

        primary.writeInbound(answerTo(first.get(0)));
        answers(client);
        // 15 more answers of 70 KB are still to come: about the whole buffer, so nothing more is read yet
        assertThat(takeForwarded()).isEmpty();
        assertThat(client.config().isAutoRead()).isFalse();
        for (Frame.Request request : first.subList(1, first.size())) {
            primary.writeInbound(answerTo(request));
            answers(client);
        }
        // at most one buffer of such answers on its way at any time from now on
        List<Frame.Request> next = takeForwarded();
        assertThat(next).isNotEmpty();
        assertThat((long) next.size() * LARGE_ANSWER.length()).isLessThanOrEqualTo(BUFFER + LARGE_ANSWER.length());
    }

    @Test
    void requestLinesAreBoundedTooWhileThePrimaryHasNotAnsweredThem() {
        register();
        EmbeddedChannel client = new EmbeddedChannel(new ClientLineDecoder(256 << 10, 512 << 10),
                new ClientFrontendHandler(context));
        String line = "PUT " + "v".repeat(200_000);
        writeLines(client, (line + "\n").repeat(20));
        List<Frame.Request> requests = takeForwarded();
        assertThat(requests).hasSize(BUFFER / line.length() + 1); // the one that reached the bound was read
        assertThat(client.config().isAutoRead()).isFalse();
    }

    private void register() {
        primary.writeInbound(new Frame.Register(1, 101, 101, new Sap("127.0.0.1", 9), 0, 0));
        assertThat((Object) primary.readOutbound()).isEqualTo(new Frame.Registered(4242));
    }

    private EmbeddedChannel client() {
        return new EmbeddedChannel(new ClientLineDecoder(config.maxLineBytes(), config.clientBufferBytes()),
                new ClientFrontendHandler(context));
    }

    /** Answers every request forwarded, each in a read batch of its own, until no more come. */
    private void answerEverythingForwarded() {
        for (List<Frame.Request> batch = takeForwarded(); !batch.isEmpty(); batch = takeForwarded()) {
            for (Frame.Request request : batch) {
                primary.writeInbound(answerTo(request));
            }
        }
    }

    private static Frame.Answer answerTo(Frame.Request request) {
        return new Frame.Answer(request.conn(), request.seq(), request.seq() + ":" + LARGE_ANSWER);
    }

    /** The REQUEST frames flushed to the primary since the last call (the link flushes once per loop turn). */
    private List<Frame.Request> takeForwarded() {
        primary.runPendingTasks();
        List<Frame.Request> requests = new ArrayList<>();
        for (Object frame = primary.readOutbound(); frame != null; frame = primary.readOutbound()) {
            if (frame instanceof Frame.Request request) {
                requests.add(request);
            }
        }
        forwarded.addAll(requests);
        return requests;
    }

    private static void writeLines(EmbeddedChannel client, String text) {
        client.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** The answers the client's socket took, one per element (each is written as one buffer). */
    private static List<String> answers(EmbeddedChannel client) {
        List<String> answers = new ArrayList<>();
        for (ByteBuf part = client.readOutbound(); part != null; part = client.readOutbound()) {
            answers.add(part.toString(StandardCharsets.UTF_8));
            part.release();
        }
        return answers;
    }
}
