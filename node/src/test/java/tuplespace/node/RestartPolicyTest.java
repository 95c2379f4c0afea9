package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

    private static final Duration QUICK = Duration.ofMillis(200);

    private final RestartPolicy policy = new RestartPolicy(3, QUICK, Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void quickRestartsFirstThenDegradedWithPausesThatDoubleUpToTheMaximum() {
        for (int i = 1; i <= 3; i++) {
            assertThat(policy.failed()).as("failure %d", i).isEqualTo(new RestartPolicy.Next(QUICK, false, false, i));
        }
        assertThat(policy.degraded()).isFalse();
        assertThat(policy.failed()).isEqualTo(new RestartPolicy.Next(Duration.ofSeconds(1), true, true, 3));
        assertThat(policy.degraded()).isTrue();
        assertThat(policy.failed().pause()).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.failed()).as("the operator hears of degraded once")
                .isEqualTo(new RestartPolicy.Next(Duration.ofSeconds(4), true, false, 3));
        for (int i = 0; i < 5; i++) {
            policy.failed();
        }
        assertThat(policy.failed().pause()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.restarts()).isEqualTo(12);
    }

    @Test
    void aBackupThatGoesLiveResetsEverythingButTheRestartCount() {
        for (int i = 0; i < 5; i++) {
            policy.failed();
        }
        policy.live();
        assertThat(policy.degraded()).isFalse();
        assertThat(policy.failed()).isEqualTo(new RestartPolicy.Next(QUICK, false, false, 1));
        assertThat(policy.restarts()).isEqualTo(6);
        policy.failed();
        policy.failed();
        assertThat(policy.failed()).as("back-off starts from its first pause again, and degraded is said again")
                .isEqualTo(new RestartPolicy.Next(Duration.ofSeconds(1), true, true, 3));
    }

    @Test
    void withNoQuickRestartsTheFirstFailureDegrades() {
        RestartPolicy none = new RestartPolicy(0, QUICK, Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(none.failed()).isEqualTo(new RestartPolicy.Next(Duration.ofSeconds(1), true, true, 0));
        assertThatThrownBy(() -> new RestartPolicy(-1, QUICK, Duration.ofSeconds(1), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found -1");
    }
}
