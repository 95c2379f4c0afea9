package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.space.Effect;

@Timeout(60)
class ServingWarmUpTest {

    @Test
    void theScratchRunGoesThroughTheRealCodecAndEvaluatorWithoutFailing() {
        // Every frame is encoded and decoded back and compared: a codec change that broke the round trip fails here.
        assertThatCode(() -> ServingWarmUp.run(new CodecRequestEvaluator(),
                new MatchLimits(Duration.ofMillis(100), Duration.ofSeconds(60))))
                .doesNotThrowAnyException();
    }

    @Test
    void theFirstRequestsAreAJsonAndATextGetEvaluatedOnScratchStateWithTheirAnswersReleased() {
        List<String> lines = new ArrayList<>();
        List<ByteBuf> answers = new ArrayList<>();
        ServingWarmUp.firstRequests((line, space, budget, allocator) -> {
            lines.add(line.toString(StandardCharsets.UTF_8));
            assertThat(space.size()).as("a scratch space").isZero();
            ByteBuf answer = Unpooled.copiedBuffer("ok\n", StandardCharsets.UTF_8);
            answers.add(answer);
            return new RequestEvaluator.Evaluation(answer, Effect.NONE, false);
        });
        assertThat(lines).containsExactly("{\"id\":1,\"op\":\"GET\",\"key\":\"w,1\",\"value\":\".*\"}", "GET w,1 .*");
        assertThat(answers).allSatisfy(answer -> assertThat(answer.refCnt()).isZero());
    }

    @Test
    void aFailureOfTheFirstRequestsIsLoggedNotThrown() {
        assertThatCode(() -> ServingWarmUp.firstRequests((line, space, budget, allocator) -> {
            throw new IllegalStateException("broken evaluator");
        })).doesNotThrowAnyException();
        // a class of the serving path that fails to load: the start goes on (the first request will say what broke)
        assertThatCode(() -> ServingWarmUp.firstRequests((line, space, budget, allocator) -> {
            throw new NoClassDefFoundError("com/fasterxml/jackson/databind/json/JsonMapper");
        })).doesNotThrowAnyException();
    }
}
