package tuplespace.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What the demo's console says as the service changes. */
class DemoSupervisorTest {

    private static ServiceStatus status(long primary, long epoch, String backupState, long backup) {
        return new ServiceStatus(100, OptionalLong.of(primary), epoch, 0, backupState, OptionalLong.of(backup));
    }

    /** A switchover is named as one (it was called a failover): the old primary stays on, as the new one's backup. */
    @Test
    void aNewPrimaryIsAFailoverUnlessTheOldOneIsItsBackup() {
        assertThat(DemoSupervisor.changes(status(1, 1, "live", 2), status(2, 2, "live", 1)))
                .containsExactly("switchover: the primary is now pid 2 (epoch 2); kill -9 2 to fail over.");
        assertThat(DemoSupervisor.changes(status(1, 1, "live", 2), status(2, 2, "starting", 3)))
                .containsExactly("failover: the primary is now pid 2 (epoch 2); kill -9 2 to fail over again.",
                        "backup: starting (pid 3)");
        assertThat(DemoSupervisor.changes(status(1, 1, "live", 2), status(1, 1, "live", 2))).isEmpty();
    }
}
