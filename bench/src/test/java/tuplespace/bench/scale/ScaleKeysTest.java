package tuplespace.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.pattern.MatchBudget;
import tuplespace.pattern.PyPattern;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ScaleKeysTest {

    @Test
    void thePrefixMatchesOneNinthOfAPowerOfTen() {
        assertThat(ScaleKeys.prefixMatches(1_000_000)).isEqualTo(111_111);
        assertThat(ScaleKeys.prefixMatches(100_000)).isEqualTo(11_111);
        // 200,000 keys would put 100,000..199,999 under the prefix too: more than half of them.
        assertThat(ScaleKeys.prefixMatches(200_000)).isEqualTo(111_111);
    }

    @Test
    void theCountIsWhatThePatternMatchesAmongTheKeys() throws Exception {
        PyPattern prefix = PyPattern.compile(ScaleKeys.PREFIX_KEYEXP);
        for (int pairs : new int[] {1, 2, 11, 20, 21, 150, 1234, 20_000}) {
            long matched = IntStream.range(0, pairs).filter(id -> prefix.fullMatches(ScaleKeys.keyText(id), MatchBudget.unlimited())).count();
            assertThat(ScaleKeys.prefixMatches(pairs)).as("%d pairs", pairs).isEqualTo(matched);
        }
    }

    @Test
    void theExactKeyTextIsTheTuplesTextForm() {
        assertThat(ScaleKeys.key(42).text()).isEqualTo(ScaleKeys.keyText(42));
    }
}
