package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionValuesTest {

    private static final String OUT_OF_BOUNDS = "--max-line: expected a size from 1 byte to 2147482623 bytes, found '";

    @Test
    void aSizeIsBytesOrBinaryKibMibOrGib() {
        assertThat(OptionValues.size("--max-line", "1048576")).isEqualTo(1 << 20);
        assertThat(OptionValues.size("--max-line", "64KiB")).isEqualTo(64 << 10);
        assertThat(OptionValues.size("--max-line", "1m")).isEqualTo(1 << 20);
        assertThat(OptionValues.size("--max-frame", "1GiB")).isEqualTo(1 << 30);
    }

    /** The bound is 2 GiB less 1025 bytes, in any unit: what fits is taken, the next step up is refused. */
    @Test
    void theLargestSizeInEachUnitIsTakenAndTheNextRefused() {
        assertThat(OptionValues.MAX_SIZE).isEqualTo(2147482623);
        assertThat(OptionValues.size("--max-line", "2147482623")).isEqualTo(OptionValues.MAX_SIZE);
        assertThat(OptionValues.size("--max-line", "2097150KiB")).isEqualTo(2097150 << 10);
        assertThat(OptionValues.size("--max-line", "2047MiB")).isEqualTo(2047 << 20);
        for (String tooLarge : new String[] {"2147482624", "2147483647", "2097151KiB", "2048MiB", "2GiB"}) {
            assertThatThrownBy(() -> OptionValues.size("--max-line", tooLarge))
                    .hasMessage(OUT_OF_BOUNDS + tooLarge + "'");
        }
    }

    /** A limit that zero turns off ({@code --client-idle-timeout}) takes zero, and refuses what is not a duration. */
    @Test
    void aDurationOrZeroTakesZero() {
        assertThat(OptionValues.durationOrZero("--client-idle-timeout", "0")).isZero();
        assertThat(OptionValues.durationOrZero("--client-idle-timeout", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> OptionValues.durationOrZero("--client-idle-timeout", "PT-1S"))
                .hasMessage("--client-idle-timeout: expected a duration of zero or more, found 'PT-1S'");
        assertThatThrownBy(() -> OptionValues.duration("--primary-timeout", "0"))
                .hasMessageStartingWith("--primary-timeout: expected a positive duration");
    }

    @Test
    void aSizeOfNothingIsRefused() {
        for (String zero : new String[] {"0", "0KiB", "0GiB"}) {
            assertThatThrownBy(() -> OptionValues.size("--max-line", zero)).hasMessage(OUT_OF_BOUNDS + zero + "'");
        }
    }

    @Test
    void whatIsNoSizeIsRefusedWithExamples() {
        assertThatThrownBy(() -> OptionValues.size("--client-buffer", "1TiB")).hasMessage("--client-buffer: expected"
                + " a size in bytes such as 1048576, 64KiB, 1MiB or 1GiB, found '1TiB'");
    }
}
