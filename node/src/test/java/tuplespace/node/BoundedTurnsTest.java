package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BoundedTurnsTest {

    /** The loop's later turns, run by hand: each is one task, with I/O (here: nothing) in between. */
    private final ArrayDeque<Runnable> turns = new ArrayDeque<>();
    private final List<String> events = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private final BoundedTurns.Reading reading = new BoundedTurns.Reading() {
        @Override
        public void pause() {
            events.add("pause");
        }

        @Override
        public void resume() {
            events.add("resume");
        }
    };

    private BoundedTurns<Integer> turnsOf(int maxItems, Duration maxWork, long nanosPerItem) {
        return new BoundedTurns<>(item -> {
            nanos.addAndGet(nanosPerItem);
            events.add("work " + item);
        }, turns::addLast, reading, nanos::get, maxItems, maxWork);
    }

    private void runOneTurn() {
        turns.pollFirst().run();
        events.add("turn ends");
    }

    @Test
    void aBurstIsWorkedOffAcrossSeveralTurnsInOrderWithReadingPausedUntilItIsDone() {
        BoundedTurns<Integer> bounded = turnsOf(3, Duration.ofSeconds(1), 0);
        for (int item = 1; item <= 7; item++) {
            bounded.add(item);
        }
        assertThat(turns).hasSize(1);
        assertThat(events).isEmpty(); // nothing is done in the read itself
        while (!turns.isEmpty()) {
            runOneTurn();
        }
        assertThat(events).containsExactly("work 1", "work 2", "work 3", "pause", "turn ends",
                "work 4", "work 5", "work 6", "turn ends", "work 7", "resume", "turn ends");
        assertThat(bounded.paused()).isFalse();
    }

    @Test
    void aTurnEndsOnceItsWorkTimeIsSpent() {
        BoundedTurns<Integer> bounded = turnsOf(100, Duration.ofMillis(10), Duration.ofMillis(4).toNanos());
        for (int item = 1; item <= 5; item++) {
            bounded.add(item);
        }
        runOneTurn();
        assertThat(events).containsExactly("work 1", "work 2", "work 3", "pause", "turn ends");
        assertThat(bounded.queued()).isEqualTo(2);
        runOneTurn();
        assertThat(events).endsWith("work 4", "work 5", "resume", "turn ends");
        assertThat(turns).isEmpty();
    }

    @Test
    void itemsAddedWhilePausedQueueBehindAndClearDropsThemAndResumesReading() {
        BoundedTurns<Integer> bounded = turnsOf(1, Duration.ofSeconds(1), 0);
        bounded.add(1);
        bounded.add(2);
        runOneTurn();
        bounded.add(3);
        assertThat(turns).hasSize(1); // one turn scheduled at a time
        runOneTurn();
        bounded.clear();
        assertThat(events).containsExactly("work 1", "pause", "turn ends", "work 2", "turn ends", "resume");
        turns.pollFirst().run(); // the turn already scheduled finds nothing to do
        assertThat(events).endsWith("resume");
        assertThat(bounded.queued()).isZero();
    }

    @Test
    void aFailingItemDoesNotStopTheTurnsThatFollow() {
        List<Integer> done = new ArrayList<>();
        BoundedTurns<Integer> bounded = new BoundedTurns<>(item -> {
            if (item == 2) {
                throw new IllegalStateException("boom");
            }
            done.add(item);
        }, turns::addLast, reading, nanos::get, 10, Duration.ofSeconds(1));
        bounded.add(1);
        bounded.add(2);
        bounded.add(3);
        try {
            turns.pollFirst().run();
        } catch (IllegalStateException expected) {
            // the loop logs it; the rest is served in the next turn
        }
        turns.pollFirst().run();
        assertThat(done).containsExactly(1, 3);
    }
}
