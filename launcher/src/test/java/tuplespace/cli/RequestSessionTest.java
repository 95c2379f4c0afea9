package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.client.ClientOptions;
import tuplespace.client.TupleSpaceClient;
import tuplespace.client.testing.FakeLineServer;

/** The session behind the client command, in-process, against a fake service. */
@Timeout(30)
class RequestSessionTest {

    /** What the session printed: answers, and messages. */
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** A session printing readably to {@link #out} and {@link #err}. */
    private RequestSession session(TupleSpaceClient client, RequestSession.Connector connector) {
        return new RequestSession(client, connector, new PrintWriter(out, true), new PrintWriter(err, true), false);
    }

    /**
     * Ctrl-C at a terminal while an answer is awaited stops the wait and the session goes on: the next request is
     * answered, the late answer dropped. It ended the process, unannounced.
     */
    @Test
    void ctrlCWhileAnAnswerIsAwaitedStopsTheWaitAndTheSessionGoesOn() throws Exception {
        ScheduledExecutorService ctrlC = Executors.newSingleThreadScheduledExecutor();
        // the first answer comes only once the second request is in, as a held request's answer would, in order
        try (FakeLineServer server = FakeLineServer.holdingAnswersUntil(2);
             TupleSpaceClient client = TupleSpaceClient.connect("127.0.0.1", server.port(), ClientOptions.defaults())) {
            RequestLines terminal = new Scripted(true, "PUT a 1", "GET a .*") {
                @Override
                public CtrlC onCtrlC(Runnable action) { // the person presses Ctrl-C 300 ms into the first wait
                    boolean first = out.toString().isEmpty() && err.toString().isEmpty();
                    var press = ctrlC.schedule(() -> {
                        if (first) {
                            action.run();
                        }
                    }, 300, TimeUnit.MILLISECONDS);
                    return () -> press.cancel(false);
                }
            };
            RequestSession session = session(client, () -> client);

            assertThat(session.run(terminal)).isEqualTo(ExitStatus.TIMEOUT);
            assertThat(err.toString()).startsWith("interrupted: interrupted while waiting for the answer; ");
            assertThat(out.toString()).isEqualTo("ok: 1 pair found\n  KEY   VALUE\n  a     1\n");
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        } finally {
            ctrlC.shutdownNow();
        }
    }

    /** A line that is not text is skipped, saying which and why; the lines after it are sent, and the status is 1. */
    @Test
    void aLineThatIsNotTextIsSkippedSayingWhy() throws Exception {
        try (FakeLineServer server = FakeLineServer.withSpace();
             TupleSpaceClient client = TupleSpaceClient.connect("127.0.0.1", server.port(), ClientOptions.defaults())) {
            String why = "expected a request line in UTF-8, found the byte 0xE9 at byte 8 of the line, which is not"
                    + " UTF-8 there";
            RequestLines stdin = new Scripted(false, "PUT a 1", new RequestLines.NotText(why), "GET a .*");
            RequestSession session = session(client, () -> client);

            assertThat(session.run(stdin)).isEqualTo(ExitStatus.NOT_OK);
            assertThat(err.toString()).isEqualTo("tuplespace client: line 2: " + why + "; it is not sent\n");
            assertThat(out.toString()).contains("ok: 1 pair found");
            assertThat(server.received()).hasSize(2);
        }
    }

    /** A Ctrl-C that comes once the answer is in interrupts nothing: it cut the next request's wait short. */
    @Test
    void aCtrlCAfterTheAnswerCameDoesNotCutTheNextWaitShort() throws Exception {
        try (FakeLineServer server = FakeLineServer.withSpace();
             TupleSpaceClient client = TupleSpaceClient.connect("127.0.0.1", server.port(), ClientOptions.defaults())) {
            boolean[] pressed = {false};
            RequestLines terminal = new Scripted(true, "PUT a 1", "GET a .*") {
                @Override
                public CtrlC onCtrlC(Runnable action) { // pressed just as the first answer came, before the wait ended
                    return () -> {
                        if (!pressed[0]) {
                            pressed[0] = true;
                            action.run();
                        }
                    };
                }
            };
            RequestSession session = session(client, () -> client);

            assertThat(session.run(terminal)).isEqualTo(ExitStatus.OK);
            assertThat(err.toString()).isEmpty();
            assertThat(out.toString()).contains("ok: the pair was added").contains("ok: 1 pair found");
        }
    }

    /**
     * A line piped to a command that goes again on a new connection (the last one closed while idle) runs the command
     * once: it ran twice, the first time with nothing to read, since it was started before the line was found unsent.
     */
    @Test
    void aPipedLineSentAgainOnANewConnectionRunsItsCommandOnce(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path runs = dir.resolve("runs");
        String idleRefusal = tuplespace.codec.Answers.refused("service closed this idle connection: nothing sent or"
                + " received for 2s (the proxy's --client-idle-timeout)");
        try (FakeLineServer server = FakeLineServer.answeringOnceThenSaying(idleRefusal)) {
            RequestSession.Connector connector = () -> TupleSpaceClient.connect("127.0.0.1", server.port(),
                    ClientOptions.defaults());
            RequestLines stdin = new Scripted(false, "PUT a 1", "GET a .* | echo run >> " + runs + "; cat > /dev/null");
            try (RequestSession session = session(connector.connect(), connector)) {
                assertThat(session.run(stdin)).as(err.toString()).isEqualTo(ExitStatus.OK);
            }
            assertThat(err.toString()).contains("; connecting again");
            assertThat(java.nio.file.Files.readAllLines(runs)).containsExactly("run");
        }
    }

    /** Lines as a test scripts them: strings, or a {@link RequestLines.NotText} thrown in its turn. */
    private static class Scripted implements RequestLines {
        private final Iterator<Object> items;
        private final boolean interactive;

        Scripted(boolean interactive, Object... items) {
            this.items = List.of(items).iterator();
            this.interactive = interactive;
        }

        @Override
        public String next() throws java.io.IOException {
            Object next = items.hasNext() ? items.next() : null;
            if (next instanceof RequestLines.NotText notText) {
                throw notText;
            }
            return (String) next;
        }

        @Override
        public boolean interactive() {
            return interactive;
        }
    }
}
