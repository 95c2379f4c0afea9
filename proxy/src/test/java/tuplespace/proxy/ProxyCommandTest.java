package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The proxy's command line as {@code ./tuplespace proxy} reads it. */
class ProxyCommandTest {

    /** One port given for two of the proxy's addresses is a usage error naming both, not a bind failure. */
    @Test
    void onePortGivenForTwoOfItsSapsIsAUsageError() {
        assertThatThrownBy(() -> ProxyCommand.config("127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7000"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessage("SHUTDOWN_SAP: expected a port of its"
                        + " own, found 127.0.0.1:7000, the port of CLIENT_SAP (127.0.0.1:7000)");
        assertThat(ProxyCommand.config("127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002").shutdownSap().port())
                .isEqualTo(7002);
    }
}
