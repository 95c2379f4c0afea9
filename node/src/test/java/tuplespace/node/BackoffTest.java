package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void thePauseDoublesUpToTheMaximumAndStartsAgainAfterAReset() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));
        assertThat(backoff.peek()).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.take()).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.take()).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.take()).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.take()).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.take()).isEqualTo(Duration.ofMillis(500));
        backoff.reset();
        assertThat(backoff.take()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aMaximumBelowTheFirstPauseIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("expected 0 < first <= max");
    }
}
