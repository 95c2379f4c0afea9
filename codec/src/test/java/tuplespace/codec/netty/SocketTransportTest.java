package tuplespace.codec.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tuplespace.codec.netty.SocketTransport.EPOLL;
import static tuplespace.codec.netty.SocketTransport.FOR_FEW_LINKS;
import static tuplespace.codec.netty.SocketTransport.FOR_MANY_LINKS;
import static tuplespace.codec.netty.SocketTransport.IO_URING;
import static tuplespace.codec.netty.SocketTransport.NIO;

import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Which transport a process takes, on machines that run all, some or none of the native ones. */
class SocketTransportTest {

    private static final Predicate<SocketTransport> ALL = transport -> true;
    private static final Predicate<SocketTransport> EPOLL_ONLY = Set.of(EPOLL, NIO)::contains;
    private static final Predicate<SocketTransport> NONE_NATIVE = Set.of(NIO)::contains;

    @Test
    void theProxyPrefersIoUringThenEpollANodeEpoll() {
        assertThat(FOR_MANY_LINKS).containsExactly(IO_URING, EPOLL, NIO);
        assertThat(FOR_FEW_LINKS).containsExactly(EPOLL, NIO);
    }

    @Test
    void withoutThePropertyAProcessTakesTheFirstOfItsPreferencesTheMachineRuns() {
        assertThat(SocketTransport.choose(null, FOR_MANY_LINKS, ALL)).isEqualTo(IO_URING);
        assertThat(SocketTransport.choose(null, FOR_MANY_LINKS, EPOLL_ONLY)).isEqualTo(EPOLL);
        assertThat(SocketTransport.choose(null, FOR_MANY_LINKS, NONE_NATIVE)).isEqualTo(NIO);
        assertThat(SocketTransport.choose(null, FOR_FEW_LINKS, ALL)).isEqualTo(EPOLL);
        assertThat(SocketTransport.choose(null, FOR_FEW_LINKS, NONE_NATIVE)).isEqualTo(NIO);
    }

    @Test
    void thePropertyNamesATransportInAnyCaseAndWinsOverThePreferences() {
        assertThat(SocketTransport.choose(" NIO ", FOR_MANY_LINKS, ALL)).isEqualTo(NIO);
        assertThat(SocketTransport.choose("io_uring", FOR_FEW_LINKS, ALL)).isEqualTo(IO_URING);
        assertThat(SocketTransport.choose("Epoll", FOR_MANY_LINKS, EPOLL_ONLY)).isEqualTo(EPOLL);
    }

    @Test
    void namingATransportTheMachineCannotRunIsRefusedWithTheReasonNotSwappedInSilence() {
        assertThatThrownBy(() -> SocketTransport.choose("io_uring", FOR_MANY_LINKS, EPOLL_ONLY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expected tuplespace.transport to name a transport this machine runs, found "
                        + "io_uring, which it cannot: ");
    }

    @Test
    void anUnknownTransportIsRefusedNamingTheOnesThereAre() {
        assertThatThrownBy(() -> SocketTransport.choose("kqueue", FOR_MANY_LINKS, ALL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected tuplespace.transport to be one of io_uring, epoll, nio, found 'kqueue'");
    }

    @Test
    void nioRunsEverywhereAndANativeOneSaysWhyWhenItDoesNot() {
        assertThat(NIO.available()).isTrue();
        for (SocketTransport transport : SocketTransport.values()) {
            if (!transport.available()) { // this module's tests have the native classes but not their libraries
                assertThat(transport.unavailableBecause()).as("why %s does not run", transport).isNotBlank();
            }
        }
    }

    @Test
    void theNativeTransportsBoundWhatASocketKeepsUnsentNioCannot() {
        assertThat(IO_URING.notSentLowWatermark()).isPresent();
        assertThat(EPOLL.notSentLowWatermark()).isPresent();
        assertThat(NIO.notSentLowWatermark()).isEmpty();
    }
}
