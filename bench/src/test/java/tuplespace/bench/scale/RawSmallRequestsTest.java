package tuplespace.bench.scale;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RawSmallRequestsTest {

    @Test
    void anExactGetMustAnswerOkWithExactlyOnePair() {
        assertThatCode(() -> RawSmallRequests.requireOnePair("{\"status\":\"ok\",\"pairs\":[[[\"k\",\"7\"],[\"abc\"]]]}"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> RawSmallRequests.requireOnePair("{\"status\":\"ok\",\"pairs\":[]}"))
                .hasMessageContaining("expected ok and one pair").hasMessageContaining("\"pairs\":[]");
        assertThatThrownBy(() -> RawSmallRequests.requireOnePair(
                "{\"status\":\"ok\",\"pairs\":[[[\"k\",\"7\"],[\"a\"]],[[\"k\",\"8\"],[\"b\"]]]}"))
                .hasMessageContaining("expected ok and one pair");
        assertThatThrownBy(() -> RawSmallRequests.requireOnePair(
                "{\"status\":\"ok\",\"pairs\":[],\"warning\":\"the request used more than its CPU limit\"}"))
                .hasMessageContaining("warning");
        assertThatThrownBy(() -> RawSmallRequests.requireOnePair("{\"status\":\"unavailable\",\"error\":\"no primary\"}"))
                .hasMessageContaining("unavailable");
    }

    @Test
    void aPutOfAFreshKeyMustAnswerOkWithNoPairLeftOut() {
        assertThatCode(() -> RawSmallRequests.requireAdded("{\"status\":\"ok\",\"pairs\":[]}")).doesNotThrowAnyException();
        assertThatThrownBy(() -> RawSmallRequests.requireAdded("{\"status\":\"ok\",\"pairs\":[[[\"p\",\"1n0\"],[\"x\"]]]}"))
                .hasMessageContaining("expected ok and an empty list");
        assertThatThrownBy(() -> RawSmallRequests.requireAdded("{\"status\":\"malformed\",\"error\":\"" + "x".repeat(500) + "\"}"))
                .hasMessageContaining("malformed").hasMessageEndingWith("...'");
    }
}
