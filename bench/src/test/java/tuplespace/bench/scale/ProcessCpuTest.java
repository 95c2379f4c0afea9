package tuplespace.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProcessCpuTest {

    @Test
    void readsUserPlusSystemTimeEvenWhenTheCommandHoldsSpacesAndParentheses() {
        // utime 250 and stime 50 ticks: fields 14 and 15.
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 12345 0 0";
        assertThat(ProcessCpu.parseSeconds(stat)).hasValue(3.0);
    }

    @Test
    void answersNothingForATruncatedLine() {
        assertThat(ProcessCpu.parseSeconds("4242 (java) S 1 2")).isEmpty();
        assertThat(ProcessCpu.parseSeconds("garbage")).isEmpty();
    }

    @Test
    void dividesTheGrowthByTheRuns() {
        Map<String, Double> before = new LinkedHashMap<>(Map.of("primary", 10.0));
        Map<String, Double> after = Map.of("primary", 16.0);
        assertThat(ProcessCpu.perRun(before, after, 3)).containsEntry("primary", 2.0);
    }

    @Test
    void readsThisProcess() {
        assertThat(ProcessCpu.seconds(ProcessHandle.current().pid())).isPositive();
    }
}
