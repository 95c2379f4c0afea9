package tuplespace.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.bench.report.TestLoads.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

    @Test
    void everyRoundHasARowNamedByItsNumberAndAScenarioMeasuredOnceHasOneWithout() {
        Results results = new Results();
        results.put(Scenario.TUPLESPACE_GET_P1, 1, ops(70_000));
        results.put(Scenario.TUPLESPACE_GET_P1, 3, ops(75_000));
        results.put(Scenario.REDIS_GET_P1, 2, ops(80_000));
        results.put(Scenario.TUPLESPACE_MEMORY_PUT_P1, 1, ops(50_000));
        String table = ReportWriter.throughputTable(results.throughput());
        assertThat(table).contains("| tuplespace exact GET, pipeline 1, round 1 | 70,000 |")
                .contains("| tuplespace exact GET, pipeline 1, round 3 | 75,000 |")
                .contains("| redis GET, pipeline 1, round 2 | 80,000 |")
                .contains("| tuplespace-memory PUT (sync, memory only, beside the durable runs), pipeline 1 | 50,000 |");
    }

    @Test
    void theJsonHoldsEachScenariosRoundsInOrder() throws Exception {
        Results results = new Results();
        results.put(Scenario.TUPLESPACE_GET_P1, 1, ops(70_000));
        results.put(Scenario.TUPLESPACE_GET_P1, 2, ops(75_000));
        JsonNode rounds = new ObjectMapper().readTree(ReportWriter.json(results)).path("throughput").path("TUPLESPACE_GET_P1");
        assertThat(rounds.size()).isEqualTo(2);
        assertThat(rounds.get(0).path("round").asInt()).isEqualTo(1);
        assertThat(rounds.get(1).path("round").asInt()).isEqualTo(2);
        assertThat(rounds.get(1).path("opsPerSecond").asDouble()).isEqualTo(75_000);
    }
}
