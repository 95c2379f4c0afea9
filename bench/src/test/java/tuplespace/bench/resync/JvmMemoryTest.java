package tuplespace.bench.resync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JvmMemoryTest {

    @Test
    void readsTheUsedFigureOfG1HeapInfo() {
        String info = "12345:\n garbage-first heap   total 262144K, used 20480K [0x0000000080000000, 0x0000000100000000)\n"
                + "  region size 1024K, 3 young (3072K), 0 survivors (0K)\n Metaspace       used 1234K, committed 1408K";
        assertThat(JvmMemory.parseHeapUsed(info)).contains(20480L * 1024);
    }

    @Test
    void answersNothingForOutputWithoutAHeapLine() {
        assertThat(JvmMemory.parseHeapUsed("12345:\nCould not attach")).isEmpty();
    }
}
