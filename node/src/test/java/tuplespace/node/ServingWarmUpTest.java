package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServingWarmUpTest {

    @Test
    void theScratchRunGoesThroughTheRealCodecAndEvaluatorWithoutFailing() {
        // Every frame is encoded and decoded back and compared: a codec change that broke the round trip fails here.
        assertThatCode(() -> ServingWarmUp.run(new CodecRequestEvaluator(),
                new MatchLimits(Duration.ofMillis(100), Duration.ofSeconds(60))))
                .doesNotThrowAnyException();
    }
}
