package tuplespace.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LostWritesTest {

    @Test
    void everyAcknowledgedWritePresentWithItsValueIsNoLoss() {
        LostWrites verdict = LostWrites.check(Map.of("a", "1", "b", "2"), Map.of("a", "1", "b", "2", "other", "9"));
        assertThat(verdict.checked()).isEqualTo(2);
        assertThat(verdict.lost()).isZero();
        assertThat(verdict.examples()).isEmpty();
    }

    @Test
    void countsMissingKeysAndWrongValuesSeparatelyWithExamples() {
        LostWrites verdict = LostWrites.check(Map.of("a", "1", "b", "2", "c", "3"), Map.of("a", "1", "b", "20"));
        assertThat(verdict.missing()).isEqualTo(1);
        assertThat(verdict.wrongValue()).isEqualTo(1);
        assertThat(verdict.lost()).isEqualTo(2);
        assertThat(verdict.examples()).containsExactlyInAnyOrder("c is missing (acknowledged 3)", "b holds 20, acknowledged 2");
    }

    @Test
    void keepsAtMostFiveExamples() {
        Map<String, String> acknowledged = new java.util.HashMap<>();
        for (int i = 0; i < 20; i++) {
            acknowledged.put("k" + i, "v");
        }
        LostWrites verdict = LostWrites.check(acknowledged, Map.of());
        assertThat(verdict.missing()).isEqualTo(20);
        assertThat(verdict.examples()).hasSize(5);
    }

    @Test
    void rejectsInconsistentCounts() {
        assertThatThrownBy(() -> new LostWrites(1, 1, 1, java.util.List.of())).hasMessageContaining("missing + wrongValue <= checked");
    }
}
