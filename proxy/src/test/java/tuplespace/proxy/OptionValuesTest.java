package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionValuesTest {

    @Test
    void aSizeIsBytesOrBinaryKibMibOrGib() {
        assertThat(OptionValues.size("--max-line", "1048576")).isEqualTo(1 << 20);
        assertThat(OptionValues.size("--max-line", "64KiB")).isEqualTo(64 << 10);
        assertThat(OptionValues.size("--max-line", "1m")).isEqualTo(1 << 20);
        assertThat(OptionValues.size("--max-frame", "1GiB")).isEqualTo(1 << 30);
        assertThat(OptionValues.size("--max-frame", String.valueOf(OptionValues.MAX_SIZE))).isEqualTo(OptionValues.MAX_SIZE);
    }

    /** The refusal states the bound exactly: 2147483647 is below 2 GiB, and above what an option takes. */
    @Test
    void aSizeAboveTheBoundIsRefusedNamingTheBoundInBytes() {
        for (String tooLarge : new String[] {"2147483647", "2GiB", "2097152KiB", "0", "0GiB"}) {
            assertThatThrownBy(() -> OptionValues.size("--max-line", tooLarge))
                    .hasMessage("--max-line: expected a size from 1 byte to 2147482623 bytes (2 GiB less 1 KiB), found '"
                            + tooLarge + "'");
        }
    }

    @Test
    void whatIsNoSizeIsRefusedWithExamples() {
        assertThatThrownBy(() -> OptionValues.size("--client-buffer", "1TiB"))
                .hasMessage("--client-buffer: expected a size in bytes such as 1048576, 64KiB, 1MiB or 1GiB, found '1TiB'");
    }
}
