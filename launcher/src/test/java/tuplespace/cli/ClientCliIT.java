package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.client.testing.FakeLineServer;
import tuplespace.codec.Answers;
import tuplespace.testing.ManagedProcess;
import tuplespace.testing.ManagedProcess.Result;

/** The launcher's client-side commands as a user runs them: separate JVMs, real sockets, a fake service. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientCliIT {

    @Test
    void helpListsEveryCommandWithOneLineEach() throws Exception {
        Result help = ManagedProcess.runCli(List.of("--help"));
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Commands:")
                .containsPattern("\\n  client +\\S")
                .containsPattern("\\n  shutdown +\\S")
                .containsPattern("\\n  status +\\S")
                .containsPattern("\\n  demo +\\S");
    }

    @Test
    void aBadSapExitsWithStatus2NamingTheArgumentWhatWasExpectedAndWhatWasGiven() throws Exception {
        Result bad = ManagedProcess.runCli(List.of("client", "localhost"));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("CLIENT_SAP").contains("expected").contains("'localhost'");

        Result badPort = ManagedProcess.runCli(List.of("status", "127.0.0.1:http"));
        assertThat(badPort.exitCode()).isEqualTo(2);
        assertThat(badPort.err()).contains("SHUTDOWN_SAP").contains("'127.0.0.1:http'");
    }

    @Test
    void oneShotModePrintsEachAnswerAsSentAndExitsZeroWhenAllAreOk() throws Exception {
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            Result result = ManagedProcess.runCli(List.of("client", server.sap(), "PUT user,1 alice user,2 bob",
                    "GET user,.* .*", "{\"id\":7,\"op\":\"DELETE\",\"key\":\"user,1\",\"value\":\".*\"}"));
            assertThat(result.exitCode()).as(result.err()).isZero();
            // Raw output: text answers in text mode (summary line ... end), the JSON answer as one line.
            assertThat(result.out()).startsWith("ok ")
                    .contains("\nend\nok 2 pairs\n  user,1 alice\n  user,2 bob\nend\n")
                    .endsWith("end\n{\"id\":7,\"status\":\"ok\",\"pairs\":[[[\"user\",\"1\"],[\"alice\"]]]}\n");
        }
    }

    @Test
    void oneShotModeExitsOneWhenAnAnswerIsNotOkButStillSendsTheRest() throws Exception {
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            Result result = ManagedProcess.runCli(List.of("client", server.sap(), "TAKE x", "PUT a 1"));
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.out()).startsWith("not_implemented: ").contains("ok 0 pairs");
            assertThat(server.received()).containsExactly("TAKE x", "PUT a 1");
        }
    }

    @Test
    void cannotConnectExitsThreeWithAClearMessage() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Result result = ManagedProcess.runCli(List.of("client", "127.0.0.1:" + port, "GET .* .*"));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).contains("cannot connect to 127.0.0.1:" + port).contains("Is the service running?");
    }

    @Test
    void aRefusedClientExitsFour() throws Exception {
        try (FakeLineServer server = FakeLineServer.greetingAndClosing(
                Answers.refused("service refused: this proxy already serves 64 clients"))) {
            Result result = ManagedProcess.runCli(List.of("client", server.sap(), "GET .* .*"));
            assertThat(result.exitCode()).isEqualTo(4);
            assertThat(result.err()).contains("refused").contains("64 clients");
        }
    }

    /**
     * A connection the proxy closes while the client waits for its next line (--client-idle-timeout): that line, found
     * unsent, goes out once on a new connection, and the user is told why; nothing is sent twice.
     */
    @Test
    void aLineFoundUnsentOnAClosedConnectionGoesOnceOnANewOne() throws Exception {
        String idleRefusal = Answers.refused("service closed this idle connection: nothing sent or received for 2s (the"
                + " proxy's --client-idle-timeout)");
        try (FakeLineServer server = FakeLineServer.answeringOnceThenSaying(idleRefusal)) {
            Result result = ManagedProcess.runCli(List.of("client", server.sap()),
                    "PUT a 1\nGET a .*\nGET .* .*\n", Duration.ofSeconds(30));
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("ok: the pair was added\n", "ok: 1 pair found\n");
            assertThat(result.err().split("\n")).hasSize(2).allSatisfy(line -> assertThat(line).isEqualTo(
                    "tuplespace client: the service at " + server.sap() + " refused this client and closed the"
                            + " connection: service closed this idle connection: nothing sent or received for 2s (the"
                            + " proxy's --client-idle-timeout); connecting again"));
            assertThat(server.received()).hasSize(3);
        }
    }

    /**
     * A shutdown SAP's command is never sent: a client pointed at the proxy's shutdown SAP by mistake stopped the whole
     * service with SHUTDOWN. As an argument it is a usage error; on standard input it is skipped, saying why.
     */
    @Test
    void aShutdownPortCommandIsNotSent() throws Exception {
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            Result argument = ManagedProcess.runCli(List.of("client", server.sap(), "GET a .*", " shutdown "));
            assertThat(argument.exitCode()).isEqualTo(2);
            assertThat(argument.err()).startsWith("REQUEST: 'shutdown' is a command of a shutdown SAP, not a request of"
                    + " the space, so it is not sent; ./tuplespace shutdown SHUTDOWN_SAP runs it\n");

            Result typed = ManagedProcess.runCli(List.of("client", server.sap()), "STATUS\nGET a .*\n",
                    Duration.ofSeconds(30));
            assertThat(typed.exitCode()).isEqualTo(1);
            assertThat(typed.err()).isEqualTo("tuplespace client: 'STATUS' is a command of a shutdown SAP, not a"
                    + " request of the space, so it is not sent; ./tuplespace status SHUTDOWN_SAP runs it\n");
            assertThat(typed.out()).contains("ok: 0 pairs found");
            assertThat(server.received()).hasSize(1);
        }
    }

    /**
     * A text line whose JSON form would be longer than a proxy takes by default (1 MiB) is sent as typed: re-encoded,
     * 60,000 pairs typed in 0.7 MB were refused as a line too long, though the service takes the line as typed.
     */
    @Test
    void aLineWhoseJsonFormIsTooLongIsSentAsTyped() throws Exception {
        StringBuilder put = new StringBuilder("PUT");
        for (int i = 0; i < 60_000; i++) {
            put.append(" k").append(i).append(" v");
        }
        assertThat(put.length()).isLessThan(1 << 20);
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            Result result = ManagedProcess.runCli(List.of("client", server.sap()), put + "\n", Duration.ofSeconds(60));
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(server.received()).hasSize(1).allSatisfy(line -> assertThat(line).startsWith("PUT k0 v k1 v"));
            assertThat(result.out()).startsWith("ok ");
        }
    }

    /** The client's messages about a line quote it as typed, not as the JSON it was sent as. */
    @Test
    void aTimeoutQuotesTheLineAsTyped() throws Exception {
        try (FakeLineServer server = FakeLineServer.answering(line -> null)) {
            Result result = ManagedProcess.runCli(List.of("client", server.sap(), "--timeout", "300ms"), "GET a .*\n",
                    Duration.ofSeconds(30));
            assertThat(result.exitCode()).isEqualTo(5);
            assertThat(result.err()).startsWith("timeout: no answer to 'GET a .*' from " + server.sap());
        }
    }

    /** A shell command given as a REQUEST argument is a usage error: 'quit' skipped the requests after it, silently. */
    @Test
    void aShellCommandAsARequestArgumentIsAUsageError() throws Exception {
        Result result = ManagedProcess.runCli(List.of("client", "127.0.0.1:9", "GET a .*", "quit", "GET b .*"));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("REQUEST: expected a request such as 'GET user,.* .*', found 'quit', a"
                + " command of the interactive shell (request 2 of 3)");
    }

    /** A connection lost with a request under way ends the client: it says where it stopped and sends no more. */
    @Test
    void aConnectionLostWithARequestUnderWayStopsReadingStandardInput() throws Exception {
        try (FakeLineServer server = FakeLineServer.closingAfterFirstRequest()) {
            Result result = ManagedProcess.runCli(List.of("client", server.sap()), "# a comment\nGET a .*\nGET b .*\n",
                    Duration.ofSeconds(30));
            assertThat(result.exitCode()).isEqualTo(3);
            assertThat(result.err()).startsWith("connection lost: the connection to " + server.sap() + " closed before"
                    + " the answer came").endsWith("tuplespace client: stopped at line 2: nothing after it was sent\n");
            assertThat(server.received()).hasSize(1);
        }
    }

    @Test
    void standardInputThatIsNotATerminalIsReadLineByLineAndShownReadably() throws Exception {
        try (FakeLineServer server = FakeLineServer.withSpace()) {
            String input = String.join("\n", "help", "PUT user,1 alice user,22 bob,admin", "PUT user,1 carol",
                    "get user,.* .*", "POST user,9 x", "DELETE user,1 .*", "GET ( .*", "GET [[u]ser,.* .*", "TAKE x",
                    "quit",
                    "GET .* .*") + "\n";
            Result result = ManagedProcess.runCli(List.of("client", server.sap()), input, Duration.ofSeconds(30));
            assertThat(result.out())
                    .contains("PUT key value [key value ...]")
                    .contains("ok: all 2 pairs were added\n")
                    .contains("ok: 1 of 1 pair not added (key already present, or not a well-formed pair):\n"
                            + "  KEY      VALUE\n  user,1   carol\n")
                    .contains("ok: 2 pairs found\n  KEY       VALUE\n  user,1    alice\n  user,22   bob,admin\n")
                    .contains("ok: 1 of 1 pair not updated")
                    .contains("ok: 1 pair deleted\n")
                    .contains("ok: 0 pairs found\nwarning: ")
                    .contains("ok: 1 pair found\n  KEY       VALUE\n  user,22   bob,admin\n"
                            + "note: keyexp: Possible nested set at position 1\n")
                    .contains("not implemented: operator 'TAKE' is not implemented");
            // Lines after quit are not sent; exit 1 because TAKE was not ok.
            assertThat(server.received()).hasSize(8);
            assertThat(result.exitCode()).isEqualTo(1);
        }
    }
}
