package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(60)
class ServingWarmUpTest {

    @ParameterizedTest
    @EnumSource(ServingWarmUp.Extent.class)
    void theScratchRunGoesThroughTheRealCodecAndEvaluatorWithoutFailing(ServingWarmUp.Extent extent) {
        // Every frame is encoded and decoded back and compared: a codec change that broke the round trip fails here.
        assertThatCode(() -> ServingWarmUp.run(new CodecRequestEvaluator(),
                new MatchLimits(Duration.ofMillis(100), Duration.ofSeconds(60)), extent))
                .doesNotThrowAnyException();
    }
}
