package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.Utf8Text;
import tuplespace.codec.frame.Frame;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.replication.ReplicationInvariantException;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/** Answers that cannot travel and evaluations that fail: still one answer per request, still exactly once. */
@Timeout(10)
class ExactlyOnceRequestsFailureTest {

    private static final long LIMIT = 200;
    private static final MatchLimits BUDGET = new MatchLimits(Duration.ofMillis(100), Duration.ofSeconds(60));
    private static final MatchClock CLOCK = new MatchClock(System::nanoTime, Optional.empty());

    private final ReplicatedState state = new ReplicatedState(spaceOf(20));
    private final List<Change> log = new ArrayList<>();

    private static TupleSpace spaceOf(int pairs) {
        TupleSpace space = new TupleSpace();
        List<Pair> written = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            written.add(new Pair(Tuple.parse("key" + i), Tuple.parse("value" + i)));
        }
        space.applyEffect(new Effect(List.of(), written));
        return space;
    }

    private ExactlyOnceRequests requests(RequestEvaluator evaluator) {
        return new ExactlyOnceRequests(state, evaluator, BUDGET, CLOCK, LIMIT);
    }

    private String handle(ExactlyOnceRequests requests, Frame.Request request) {
        ExactlyOnceRequests.Handled handled = requests.handle(request);
        log.addAll(handled.changes());
        return handled.answerText();
    }

    @Test
    void aReadWhoseAnswerIsOverTheFrameLimitIsAnsweredUnavailableSayingSo() {
        String answer = handle(requests(new CodecRequestEvaluator()),
                new Frame.Request(1, 1, 0, "{\"id\":5,\"op\":\"GET\",\"key\":\".*\",\"value\":\".*\"}"));
        assertThat(answer).startsWith("{\"id\":5,\"status\":\"unavailable\",\"error\":\"answer too large: expected an answer"
                + " of at most 200 bytes, found ").contains("nothing was changed; narrow the patterns").endsWith("\n");
        assertThat(log).isEmpty();
        assertThat(state.space().size()).isEqualTo(20);
        assertThat(handle(requests(new CodecRequestEvaluator()), new Frame.Request(1, 2, 1, "GET key1 .*")))
                .startsWith("ok 1 pair");
    }

    @Test
    void anAppliedDeleteWhoseAnswerIsTooLargeRemembersAndReplicatesTheErrorSoAResendGetsItOnce() {
        String answer = handle(requests(new CodecRequestEvaluator()), new Frame.Request(1, 1, 0, "DELETE .* .*"));
        assertThat(answer).startsWith("unavailable: answer too large:").contains("the update was applied")
                .endsWith("end\n");
        assertThat(state.space().size()).isZero();
        assertThat(log).singleElement().satisfies(change -> {
            Change.Applied applied = (Change.Applied) change;
            assertThat(applied.effect().removed()).hasSize(20);
            assertThat(applied.answer()).isEqualTo(Utf8Text.of(answer));
        });
        ReplicatedState backup = new ReplicatedState(spaceOf(20));
        log.forEach(backup::apply);
        ExactlyOnceRequests.Handled resent = new ExactlyOnceRequests(backup, new CodecRequestEvaluator(), BUDGET, CLOCK, LIMIT)
                .handle(new Frame.Request(1, 1, 0, "DELETE .* .*"));
        assertThat(resent.answerText()).isEqualTo(answer);
        assertThat(resent.changes()).isEmpty();
    }

    @Test
    void anUnexpectedExceptionIsAnsweredAsAnInternalErrorRememberedAndServingGoesOn() {
        RequestEvaluator failingOnBoom = (line, space, budget, allocator) -> {
            if (line.toString(StandardCharsets.UTF_8).contains("boom")) {
                throw new IllegalStateException("a bug");
            }
            return new CodecRequestEvaluator().evaluate(line, space, budget, allocator);
        };
        ExactlyOnceRequests requests = requests(failingOnBoom);
        long digest = state.space().digest();
        String answer = handle(requests, new Frame.Request(1, 1, 0, "{\"id\":\"x\",\"op\":\"PUT\",\"boom\":1}"));
        assertThat(answer).isEqualTo("{\"id\":\"x\",\"status\":\"unavailable\",\"error\":\"internal error: expected to"
                + " evaluate the request, found IllegalStateException; nothing was changed; the server log has the"
                + " details\"}\n");
        assertThat(state.space().digest()).isEqualTo(digest);
        assertThat(log).singleElement().satisfies(change -> assertThat(((Change.Applied) change).effect()).isEqualTo(Effect.NONE));
        assertThat(handle(requests, new Frame.Request(1, 1, 0, "{\"id\":\"x\",\"op\":\"PUT\",\"boom\":1}"))).isEqualTo(answer);
        assertThat(handle(requests, new Frame.Request(1, 2, 1, "GET key1 .*"))).startsWith("ok 1 pair");
    }

    /** Direct memory that ran out (many big answers at once) fails the request, not the connection's later ones. */
    @Test
    void memoryThatRanOutIsAnsweredUnavailableWithNothingChanged() {
        RequestEvaluator outOfDirectMemory = (line, space, budget, allocator) -> {
            if (line.toString(StandardCharsets.UTF_8).contains("big")) {
                throw new OutOfMemoryError("Cannot reserve 2097152 bytes of direct buffer memory");
            }
            return new CodecRequestEvaluator().evaluate(line, space, budget, allocator);
        };
        ExactlyOnceRequests requests = requests(outOfDirectMemory);
        String bigRead = "{\"id\":3,\"op\":\"GET\",\"key\":\"big\",\"value\":\".*\"}";
        assertThat(handle(requests, new Frame.Request(1, 1, 0, bigRead)))
                .isEqualTo("{\"id\":3,\"status\":\"unavailable\",\"error\":\"the server is out of memory"
                        + " (Cannot reserve 2097152 bytes of direct buffer memory); nothing was changed; retry"
                        + " later\"}\n");
        assertThat(handle(requests, new Frame.Request(1, 2, 1, "GET key1 .*"))).startsWith("ok 1 pair");
    }

    @Test
    void aFailureThatChangedTheSpaceWithNoEffectToReplicateIsABrokenInvariant() {
        RequestEvaluator failingHalfWay = (line, space, budget, allocator) -> {
            space.applyEffect(new Effect(List.of(Tuple.parse("key1")), List.of()));
            throw new IllegalStateException("half-way");
        };
        assertThatThrownBy(() -> requests(failingHalfWay).handle(new Frame.Request(1, 1, 0, "DELETE key1 .*")))
                .isInstanceOf(ReplicationInvariantException.class).hasMessageContaining("half-way");
    }
}
