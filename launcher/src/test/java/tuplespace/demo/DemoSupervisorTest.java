package tuplespace.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What the demo's console says as the service changes. */
class DemoSupervisorTest {

    private static ServiceStatus status(long primary, long epoch, String backupState, long backup, String how) {
        return new ServiceStatus(100, OptionalLong.of(primary), epoch, 0, backupState, OptionalLong.of(backup), how);
    }

    /**
     * A new primary is named as the proxy says it came: a switchover (it was called a failover), a failover, or a
     * restart, a server started anew by hand (it was called a failover too).
     */
    @Test
    void aNewPrimaryIsNamedAsTheProxySaysItCame() {
        assertThat(DemoSupervisor.changes(status(1, 1, "live", 2, "registered"),
                status(2, 2, "live", 1, "switched over")))
                .containsExactly("switchover: the primary is now pid 2 (epoch 2); kill -9 2 to fail over.");
        assertThat(DemoSupervisor.changes(status(1, 1, "live", 2, "registered"),
                status(2, 2, "starting", 3, "promoted")))
                .containsExactly("failover: the primary is now pid 2 (epoch 2); kill -9 2 to fail over again.",
                        "backup: starting (pid 3)");
        assertThat(DemoSupervisor.changes(status(1, 1, "live", 2, "registered"),
                status(2, 2, "starting", 3, "promoted by the operator")))
                .containsExactly("promotion by the operator: the primary is now pid 2 (epoch 2); kill -9 2 to fail"
                        + " over.", "backup: starting (pid 3)");
        assertThat(DemoSupervisor.changes(status(1, 1, "live", 2, "registered"),
                status(4, 2, "starting", 5, "registered")))
                .containsExactly("restart: the primary is now pid 4 (epoch 2, a server started anew); kill -9 4 to"
                        + " fail over.", "backup: starting (pid 5)");
        assertThat(DemoSupervisor.changes(status(1, 1, "live", 2, "registered"),
                status(1, 1, "live", 2, "registered"))).isEmpty();
    }

    @Test
    void theLastPrimaryTheProxyListsSaysHowItCame() {
        assertThat(ServiceStatus.parse("{\"proxy\":{\"pid\":7,\"primaries\":[{\"how\":\"registered\"},"
                + "{\"how\":\"promoted\"}]},\"primary\":{\"pid\":9,\"epoch\":2}}").orElseThrow().how())
                .isEqualTo("promoted");
        assertThat(ServiceStatus.parse("{\"proxy\":{\"pid\":7,\"primaries\":[]},\"primary\":null}").orElseThrow()
                .how()).isEmpty();
    }
}
