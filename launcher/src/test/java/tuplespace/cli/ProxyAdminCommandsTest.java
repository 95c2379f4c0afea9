package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import tuplespace.codec.Sap;
import tuplespace.proxy.ProxyConfig;
import tuplespace.proxy.ProxyServer;

/** {@code tuplespace promote} and {@code switchover}: the proxy's answer printed, and the exit status it means. */
@Timeout(30)
class ProxyAdminCommandsTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void withNoBackupFollowingTheProxyRefusesAndTheCommandExitsOne() throws Exception {
        Sap any = new Sap("127.0.0.1", 0);
        try (ProxyServer proxy = ProxyServer.start(ProxyConfig.withDefaults(any, any, any))) {
            InetSocketAddress admin = proxy.shutdownAddress();
            assertThat(run("promote", "127.0.0.1:" + admin.getPort())).isEqualTo(ExitStatus.NOT_OK.code());
            assertThat(out.toString()).startsWith("error: expected a backup following the newest epoch, found none");
        }
    }

    @Test
    void aSwitchoverWithNoPrimaryRegisteredIsRefusedAndTheCommandExitsOne() throws Exception {
        Sap any = new Sap("127.0.0.1", 0);
        try (ProxyServer proxy = ProxyServer.start(ProxyConfig.withDefaults(any, any, any))) {
            InetSocketAddress admin = proxy.shutdownAddress();
            assertThat(run("switchover", "127.0.0.1:" + admin.getPort())).isEqualTo(ExitStatus.NOT_OK.code());
            assertThat(out.toString()).isEqualTo("error: no primary is registered: nothing to switch over from"
                    + System.lineSeparator());
        }
    }

    @Test
    void aProxyThatIsNotThereIsSaidSo() {
        Sap nobody = Sap.parse("127.0.0.1:1");
        assertThat(run("promote", nobody.toString(), "--timeout", "2s")).isEqualTo(ExitStatus.CANNOT_CONNECT.code());
        assertThat(err.toString()).startsWith("tuplespace promote: cannot connect to 127.0.0.1:1: ")
                .contains("(nothing accepted the connection: is the service running, and is that its SHUTDOWN_SAP?")
                .contains("A backup listens at its own SHUTDOWN_SAP only once it is the primary");
    }
}
