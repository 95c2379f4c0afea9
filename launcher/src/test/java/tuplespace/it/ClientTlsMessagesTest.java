package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tuplespace.cli.Main;

/**
 * The command-line client with {@code --tls-ca} reaching a service that does not speak TLS: the error quotes what the
 * service answered, and does not ask whether a service runs (one answered).
 */
@Timeout(30)
class ClientTlsMessagesTest {

    @TempDir
    Path folder;

    @Test
    void tlsToAPlainTextServiceQuotesItsAnswerAndDoesNotAskWhetherOneRuns() throws Exception {
        TestCertificates ca = TestCertificates.create(folder, "ca");
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                try (Socket client = plain.accept()) {
                    client.getOutputStream().write("malformed: expected a request line in UTF-8\nend\n"
                            .getBytes(StandardCharsets.UTF_8));
                    client.getInputStream().readAllBytes(); // until the client closes
                } catch (IOException closed) {
                    // the test is over
                }
            }, "plain-text-service");
            answering.setDaemon(true);
            answering.start();

            String[] args = {"client", "127.0.0.1:" + plain.getLocalPort(), "--tls-ca", ca.certificate().toString(),
                    "GET a .*"};
            StringWriter err = new StringWriter();
            CommandLine commandLine = Main.commandLine();
            commandLine.setErr(new PrintWriter(err, true));
            assertThat(commandLine.execute(args)).as("exit status").isEqualTo(3);
            assertThat(err.toString()).contains("the TLS handshake failed: the peer answered in plain text, not TLS:"
                    + " 'malformed: expected a request line in UTF-8' (a proxy started without --tls-cert takes plain"
                    + " connections only)").doesNotContain("Is the service running");
        }
    }
}
