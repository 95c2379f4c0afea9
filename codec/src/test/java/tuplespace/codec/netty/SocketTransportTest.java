package tuplespace.codec.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tuplespace.codec.netty.SocketTransport.EPOLL;
import static tuplespace.codec.netty.SocketTransport.IO_URING;
import static tuplespace.codec.netty.SocketTransport.NIO;

import java.util.List;
import org.junit.jupiter.api.Test;

class SocketTransportTest {

    @Test
    void withoutThePropertyAProcessTakesTheFirstOfItsPreferencesTheMachineRuns() {
        List<SocketTransport> preferred = List.of(IO_URING, EPOLL, NIO);
        SocketTransport expected = preferred.stream().filter(SocketTransport::available).findFirst().orElseThrow();

        assertThat(SocketTransport.choose(null, preferred)).isEqualTo(expected);
        assertThat(SocketTransport.choose(null, List.of(NIO))).isEqualTo(NIO);
    }

    @Test
    void thePropertyNamesATransportInAnyCaseAndWinsOverThePreferences() {
        assertThat(SocketTransport.choose(" NIO ", List.of(IO_URING, EPOLL, NIO))).isEqualTo(NIO);
        assertThat(SocketTransport.choose("epoll", List.of(NIO)))
                .isEqualTo(EPOLL.available() ? EPOLL : NIO);
    }

    @Test
    void aTransportTheMachineCannotRunFallsBackToThePreferences() {
        SocketTransport missing = List.of(IO_URING, EPOLL).stream().filter(transport -> !transport.available())
                .findFirst().orElse(null);
        if (missing != null) { // on a machine that runs both, there is nothing to fall back from
            assertThat(SocketTransport.choose(missing.toString(), List.of(NIO))).isEqualTo(NIO);
        }
        assertThat(NIO.available()).isTrue();
    }

    @Test
    void anUnknownTransportIsRefusedNamingTheOnesThereAre() {
        assertThatThrownBy(() -> SocketTransport.choose("kqueue", List.of(NIO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected tuplespace.transport to be io_uring, epoll or nio, found 'kqueue'");
    }

    @Test
    void theNativeTransportsBoundWhatASocketKeepsUnsentNioCannot() {
        assertThat(IO_URING.notSentLowWatermark()).isPresent();
        assertThat(EPOLL.notSentLowWatermark()).isPresent();
        assertThat(NIO.notSentLowWatermark()).isEmpty();
    }
}
