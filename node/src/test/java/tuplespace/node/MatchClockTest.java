package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.frame.Frame;
import tuplespace.pattern.MatchBudget;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

@Timeout(10)
class MatchClockTest {

    private static final Duration LIMIT = Duration.ofMillis(100);
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong wall = new AtomicLong();
    private final AtomicLong cpu = new AtomicLong();

    @Test
    void theBudgetIsChargedCpuTimeNotTheTimeTheThreadWasDescheduled() {
        MatchBudget budget = new MatchClock(wall::get, Optional.of(cpu::get)).budget(LIMIT);
        wall.addAndGet(5 * SECOND); // descheduled for 5 s under load
        cpu.addAndGet(LIMIT.toNanos() - 1);
        assertThat(budget.exhausted()).isFalse();
        cpu.addAndGet(1); // 100 ms of its own work
        assertThat(budget.exhausted()).isTrue();
    }

    @Test
    void budgetsStartedCloseTogetherShareOneCpuReadingAndAreNeverUndercharged() {
        AtomicLong cpuReads = new AtomicLong();
        MatchClock clock = new MatchClock(wall::get, Optional.of(() -> {
            cpuReads.incrementAndGet();
            return cpu.get();
        }));
        clock.budget(LIMIT);
        assertThat(cpuReads).hasValue(1);
        // 0.9 ms later, after 0.5 ms of CPU: the next budget counts from the same reading, so it is charged that too.
        wall.addAndGet(900_000);
        cpu.addAndGet(500_000);
        MatchBudget second = clock.budget(LIMIT);
        assertThat(cpuReads).hasValue(1);
        wall.addAndGet(5 * SECOND);
        cpu.addAndGet(LIMIT.toNanos() - 500_000);
        assertThat(second.exhausted()).as("charged its own 99.5 ms and the 0.5 ms before it").isTrue();
        // A reading older than the reuse window is taken afresh: the budget is charged only its own CPU.
        MatchBudget third = clock.budget(LIMIT);
        assertThat(cpuReads.get()).isGreaterThan(1);
        wall.addAndGet(5 * SECOND);
        cpu.addAndGet(LIMIT.toNanos() - 1);
        assertThat(third.exhausted()).isFalse();
        cpu.addAndGet(1);
        assertThat(third.exhausted()).isTrue();
    }

    @Test
    void withoutCpuTimeTheWallClockIsTheFallback() {
        MatchBudget budget = new MatchClock(wall::get, Optional.empty()).budget(LIMIT);
        wall.addAndGet(LIMIT.toNanos());
        assertThat(budget.exhausted()).isTrue();
    }

    @Test
    void aLiteralDeleteIsNotCutOffWhileTheServingThreadIsDescheduled() {
        // The wall clock jumps a second at every read (the thread descheduled between any two reads); no CPU is spent.
        MatchClock stalled = new MatchClock(() -> wall.addAndGet(SECOND), Optional.of(cpu::get));
        ReplicatedState state = stateWithTheReviewersPair();
        String answer = new ExactlyOnceRequests(state, new CodecRequestEvaluator(), LIMIT, stalled)
                .handle(new Frame.Request(1, 1, 0, "{\"op\":\"DELETE\",\"key\":\"o7,88\",\"value\":\".*\"}")).answer();
        assertThat(answer).isEqualTo("{\"status\":\"ok\",\"pairs\":[[[\"o7\",\"88\"],[\"v\"]]]}\n");
        assertThat(state.space().size()).isZero();

        // The same stall on the wall clock alone is what cut the reviewer's DELETE off. Since the store bounds each
        // text on its own and reads the clock only inside long texts and every few hundred texts, a one-text request
        // reads it just once, as it starts: not even the wall clock cuts it off now.
        ReplicatedState control = stateWithTheReviewersPair();
        String wallOnly = new ExactlyOnceRequests(control, new CodecRequestEvaluator(), LIMIT,
                new MatchClock(() -> wall.addAndGet(SECOND), Optional.empty()))
                .handle(new Frame.Request(1, 1, 0, "{\"op\":\"DELETE\",\"key\":\"o7,88\",\"value\":\".*\"}")).answer();
        assertThat(wallOnly).isEqualTo(answer);
        assertThat(control.space().size()).isZero();
    }

    @Test
    void theServingThreadsClockIsNotChargedForSleeping() throws InterruptedException {
        assumeTrue(ManagementFactory.getThreadMXBean().isCurrentThreadCpuTimeSupported(), "no thread CPU time here");
        MatchClock clock = MatchClock.ofCurrentThread();
        assertThat(clock.chargesCpuTime()).isTrue();
        MatchBudget budget = clock.budget(Duration.ofMillis(20));
        Thread.sleep(100); // a sleeping thread uses no CPU: like one the OS did not schedule
        assertThat(budget.exhausted()).isFalse();
    }

    private static ReplicatedState stateWithTheReviewersPair() {
        TupleSpace space = new TupleSpace();
        space.applyEffect(new Effect(List.of(), List.of(new Pair(Tuple.parse("o7,88"), Tuple.parse("v")))));
        return new ReplicatedState(space);
    }
}
