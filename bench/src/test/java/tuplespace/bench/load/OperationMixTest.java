package tuplespace.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OperationMixTest {

    @Test
    void parsesNamedWeightsInAnyOrderAndCase() {
        assertThat(OperationMix.parse("GET=3, put=1")).isEqualTo(new OperationMix(1, 0, 3, 0));
        assertThat(OperationMix.parse("prefix=2,post=5")).isEqualTo(new OperationMix(0, 5, 0, 2));
    }

    @Test
    void rejectsUnknownNamesBadWeightsAndAllZeroWithWhatWasFound() {
        assertThatThrownBy(() -> OperationMix.parse("take=1")).hasMessageContaining("put, post, get, prefix").hasMessageContaining("take");
        assertThatThrownBy(() -> OperationMix.parse("put=x")).hasMessageContaining("integer weight for put").hasMessageContaining("'x'");
        assertThatThrownBy(() -> OperationMix.parse("put")).hasMessageContaining("name=weight").hasMessageContaining("'put'");
        assertThatThrownBy(() -> OperationMix.parse("put=0")).hasMessageContaining("at least one positive weight");
        assertThatThrownBy(() -> OperationMix.parse("put=-1")).hasMessageContaining(">= 0");
    }

    @Test
    void workloadFollowsTheMixAndMakesFreshPutKeys() {
        Workload workload = new Workload(new OperationMix(1, 0, 1, 0), 100, 20, "r1", 7, new SplittableRandom(1));
        long puts = 0;
        java.util.Set<String> putKeys = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            Operation operation = workload.next();
            if (operation instanceof Operation.Put put) {
                puts++;
                assertThat(put.keyId()).startsWith("r1c7n");
                assertThat(put.value()).hasSize(20);
                putKeys.add(put.keyId());
            } else {
                assertThat(operation).isInstanceOf(Operation.ExactGet.class);
                assertThat(Integer.parseInt(((Operation.ExactGet) operation).keyId())).isBetween(0, 99);
            }
        }
        assertThat(puts).isBetween(4_500L, 5_500L);
        assertThat(putKeys).hasSize((int) puts);
    }

    @Test
    void writesOnlyNeedsNoPreloadButGetsDo() {
        assertThat(OperationMix.writesOnly().needsPreload()).isFalse();
        assertThat(OperationMix.exactGetsOnly().needsPreload()).isTrue();
    }
}
