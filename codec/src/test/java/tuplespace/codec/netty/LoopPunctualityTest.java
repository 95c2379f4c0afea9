package tuplespace.codec.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoopPunctualityTest {

    private static final long INTERVAL = 100;

    @Test
    void checksOnTimeNeverCountAsAStandstill() {
        LoopPunctuality punctuality = new LoopPunctuality(INTERVAL, 0);
        for (long at = 100; at <= 2_000; at += 100) {
            punctuality.checkedAt(at);
        }
        assertThat(punctuality.stoodStillWithin(1_000, 2_000)).isFalse();
    }

    @Test
    void aCheckMoreThanTwoIntervalsLateIsAStandstillThatExcusesSilenceForAWindowAfterIt() {
        LoopPunctuality punctuality = new LoopPunctuality(INTERVAL, 0);
        punctuality.checkedAt(100);
        punctuality.checkedAt(300); // two intervals: late, but the loop may have had one long turn
        assertThat(punctuality.stoodStillWithin(1_000, 300)).isFalse();
        punctuality.checkedAt(1_500); // 1.2 s without a check: the loop ran nothing
        assertThat(punctuality.stoodStillWithin(1_000, 1_500)).isTrue();
        assertThat(punctuality.stoodStillWithin(1_000, 2_499)).isTrue();
        assertThat(punctuality.stoodStillWithin(1_000, 2_500)).isFalse();
    }

    @Test
    void theIntervalMustBePositive() {
        assertThatThrownBy(() -> new LoopPunctuality(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a positive check interval, found 0 ns");
    }
}
