package tuplespace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tuplespace.testing.Eventually.eventually;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;

class EventuallyTest {

    @Test
    void pollsUntilTheAssertionPassesIgnoringWhatItThrowsBefore() {
        AtomicInteger calls = new AtomicInteger();
        eventually(Duration.ofSeconds(10), () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
            assertThat(calls.get()).isEqualTo(3);
        });
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void returnsTheProbedValueTheCheckAccepted() {
        AtomicInteger probe = new AtomicInteger();
        int accepted = eventually(Duration.ofSeconds(10), probe::incrementAndGet,
                value -> assertThat(value).isGreaterThanOrEqualTo(4));
        assertThat(accepted).isEqualTo(4);
    }

    @Test
    void failsAfterTheTimeoutWithTheLastError() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> eventually(Duration.ofMillis(300),
                () -> assertThat("x").as("the last error").isEqualTo("y")))
                .isInstanceOf(ConditionTimeoutException.class).hasMessageContaining("the last error");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void stopsAtOnceWhenTheCheckThatMustHoldThroughoutFails() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> eventually(Duration.ofSeconds(30), () -> {
            throw new AssertionError("a client saw an error");
        }, () -> assertThat(false).isTrue()))
                .isInstanceOf(TerminalFailureException.class)
                .hasRootCauseMessage("a client saw an error");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
