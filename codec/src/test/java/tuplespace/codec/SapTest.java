package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SapTest {

    @ParameterizedTest
    @CsvSource({
        "localhost:7000, localhost, 7000",
        "127.0.0.1:0, 127.0.0.1, 0",
        "[::1]:65535, ::1, 65535",
        "' example.org:1 ', example.org, 1",
    })
    void parsesHostAndPort(String text, String host, int port) {
        assertThat(Sap.parse(text)).isEqualTo(new Sap(host, port));
    }

    @Test
    void printsIpv6InBracketsSoItParsesBack() {
        Sap sap = new Sap("::1", 7000);
        assertThat(sap.toString()).isEqualTo("[::1]:7000");
        assertThat(Sap.parse(sap.toString())).isEqualTo(sap);
    }

    @ParameterizedTest
    @CsvSource({
        "localhost, no ':port'",
        "localhost:, is not a number",
        "localhost:http, is not a number",
        "localhost:70000, too big",
        ":7000, no host",
        "::1:7000, must be written in brackets",
        "[::1:7000, unbalanced",
    })
    void rejectsMalformedSapsSayingWhatWasExpectedAndFound(String text, String why) {
        assertThatThrownBy(() -> Sap.parseArgument("CLIENT_SAP", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CLIENT_SAP: expected host:port")
                .hasMessageContaining("found '" + text + "'")
                .hasMessageContaining(why);
    }

    @Test
    void nullIsAbsentOnlyWhereTheArgumentMayBeAbsent() {
        assertThat(Sap.parseOptionalArgument("INIT_SAP", "null")).isEqualTo(Optional.empty());
        assertThat(Sap.parseOptionalArgument("X", "h:1")).contains(new Sap("h", 1));
        assertThatThrownBy(() -> Sap.parseArgument("PRIMARY_SAP", "null"))
                .hasMessageStartingWith("PRIMARY_SAP: expected host:port")
                .hasMessageContaining("found 'null'");
    }

    /** Two arguments a process would listen on can never share a port: refused up front, naming both. */
    @Test
    void twoSapsOnOnePortAreRefusedNamingBoth() {
        assertThatThrownBy(() -> Sap.requireDistinct(List.of(Map.entry("CLIENT_SAP", Sap.parse("127.0.0.1:7000")),
                Map.entry("PRIMARY_SAP", Sap.parse("127.0.0.1:7001")),
                Map.entry("SHUTDOWN_SAP", Sap.parse("127.0.0.1:7000")))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("SHUTDOWN_SAP: expected a port of its own,"
                        + " found 127.0.0.1:7000, the port of CLIENT_SAP (127.0.0.1:7000)");
        assertThat(Sap.parse("0.0.0.0:7000").samePort(Sap.parse("127.0.0.1:7000"))).as("a wildcard takes every address")
                .isTrue();
        assertThat(Sap.parse("[::]:7000").samePort(Sap.parse("a:7000"))).isTrue();
        assertThat(Sap.parse("LocalHost:7000").samePort(Sap.parse("localhost:7000"))).isTrue();
        assertThat(Sap.parse("a:7000").samePort(Sap.parse("b:7000"))).as("two hosts").isFalse();
        assertThat(Sap.parse("a:0").samePort(Sap.parse("a:0"))).as("port 0: any free port, one each").isFalse();
    }
}
