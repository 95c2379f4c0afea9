package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.Sap;

@Timeout(20)
class LineCommandClientTest {

    @Test
    void aLineOfTextIsTheAnswer() throws Exception {
        assertThat(answerFrom("ok shutting down\n".getBytes())).isEqualTo("ok shutting down");
    }

    /** A binary port (the proxy's PRIMARY_SAP speaks frames) is named, and its bytes never reach a terminal. */
    @Test
    void binaryBytesAreNotShownAndThePortExpectedIsNamed() {
        byte[] frame = {0, 0, 0, 9, 7, 0, 0, 0x23, 0x1b, '[', '3', '1', 'm', 0, 0, 0, 1, 2, '\n'};
        assertThatThrownBy(() -> answerFrom(frame))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("answered STATUS with binary data, not a line of text: expected a shutdown SAP")
                .hasMessageNotContaining("\u001b");
    }

    /** The proxy's client port reached by mistake answers with its own status word: the port expected is named. */
    @Test
    void aClientPortsAnswerNamesThePortExpected() {
        assertThatThrownBy(() -> answerFrom(("not_implemented: operator 'STATUS' is not implemented (expected GET, PUT,"
                + " POST or DELETE)\nend\n").getBytes()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("answered STATUS as a client port does ('not_implemented: operator 'STATUS' is")
                .hasMessageContaining("expected a shutdown SAP (the proxy's third address or a server's SHUTDOWN_SAP)");
    }

    /** A server's BACKUP_SAP or HEARTBEAT_SAP reached by mistake closes on the line: the ports that do so are named. */
    @Test
    void aPortThatClosesWithoutAnAnswerIsNamedWithThePortsThatDoSo() {
        assertThatThrownBy(() -> answerFrom(new byte[0]))
                .isInstanceOf(IOException.class)
                .hasMessageEndingWith(" closed the connection without answering STATUS: expected a shutdown SAP (the"
                        + " proxy's third address or a server's SHUTDOWN_SAP), which answers every command; a server's"
                        + " BACKUP_SAP and HEARTBEAT_SAP close on a line of text, and so does a process that is"
                        + " stopping");
    }

    /** A SHUTDOWN that went out unanswered (a paused proxy relays it when it runs again) may still happen. */
    @Test
    void aCommandSentAndNotAnsweredInTimeIsSaidToBeStillPossible() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 2, InetAddress.getLoopbackAddress())) {
            Sap sap = new Sap("127.0.0.1", silent.getLocalPort());
            // the backlog accepts the connections; nobody reads or answers
            assertThatThrownBy(() -> new LineCommandClient(sap, Duration.ofMillis(200)).send("SHUTDOWN"))
                    .isInstanceOf(IOException.class)
                    .hasMessage(sap + " did not answer SHUTDOWN within 200 ms; it was sent, so it may still be carried"
                            + " out: check with status before sending it again");
            assertThatThrownBy(() -> new LineCommandClient(sap, Duration.ofMillis(200)).send("STATUS"))
                    .isInstanceOf(IOException.class)
                    .hasMessage(sap + " did not answer STATUS within 200 ms; a proxy answers once it has its primary's"
                            + " own STATUS, or once its --network-timeout (5 s by default) has passed without it: allow"
                            + " --timeout more than that");
        }
    }

    private static String answerFrom(byte[] answer) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    while (in.read() != '\n') {
                        continue; // the command line
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(answer);
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try {
                return new LineCommandClient(new Sap("127.0.0.1", server.getLocalPort()), Duration.ofSeconds(5))
                        .send("STATUS");
            } finally {
                peer.join();
            }
        }
    }
}
