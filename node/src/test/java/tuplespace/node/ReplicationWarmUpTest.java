package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A standby's warm-up of the resync path copies scratch spaces through the link's codec, and yields once released. */
@Timeout(60)
class ReplicationWarmUpTest {

    @Test
    void aStandbyNotReleasedRunsEveryRoundEachCopyingTheScratchSpaceWhole() {
        assertThat(ReplicationWarmUp.run(() -> false)).isEqualTo(ReplicationWarmUp.ROUNDS);
    }

    @Test
    void aStandbyReleasedStopsAtTheNextFrame() {
        AtomicInteger asked = new AtomicInteger();
        // asked before anything, before the first round, then released before its first frame: left unfinished
        assertThat(ReplicationWarmUp.run(() -> asked.incrementAndGet() > 2)).isZero();
        assertThat(asked.get()).isEqualTo(3);
        assertThat(ReplicationWarmUp.run(() -> true)).isZero();
    }
}
