package tuplespace.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BackupLogTest {

    private final BackupLog log = new BackupLog();

    private static Replicated entry(long epoch, long index) {
        return new Replicated(epoch, index, new Change.Closed(7));
    }

    @Test
    void acceptsEntriesInOrderAfterTheSnapshotIndex() {
        log.begin(1, 10);
        log.accept(entry(1, 11));
        log.accept(entry(1, 12));
        assertThat(log.lastIndex()).isEqualTo(12);
    }

    @Test
    void refusesAGap() {
        log.begin(1, 10);
        assertThatThrownBy(() -> log.accept(entry(1, 12)))
                .isInstanceOf(ReplicationInvariantException.class)
                .hasMessageContaining("expected index 11, found 12");
    }

    @Test
    void refusesARepeat() {
        log.begin(1, 0);
        log.accept(entry(1, 1));
        assertThatThrownBy(() -> log.accept(entry(1, 1))).hasMessageContaining("expected index 2, found 1");
    }

    @Test
    void refusesAStaleEpochAndFollowsANewerOne() {
        log.begin(3, 5);
        assertThatThrownBy(() -> log.accept(entry(2, 6)))
                .isInstanceOf(ReplicationInvariantException.class)
                .hasMessageContaining("stale epoch");
        log.accept(entry(4, 6)); // a newer primary continues the same index sequence
        assertThat(log.epoch()).isEqualTo(4);
        assertThatThrownBy(() -> log.begin(3, 9)).hasMessageContaining("stale epoch");
    }
}
