package tuplespace.codec.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepeatedRefusalsTest {

    private final List<String> passedOn = new ArrayList<>();
    private long now = 1_000_000_000L;
    private final RepeatedRefusals refusals = new RepeatedRefusals(
            (peer, role, connecting, reason) -> passedOn.add(((InetSocketAddress) peer).getPort() + " " + reason),
            () -> now);

    private void refuse(String host, int port, String reason) {
        refusals.refused(new InetSocketAddress(host, port), LinkRole.PRIMARY, false, reason);
    }

    /** A primary with the wrong secret registering again every 0.1 s, from a new port each time: one event a minute. */
    @Test
    void theSameRefusalFromTheSameHostIsPassedOnOnceAMinuteWithHowManyCameMeanwhile() {
        for (int i = 0; i < 35; i++) {
            refuse("127.0.0.1", 40_000 + i, "wrong secret");
            now += 100_000_000L;
        }
        assertThat(passedOn).containsExactly("40000 wrong secret");
        now += RepeatedRefusals.QUIET.toNanos();
        refuse("127.0.0.1", 41_000, "wrong secret");
        assertThat(passedOn).containsExactly("40000 wrong secret",
                "41000 wrong secret (and 34 more times like it since this was last reported)");
    }

    @Test
    void anotherHostOrReasonIsPassedOnAtOnce() {
        refuse("127.0.0.1", 40_000, "wrong secret");
        refuse("127.0.0.2", 40_001, "wrong secret");
        refuse("127.0.0.1", 40_002, "no handshake within 5000 ms");
        assertThat(passedOn).containsExactly("40000 wrong secret", "40001 wrong secret",
                "40002 no handshake within 5000 ms");
    }

    @Test
    void pastTheRememberedNumberOfRefusalsEachNewOneIsPassedOn() {
        for (int i = 0; i < RepeatedRefusals.REMEMBERED + 5; i++) {
            refuse("10.0." + (i / 250) + "." + (i % 250), 40_000, "wrong secret");
        }
        assertThat(passedOn).hasSize(RepeatedRefusals.REMEMBERED + 5);
        refuse("10.0.0.0", 40_000, "wrong secret");
        assertThat(passedOn).as("the first ones are remembered").hasSize(RepeatedRefusals.REMEMBERED + 5);
    }
}
