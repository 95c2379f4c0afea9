package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scheduler alone: turns run by hand, a hand-moved clock, frames named {@code <connection letter><n>}. */
@Timeout(10)
class FairTurnsTest {

    private static final long A = 1;
    private static final long B = 2;
    private static final long C = 3;
    private static final long D = 4;

    /** The loop's later turns, run by hand: each is one task, with I/O (here: nothing) in between. */
    private final ArrayDeque<Runnable> turns = new ArrayDeque<>();
    private final List<String> events = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
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
    private Consumer<String> onWork = frame -> { };
    private long nanosPerFrame;

    private FairTurns<String> turns(int perTurn, int perConnectionPerTurn, int pauseAtFrames, int resumeAtFrames) {
        return turns(new FairTurns.Limits(perTurn, Duration.ofSeconds(1), perConnectionPerTurn, pauseAtFrames,
                resumeAtFrames, 1L << 30, 1L << 29));
    }

    private FairTurns<String> turns(FairTurns.Limits limits) {
        return new FairTurns<>(frame -> {
            nanos.addAndGet(nanosPerFrame);
            events.add(frame);
            onWork.accept(frame);
        }, String::length, turns::addLast, reading, nanos::get, limits);
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

    private static void add(FairTurns<String> fair, long conn, int count) {
        String letter = String.valueOf((char) ('A' + conn - 1));
        for (int i = 1; i <= count; i++) {
            fair.add(conn, letter + i);
        }
    }

    @Test
    void nothingIsServedInTheReadItselfAndOneConnectionsFramesKeepTheirOrderAcrossTurns() {
        FairTurns<String> fair = turns(3, 100, 1000, 500);
        add(fair, A, 7);
        assertThat(events).isEmpty();
        assertThat(turns).hasSize(1); // one turn scheduled at a time
        runAllTurns();
        assertThat(events).containsExactly("A1", "A2", "A3", "|", "A4", "A5", "A6", "|", "A7", "|");
        assertThat(fair.queued()).isZero();
    }

    @Test
    void connectionsAreServedRoundRobinOneFrameAtATimeNotInArrivalOrder() {
        FairTurns<String> fair = turns(100, 100, 1000, 500);
        add(fair, A, 4);
        add(fair, B, 2);
        add(fair, C, 1);
        runOneTurn();
        assertThat(events).containsExactly("A1", "B1", "C1", "A2", "B2", "A3", "A4", "|");
    }

    @Test
    void aWellBehavedConnectionWaitsForOneFramePerBusyConnectionNotForTheirBacklogs() {
        FairTurns<String> fair = turns(4, 100, 100_000, 50_000);
        add(fair, A, 1000);
        add(fair, B, 1000);
        runOneTurn();
        fair.add(C, "C1"); // arrives while 1996 frames of A and B wait
        runOneTurn();
        assertThat(events).containsExactly("A1", "B1", "A2", "B2", "|", "A3", "B3", "C1", "A4", "|");
    }

    @Test
    void theRoundGoesOnInTheNextTurnWhereThisOneStopped() {
        FairTurns<String> fair = turns(3, 100, 1000, 500);
        add(fair, A, 2);
        add(fair, B, 2);
        add(fair, C, 2);
        add(fair, D, 2);
        runAllTurns();
        assertThat(events).containsExactly("A1", "B1", "C1", "|", "D1", "A2", "B2", "|", "C2", "D2", "|");
    }

    @Test
    void aConnectionGetsAtMostItsShareOfATurnEvenWhenAlone() {
        FairTurns<String> fair = turns(256, 2, 1000, 500);
        add(fair, A, 5);
        runOneTurn();
        add(fair, B, 3); // joins the round behind A, which waits for its next share
        runAllTurns();
        assertThat(events).containsExactly("A1", "A2", "|", "A3", "B1", "A4", "B2", "|", "A5", "B3", "|");
    }

    @Test
    void aTurnEndsOnceItsWorkTimeIsSpent() {
        FairTurns<String> fair = turns(new FairTurns.Limits(100, Duration.ofMillis(10), 100, 1000, 500, 1L << 30,
                1L << 29));
        nanosPerFrame = Duration.ofMillis(4).toNanos();
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
        FairTurns<String> fair = turns(2, 100, 6, 3);
        add(fair, A, 5);
        assertThat(events).isEmpty();
        fair.add(B, "B1");
        assertThat(events).containsExactly("pause");
        assertThat(fair.paused()).isTrue();
        runOneTurn(); // 4 left: still above the low mark
        runOneTurn(); // 2 left
        assertThat(events).containsExactly("pause", "A1", "B1", "|", "A2", "A3", "resume", "|");
        assertThat(fair.queued()).isEqualTo(2);
        assertThat(fair.paused()).isFalse();
    }

    @Test
    void readingPausesOnQueuedBytesToo() {
        FairTurns<String> fair = turns(new FairTurns.Limits(1, Duration.ofSeconds(1), 100, 1000, 500, 10, 4));
        fair.add(A, "0123456789"); // 10 "bytes": the size function counts characters here
        assertThat(fair.paused()).isTrue();
        fair.add(A, "x");
        runOneTurn();
        assertThat(events).containsExactly("pause", "0123456789", "resume", "|");
    }

    @Test
    void aParkedConnectionKeepsQueuingIsSkippedAndGoesOnInOrderWhenUnparked() {
        FairTurns<String> fair = turns(100, 100, 1000, 500);
        add(fair, A, 2);
        fair.park(A);
        add(fair, B, 2);
        fair.add(A, "A3");
        runAllTurns();
        assertThat(events).containsExactly("B1", "B2", "|");
        assertThat(fair.queued()).isEqualTo(3);
        assertThat(fair.parked(A)).isTrue();

        fair.unpark(A);
        runAllTurns();
        assertThat(events).containsExactly("B1", "B2", "|", "A1", "A2", "A3", "|");
        assertThat(fair.parked(A)).isFalse();
    }

    @Test
    void aConnectionParkedWhileOneOfItsFramesIsServedHoldsItsLaterFramesBack() {
        FairTurns<String> fair = turns(100, 100, 1000, 500);
        onWork = frame -> {
            if (frame.equals("A1")) {
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
        FairTurns<String> fair = turns(100, 100, 1000, 500);
        fair.park(A);
        fair.add(A, "A1");
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
        FairTurns<String> fair = turns(100, 100, 6, 3);
        add(fair, A, 3);
        fair.park(A);
        add(fair, B, 3);
        assertThat(fair.paused()).isTrue();
        runAllTurns();
        assertThat(events).containsExactly("pause", "B1", "B2", "B3", "resume", "|");
        assertThat(fair.queued()).isEqualTo(3);
    }

    @Test
    void clearDropsEveryQueuedFrameKeepsParkedConnectionsParkedAndResumesReading() {
        FairTurns<String> fair = turns(1, 100, 4, 2);
        add(fair, A, 2);
        add(fair, B, 2);
        fair.park(B);
        fair.clear();
        assertThat(events).containsExactly("pause", "resume");
        assertThat(fair.queued()).isZero();
        runAllTurns(); // the turn already scheduled finds nothing to do
        fair.add(A, "A9");
        fair.add(B, "B9");
        runAllTurns();
        assertThat(events).containsExactly("pause", "resume", "|", "A9", "|");
        assertThat(fair.parked(B)).isTrue();
    }

    @Test
    void aFailingFrameDoesNotStopTheTurnsThatFollow() {
        FairTurns<String> fair = turns(10, 100, 1000, 500);
        onWork = frame -> {
            if (frame.equals("A2")) {
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
    void limitsMustPauseAboveWhereTheyResume() {
        assertThatThrownBy(() -> new FairTurns.Limits(1, Duration.ofSeconds(1), 1, 5, 5, 10, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pause marks above");
    }
}
