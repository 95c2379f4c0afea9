package tuplespace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tuplespace.bench.report.Scenario;

class SuiteTest {

    @Test
    void eachLoadIsMeasuredOnBothSystemsSideBySideTheReadsFirst() {
        assertThat(Suite.loadsSideBySide("redis", "tuplespace")).containsExactly(
                List.of(Scenario.REDIS_GET_P1, Scenario.TUPLESPACE_GET_P1),
                List.of(Scenario.REDIS_GET_P16, Scenario.TUPLESPACE_GET_P16),
                List.of(Scenario.REDIS_SET_P1, Scenario.REDIS_SET_WAIT_P1, Scenario.TUPLESPACE_PUT_P1),
                List.of(Scenario.REDIS_SET_P16, Scenario.REDIS_SET_WAIT_P16, Scenario.TUPLESPACE_PUT_P16));
        assertThat(Suite.loadsSideBySide("tuplespace", "redis").get(0))
                .containsExactly(Scenario.TUPLESPACE_GET_P1, Scenario.REDIS_GET_P1);
    }

    @Test
    void theSystemsTakeTurnsRunningFirstRoundByRound() {
        List<Scenario> load = List.of(Scenario.REDIS_SET_P1, Scenario.REDIS_SET_WAIT_P1, Scenario.TUPLESPACE_PUT_P1);
        assertThat(Suite.inTurn(load, 1)).isEqualTo(load);
        assertThat(Suite.inTurn(load, 2))
                .containsExactly(Scenario.TUPLESPACE_PUT_P1, Scenario.REDIS_SET_WAIT_P1, Scenario.REDIS_SET_P1);
        assertThat(Suite.inTurn(load, 3)).isEqualTo(load);
    }
}
