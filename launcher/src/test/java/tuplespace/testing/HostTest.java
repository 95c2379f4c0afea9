package tuplespace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The ports tests give their services: never one an outgoing connection may hold. */
class HostTest {

    @Test
    void freeLoopbackPortsAreBelowTheKernelsEphemeralRange() throws IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        assumeTrue(Files.isReadable(range), "no " + range + " on this machine");
        int ephemeralStart = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
        assumeTrue(ephemeralStart > 11_000, "no room below the ephemeral range, which starts at " + ephemeralStart);

        for (int round = 0; round < 20; round++) {
            for (int port : Host.freeLoopbackPorts(5)) {
                assertThat(port).isBetween(10_000, ephemeralStart - 1);
            }
        }
    }

    /** Test JVMs that run side by side pick from shares of their own, which together cover the range. */
    @Test
    void eachTestJvmOfSeveralPicksFromAShareOfItsOwn() {
        assertThat(Host.share(10_000, 32_769, 1, 1)).containsExactly(10_000, 32_769);
        assertThat(Host.share(10_000, 32_769, 1, 2)).containsExactly(10_000, 21_384);
        assertThat(Host.share(10_000, 32_769, 2, 2)).containsExactly(21_384, 32_768);
        assertThat(Host.share(1, 250, 3, 2)).as("a fork number out of range: all of it").containsExactly(1, 250);
        assertThat(Host.number("fork 2")).isEqualTo(2);
        assertThat(Host.number(null)).as("no setting: one JVM").isEqualTo(1);
    }
}
