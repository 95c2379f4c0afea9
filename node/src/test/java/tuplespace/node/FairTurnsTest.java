package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.netty.NextTurn;

/**
 * The scheduler alone: turns run by hand, clocks moved by the work itself, requests whose line names them
 * ({@code A1} is connection A's first), each costing what {@link #cost} says (by default as long as a visit, so that
 * each visit serves one frame). The work's cost moves the wall clock and the thread's CPU clock alike; a frame listed
 * in {@link #offCpu} also spends that long off the CPU (the wall clock only), as when the OS runs another thread or
 * the JVM stops for a collection.
 */
@Timeout(10)
class FairTurnsTest {

    private static final long A = 1;
    private static final long B = 2;
    private static final long C = 3;
    private static final long D = 4;
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration VISIT = Duration.ofMillis(1);
    private static final Duration IDLE_CREDIT = Duration.ofMillis(10);

    /** The loop's later turns, run by hand: each is one task, with I/O (here: nothing) in between. */
    private final ArrayDeque<Runnable> turns = new ArrayDeque<>();
    private final List<String> events = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private final AtomicLong cpuReadings = new AtomicLong();
    private final Map<Long, Long> cost = new HashMap<>();
    private final Map<String, Long> offCpu = new HashMap<>();
    private final FairTurns.Reading reading = new FairTurns.Reading() {
        @Override
        public void pause() {
            events.add("pause");
        }

        @Override
        public void resume() {
            events.add("resume");
        }
    };
    private Consumer<Frame> onWork = frame -> { };

    private FairTurns turns(int perTurn, int perConnectionPerTurn, int pauseAtFrames, int resumeAtFrames) {
        return turns(new FairTurns.Limits(perTurn, SECOND, perConnectionPerTurn, VISIT, IDLE_CREDIT, pauseAtFrames,
                resumeAtFrames, 1L << 30, 1L << 29));
    }

    private FairTurns turns(FairTurns.Limits limits) {
        return turns(limits, () -> {
            cpuReadings.incrementAndGet();
            return cpuNanos.get();
        });
    }

    private FairTurns turns(FairTurns.Limits limits, LongSupplier cpuClock) {
        return new FairTurns(frame -> {
            long conn = frame instanceof Frame.Request request ? request.conn() : ((Frame.Closed) frame).conn();
            String event = frame instanceof Frame.Request request ? request.lineText() : "closed " + name(conn);
            long work = cost.getOrDefault(conn, VISIT.toNanos());
            nanos.addAndGet(work + offCpu.getOrDefault(event, 0L));
            cpuNanos.addAndGet(work);
            events.add(event);
            onWork.accept(frame);
        }, turns::addLast, reading, nanos::get, cpuClock, limits);
    }

    private void runOneTurn() {
        turns.pollFirst().run();
        events.add("|");
    }

    private void runAllTurns() {
        while (!turns.isEmpty()) {
            runOneTurn();
        }
    }

    private static String name(long conn) {
        return String.valueOf((char) ('A' + conn - 1));
    }

    private static Frame.Request request(long conn, int n) {
        return new Frame.Request(conn, n, 0, name(conn) + n);
    }

    private static void add(FairTurns fair, long conn, int count) {
        for (int i = 1; i <= count; i++) {
            fair.add(request(conn, i));
        }
    }

    private static long count(List<String> events, String prefix) {
        return events.stream().filter(event -> event.startsWith(prefix)).count();
    }

    @Test
    void nothingIsServedInTheReadItselfAndOneConnectionsFramesKeepTheirOrderAcrossTurns() {
        FairTurns fair = turns(3, 100, 1000, 500);
        add(fair, A, 7);
        assertThat(events).isEmpty();
        assertThat(turns).hasSize(1); // one turn scheduled at a time
        runAllTurns();
        assertThat(events).containsExactly("A1", "A2", "A3", "|", "A4", "A5", "A6", "|", "A7", "|");
        assertThat(fair.queued()).isZero();
    }

    @Test
    void whileFrozenNothingIsServedAndFramesKeepQueuingThenServingGoesOnInOrder() {
        FairTurns fair = turns(100, 100, 1000, 500);
        add(fair, A, 2);
        fair.freeze();
        runAllTurns();
        fair.add(request(B, 1));
        runAllTurns();
        assertThat(events).containsExactly("|");
        assertThat(fair.queued()).isEqualTo(3);

        fair.thaw();
        runAllTurns();
        assertThat(events).containsExactly("|", "A1", "B1", "A2", "|");
        assertThat(fair.frozen()).isFalse();
    }

    /** Answers piling up for the proxy stop the turn after the frame that made them so, until they have gone out. */
    @Test
    void whileTheOutputIsHeldNothingIsServedThenServingGoesOnWhereItStopped() {
        FairTurns fair = turns(100, 100, 1000, 500);
        onWork = frame -> {
            if (((Frame.Request) frame).lineText().equals("A2")) {
                fair.waitForOutput(true); // its answer filled the way out
            }
        };
        add(fair, A, 3);
        add(fair, B, 1);
        runAllTurns();
        assertThat(events).containsExactly("A1", "B1", "A2", "|");
        assertThat(fair.waitsForOutput()).isTrue();
        fair.add(request(C, 1));
        assertThat(turns).as("no turn while held").isEmpty();

        fair.waitForOutput(false);
        runAllTurns();
        assertThat(events).containsExactly("A1", "B1", "A2", "|", "C1", "A3", "|");
    }

    @Test
    void connectionsWhoseFramesCostTheSameAreServedRoundRobinOneFrameAtATime() {
        FairTurns fair = turns(100, 100, 1000, 500);
        add(fair, A, 4);
        add(fair, B, 2);
        add(fair, C, 1);
        runOneTurn();
        assertThat(events).containsExactly("A1", "B1", "C1", "A2", "B2", "A3", "A4", "|");
    }

    @Test
    void theRoundGoesOnInTheNextTurnWhereThisOneStopped() {
        FairTurns fair = turns(3, 100, 1000, 500);
        add(fair, A, 2);
        add(fair, B, 2);
        add(fair, C, 2);
        add(fair, D, 2);
        runAllTurns();
        assertThat(events).containsExactly("A1", "B1", "C1", "|", "D1", "A2", "B2", "|", "C2", "D2", "|");
    }

    @Test
    void aLightConnectionIsServedNextNotAfterOneFrameOfEveryBusyConnection() {
        FairTurns fair = turns(4, 100, 100_000, 50_000);
        cost.put(A, Duration.ofMillis(5).toNanos()); // 70 KB GETs
        cost.put(B, Duration.ofMillis(5).toNanos());
        cost.put(C, Duration.ofMillis(5).toNanos());
        cost.put(D, Duration.ofNanos(20_000).toNanos()); // exact GETs
        add(fair, A, 100);
        add(fair, B, 100);
        add(fair, C, 100);
        runOneTurn();
        fair.add(request(D, 1)); // arrives while 296 heavy frames wait
        runOneTurn();
        fair.add(request(D, 2)); // and again, after its answer
        runOneTurn();
        assertThat(events).containsExactly("A1", "B1", "C1", "A2", "|", "D1", "B2", "C2", "A3", "|",
                "D2", "B3", "C3", "A4", "|");
    }

    @Test
    void connectionsShareServingTimeNotFrameCounts() {
        FairTurns fair = turns(new FairTurns.Limits(1000, Duration.ofMillis(100), 1000, VISIT, IDLE_CREDIT, 10_000,
                5_000, 1L << 30, 1L << 29));
        cost.put(A, Duration.ofMillis(4).toNanos());
        cost.put(B, Duration.ofMillis(1).toNanos());
        add(fair, A, 100);
        add(fair, B, 100);
        runOneTurn();
        // 100 ms: A gets 12 of 4 ms, B 52 of 1 ms: within a frame of 50 ms each
        assertThat(count(events, "A") * 4).isBetween(44L, 56L);
        assertThat(count(events, "B")).isBetween(46L, 56L);
    }

    /** One turn of A's and B's four frames each, A1 spending 30 ms off the CPU (descheduled, or stopped for a GC). */
    private List<String> oneTurnWithA1OffTheCpu(FairTurns fair) {
        offCpu.put("A1", Duration.ofMillis(30).toNanos());
        add(fair, A, 4);
        add(fair, B, 4);
        runOneTurn();
        return events;
    }

    @Test
    void timeOffTheCpuDuringAFrameIsNotChargedToItsConnection() {
        assertThat(oneTurnWithA1OffTheCpu(turns(100, 100, 1000, 500)))
                .containsExactly("A1", "B1", "A2", "B2", "A3", "B3", "A4", "B4", "|");
    }

    @Test
    void withoutCpuTimeAFrameIsChargedItsWallTimePausesIncluded() {
        FairTurns wallOnly = turns(new FairTurns.Limits(100, SECOND, 100, VISIT, IDLE_CREDIT, 1000, 500, 1L << 30,
                1L << 29), nanos::get);
        assertThat(oneTurnWithA1OffTheCpu(wallOnly)).containsExactly("A1", "B1", "B2", "B3", "B4", "A2", "A3", "A4", "|");
    }

    @Test
    void aCpuClockTurnedOffAtRunTimeChargesWallTimeNotNothing() {
        FairTurns cpuOff = turns(new FairTurns.Limits(100, SECOND, 100, VISIT, IDLE_CREDIT, 1000, 500, 1L << 30,
                1L << 29), () -> -1L); // what ThreadMXBean answers once thread CPU time is disabled
        assertThat(oneTurnWithA1OffTheCpu(cpuOff)).containsExactly("A1", "B1", "B2", "B3", "B4", "A2", "A3", "A4", "|");
    }

    @Test
    void theCpuClockIsReadOncePerTurnAndAfterEachFrameLongEnoughToHaveBeenDescheduled() {
        FairTurns fair = turns(100, 100, 1000, 500);
        cost.put(A, FairTurns.OFF_CPU_CHECK_NANOS / 10); // exact GETs: no reading of their own
        cost.put(B, FairTurns.OFF_CPU_CHECK_NANOS * 2);
        add(fair, A, 40);
        add(fair, B, 3);
        runOneTurn();
        assertThat(count(events, "A")).isEqualTo(40);
        assertThat(cpuReadings.get()).isEqualTo(1 + 3);
    }

    @Test
    void aVisitServesAPipelinedBatchOfCheapRequestsTogetherForAboutItsTime() {
        FairTurns fair = turns(1000, 100, 10_000, 5_000);
        cost.put(A, Duration.ofNanos(100_000).toNanos()); // ten to a visit
        cost.put(B, Duration.ofNanos(100_000).toNanos());
        add(fair, A, 5);
        add(fair, B, 15);
        runOneTurn();
        assertThat(events).containsExactly("A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "B4", "B5", "B6", "B7",
                "B8", "B9", "B10", "B11", "B12", "B13", "B14", "B15", "|");
        events.clear();
        cost.put(C, Duration.ofNanos(100_000).toNanos());
        add(fair, C, 30);
        fair.add(request(D, 1));
        runOneTurn(); // C gets about a visit's time, then D, least served, then C again
        assertThat(events.subList(0, 11)).containsExactly("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10",
                "D1");
    }

    @Test
    void aConnectionThatWasIdleCannotBankMoreThanTheIdleCredit() {
        FairTurns fair = turns(new FairTurns.Limits(1000, Duration.ofMillis(40), 1000, VISIT, IDLE_CREDIT, 10_000,
                5_000, 1L << 30, 1L << 29));
        cost.put(A, Duration.ofMillis(1).toNanos());
        cost.put(B, Duration.ofMillis(1).toNanos());
        add(fair, A, 1000);
        runOneTurn(); // A alone for 40 ms
        events.clear();
        add(fair, B, 1000); // B used nothing so far: it is served first for 10 ms, then they alternate
        runOneTurn();
        assertThat(events.subList(0, 11)).allMatch(event -> event.startsWith("B"));
        assertThat(events.get(11)).isEqualTo("A41");
        assertThat(count(events, "B") - count(events, "A")).isBetween(8L, 12L);
    }

    @Test
    void aConnectionGetsAtMostItsShareOfATurnEvenWhenAlone() {
        FairTurns fair = turns(256, 2, 1000, 500);
        add(fair, A, 5);
        runOneTurn();
        add(fair, B, 3); // it had nothing yet: it goes first, within its own share
        runAllTurns();
        assertThat(events).containsExactly("A1", "A2", "|", "B1", "B2", "A3", "A4", "|", "B3", "A5", "|");
    }

    @Test
    void aTurnEndsOnceItsWorkTimeIsSpent() {
        FairTurns fair = turns(new FairTurns.Limits(100, Duration.ofMillis(10), 100, VISIT, IDLE_CREDIT, 1000,
                500, 1L << 30, 1L << 29));
        cost.put(A, Duration.ofMillis(4).toNanos());
        add(fair, A, 5);
        runOneTurn();
        assertThat(events).containsExactly("A1", "A2", "A3", "|");
        assertThat(fair.queued()).isEqualTo(2);
        runOneTurn();
        assertThat(events).endsWith("A4", "A5", "|");
        assertThat(turns).isEmpty();
    }

    @Test
    void readingPausesAtTheHighMarkAndResumesAtTheLowOneBeforeEverythingIsServed() {
        FairTurns fair = turns(2, 100, 6, 3);
        add(fair, A, 5);
        assertThat(events).isEmpty();
        fair.add(request(B, 1));
        assertThat(events).containsExactly("pause");
        assertThat(fair.paused()).isTrue();
        runOneTurn(); // 4 left: still above the low mark
        runOneTurn(); // 2 left
        assertThat(events).containsExactly("pause", "A1", "B1", "|", "A2", "A3", "resume", "|");
        assertThat(fair.queued()).isEqualTo(2);
        assertThat(fair.paused()).isFalse();
    }

    @Test
    void readingPausesOnQueuedRequestLinesToo() {
        FairTurns fair = turns(new FairTurns.Limits(1, SECOND, 100, VISIT, IDLE_CREDIT, 1000, 500, 10, 4));
        fair.add(new Frame.Request(A, 1, 0, "0123456789"));
        assertThat(fair.paused()).isTrue();
        fair.add(new Frame.Request(A, 2, 0, "x"));
        runOneTurn();
        assertThat(events).containsExactly("pause", "0123456789", "resume", "|");
    }

    @Test
    void aParkedConnectionKeepsQueuingIsSkippedAndGoesOnInOrderWhenUnparked() {
        FairTurns fair = turns(100, 100, 1000, 500);
        add(fair, A, 2);
        fair.park(A);
        add(fair, B, 2);
        fair.add(request(A, 3));
        fair.add(new Frame.Closed(A));
        runAllTurns();
        assertThat(events).containsExactly("B1", "B2", "|");
        assertThat(fair.queued()).isEqualTo(4);
        assertThat(fair.parked(A)).isTrue();

        fair.unpark(A);
        runAllTurns();
        assertThat(events).containsExactly("B1", "B2", "|", "A1", "A2", "A3", "closed A", "|");
        assertThat(fair.parked(A)).isFalse();
    }

    @Test
    void servingDoneElsewhereWhileParkedIsChargedSoAClientOfLongScansDoesNotLookIdle() {
        FairTurns fair = turns(4, 100, 100_000, 50_000);
        add(fair, A, 1);
        add(fair, B, 1);
        runOneTurn(); // A1 and B1: equal shares so far
        fair.park(A); // A's next request runs 50 ms on the scan thread
        add(fair, A, 3);
        add(fair, B, 3);
        events.clear();
        fair.unpark(A, Duration.ofMillis(50).toNanos());
        runOneTurn();
        // B, 50 ms behind, goes first; A's frames wait until B has caught up (B's 3 cost 3 ms: A follows at once)
        assertThat(events.subList(0, 3)).containsExactly("B1", "B2", "B3");
    }

    @Test
    void aConnectionParkedWhileOneOfItsFramesIsServedHoldsItsLaterFramesBack() {
        FairTurns fair = turns(100, 100, 1000, 500);
        onWork = frame -> {
            if (frame instanceof Frame.Request request && request.lineText().equals("A1")) {
                fair.park(A); // A1 goes on elsewhere: A's answers must stay in request order
            }
        };
        add(fair, A, 3);
        add(fair, B, 3);
        runAllTurns();
        assertThat(events).containsExactly("A1", "B1", "B2", "B3", "|");

        fair.unpark(A);
        runAllTurns();
        assertThat(events).endsWith("A2", "A3", "|");
    }

    @Test
    void parkingAnIdleConnectionHoldsTheFramesItGetsAfterwardsAndUnparkingItAgainIsHarmless() {
        FairTurns fair = turns(100, 100, 1000, 500);
        fair.park(A);
        fair.add(request(A, 1));
        assertThat(turns).isEmpty();
        fair.unpark(A);
        fair.unpark(A);
        fair.unpark(C); // never seen
        runAllTurns();
        assertThat(events).containsExactly("A1", "|");
        assertThat(fair.parked(A)).isFalse();
    }

    @Test
    void aParkedConnectionAloneDoesNotKeepReadingPaused() {
        FairTurns fair = turns(100, 100, 6, 3);
        add(fair, A, 3);
        fair.park(A);
        add(fair, B, 3);
        assertThat(fair.paused()).isTrue();
        runAllTurns();
        assertThat(events).containsExactly("pause", "B1", "B2", "B3", "resume", "|");
        assertThat(fair.queued()).isEqualTo(3);
    }

    @Test
    void aConnectionIsForgottenAfterItsClosedAndRememberedWhileIdle() {
        FairTurns fair = turns(100, 100, 1000, 500);
        add(fair, A, 2);
        fair.add(new Frame.Closed(A));
        add(fair, B, 1);
        runAllTurns();
        assertThat(fair.connections()).isEqualTo(1); // B: its serving time decides how soon it is served next time
        fair.add(new Frame.Closed(B));
        runAllTurns();
        assertThat(fair.connections()).isZero();
    }

    @Test
    void clearDropsEveryQueuedFrameKeepsParkedConnectionsParkedAndResumesReading() {
        FairTurns fair = turns(1, 100, 4, 2);
        add(fair, A, 2);
        add(fair, B, 2);
        fair.park(B);
        fair.clear();
        assertThat(events).containsExactly("pause", "resume");
        assertThat(fair.queued()).isZero();
        runAllTurns(); // the turn already scheduled finds nothing to do
        fair.add(request(A, 9));
        fair.add(request(B, 9));
        runAllTurns();
        assertThat(events).containsExactly("pause", "resume", "|", "A9", "|");
        assertThat(fair.parked(B)).isTrue();
    }

    @Test
    void aFailingFrameDoesNotStopTheTurnsThatFollow() {
        FairTurns fair = turns(10, 100, 1000, 500);
        onWork = frame -> {
            if (frame instanceof Frame.Request request && request.lineText().equals("A2")) {
                throw new IllegalStateException("boom");
            }
        };
        add(fair, A, 3);
        add(fair, B, 1);
        assertThatThrownBy(this::runOneTurn).hasMessage("boom"); // the loop logs it
        runAllTurns();
        assertThat(events).containsExactly("A1", "B1", "A2", "A3", "|");
        assertThat(fair.queued()).isZero();
    }

    @Test
    void onlyRequestAndClosedFramesAreQueued() {
        FairTurns fair = turns(1, 1, 4, 2);
        assertThatThrownBy(() -> fair.add(new Frame.Ping(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void limitsMustPauseAboveWhereTheyResume() {
        assertThatThrownBy(() -> new FairTurns.Limits(1, SECOND, 1, VISIT, SECOND, 5, 5, 10, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pause marks above");
    }
}
