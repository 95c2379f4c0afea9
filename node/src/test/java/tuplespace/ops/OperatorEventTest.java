package tuplespace.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.ops.OperatorEvent.AUTH_REFUSED;
import static tuplespace.ops.OperatorEvent.BACKUP_DEGRADED;
import static tuplespace.ops.OperatorEvent.BACKUP_FAILED;
import static tuplespace.ops.OperatorEvent.BACKUP_RESTORED;
import static tuplespace.ops.OperatorEvent.DISK_ERROR;
import static tuplespace.ops.OperatorEvent.DISK_RECOVERED;
import static tuplespace.ops.OperatorEvent.FAILOVER_COMPLETE;
import static tuplespace.ops.OperatorEvent.PRIMARY_FAILED;
import static tuplespace.ops.OperatorEvent.PRIMARY_UNREACHABLE;
import static tuplespace.ops.OperatorEvent.PROXY_LOST;
import static tuplespace.ops.OperatorEvent.PROXY_RESTORED;
import static tuplespace.ops.OperatorEvent.PROXY_UNREACHABLE;
import static tuplespace.ops.OperatorEvent.SAVE_FAILED;
import static tuplespace.ops.OperatorEvent.SHUTDOWN;
import static tuplespace.ops.OperatorEvent.STALE_EPOCH;
import static tuplespace.ops.OperatorEvent.SWITCHOVER;
import static tuplespace.ops.OperatorEvent.TAKEOVER_REFUSED;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OperatorEventTest {

    /** The service gets over these by itself, or they tell of the end of a failure: nobody needs to act. */
    private static final Set<OperatorEvent> GOT_OVER = EnumSet.of(BACKUP_FAILED, BACKUP_RESTORED, PRIMARY_FAILED,
            PRIMARY_UNREACHABLE, SWITCHOVER, FAILOVER_COMPLETE, PROXY_RESTORED, SHUTDOWN, DISK_RECOVERED, AUTH_REFUSED);

    @Test
    void failuresTheServiceGetsOverByItselfAreWarningsAndTheOthersErrors() {
        assertThat(eventsAt(OperatorEvent.Severity.WARN)).isEqualTo(GOT_OVER);
        assertThat(eventsAt(OperatorEvent.Severity.ERROR)).isEqualTo(EnumSet.complementOf(EnumSet.copyOf(GOT_OVER)))
                .containsExactlyInAnyOrder(BACKUP_DEGRADED, TAKEOVER_REFUSED, STALE_EPOCH, PROXY_LOST,
                        PROXY_UNREACHABLE, SAVE_FAILED, DISK_ERROR);
    }

    private static Set<OperatorEvent> eventsAt(OperatorEvent.Severity severity) {
        return Arrays.stream(OperatorEvent.values()).filter(event -> event.severity() == severity)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(OperatorEvent.class)));
    }
}
