package tuplespace.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AnswerTimelineTest {

    private static final long MS = 1_000_000;

    @Test
    void theSilenceAroundTheKillRunsFromTheLastAnswerBeforeToTheFirstAfter() {
        long[] answers = {10 * MS, 20 * MS, 30 * MS, 250 * MS, 260 * MS, 270 * MS};
        AnswerTimeline timeline = AnswerTimeline.of(answers, 35 * MS);
        assertThat(timeline.unavailableMillis()).isEqualTo(220.0);
        assertThat(timeline.killToFirstAnswerMillis()).isEqualTo(215.0);
    }

    @Test
    void aLongerSilenceAfterTheFirstAnswersCounts() {
        // A few held requests answered at once, then a stall until the new primary serves steadily.
        long[] answers = {30 * MS, 100 * MS, 101 * MS, 600 * MS, 610 * MS};
        AnswerTimeline timeline = AnswerTimeline.of(answers, 40 * MS);
        assertThat(timeline.unavailableMillis()).isEqualTo(499.0);
        assertThat(timeline.killToFirstAnswerMillis()).isEqualTo(560.0);
    }

    @Test
    void unorderedAnswersFromSeveralConnectionsAreSortedFirst() {
        long[] answers = {260 * MS, 10 * MS, 250 * MS, 30 * MS};
        assertThat(AnswerTimeline.of(answers, 35 * MS).unavailableMillis()).isEqualTo(220.0);
    }

    @Test
    void noAnswerAfterTheKillMeansNoRecovery() {
        assertThatThrownBy(() -> AnswerTimeline.of(new long[] {10 * MS}, 20 * MS)).hasMessageContaining("did not recover");
    }
}
