package tuplespace.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "1500000ns, 1500000", "250us, 250000", "50ms, 50000000", "2s, 2000000000", "1.5s, 1500000000",
        "2m, 120000000000", "1h, 3600000000000", "0, 0", "PT0.5S, 500000000", "pt3s, 3000000000",
        "' 10S ', 10000000000"})
    void readsEveryFormTheCommandLinesAccept(String text, long nanos) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "5 s", "-1s", "ms", "1d", "", "PT-1S"})
    void rejectsNonsenseSayingWhatWasExpected(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a").hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0ms", "PT0S", "PT-1S"})
    void timeoutsAndIntervalsRejectZeroAndNegative(String text) {
        assertThatThrownBy(() -> Durations.parsePositive(text)).hasMessageContaining("positive");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "200", "1.5"})
    void aNumberOtherThanZeroNeedsAUnitAndTheMessageSuggestsOne(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .hasMessage("expected a duration with a unit, such as " + text + "ms or " + text + "s, found '" + text + "'");
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "100000000, 100ms", "1500000000, 1500ms", "120000000000, 2m", "3600000000000, 1h",
        "250000, 250us", "7, 7ns", "-2000000000, -2s"})
    void writesADurationBackAsAnOptionWouldSpellIt(long nanos, String text) {
        assertThat(Durations.text(Duration.ofNanos(nanos))).isEqualTo(text);
        if (nanos >= 0) {
            assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
        }
    }

    @Test
    void durationsPastWhatTheGrammarReadsAreWrittenInIso() {
        assertThat(Durations.text(Duration.ofNanos(Long.MAX_VALUE))).isEqualTo(Duration.ofNanos(Long.MAX_VALUE).toString());
        assertThat(Durations.text(Duration.ofNanos(Long.MIN_VALUE))).startsWith("PT-");
        assertThat(Durations.text(Duration.ofDays(200 * 366))).isEqualTo("1756800h");
        assertThat(Durations.text(Duration.ofDays(300 * 366))).isEqualTo("PT2635200H");
        assertThat(Durations.parse(Durations.text(Duration.ofNanos(Long.MAX_VALUE)))).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    }

    @Test
    void zeroIsADurationWhereTheOptionAllowsIt() {
        assertThat(Durations.parse("0s")).isZero();
    }
}
