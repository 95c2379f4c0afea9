package tuplespace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsShortFormsAndIso() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("PT3S")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void rejectsZeroAndNonsenseSayingWhatWasExpected() {
        assertThatThrownBy(() -> converter.convert("0s")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("positive").hasMessageContaining("'0s'");
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("expected a duration").hasMessageContaining("'soon'");
    }
}
