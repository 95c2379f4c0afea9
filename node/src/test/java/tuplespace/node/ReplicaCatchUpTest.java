package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tuplespace.node.ReplicaCatchUp.Step;

class ReplicaCatchUpTest {

    private static final long SERVER = 0x5eL;
    private static final long MS = 1_000_000L;

    @Test
    void aBackupThatHoldsEveryAnswerOutIsHeldForAndNamedAtOnce() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);

        assertThat(catchUp.live(100, SERVER, 100, 0)).isEqualTo(Step.HOLD_AND_NAME);
        assertThat(catchUp.server()).isEqualTo(SERVER);
        assertThat(catchUp.acknowledged(120, 120, MS)).isEqualTo(Step.NONE);
    }

    @Test
    void nothingWaitsForABackupStillBehindTheAnswersOutAtItsSnapshotsEnd() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);

        assertThat(catchUp.live(100, SERVER, 150, 0)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(149, 400, 100 * MS)).as("short of the round's end").isEqualTo(Step.NONE);
        // a quick round: from now on answers wait for it; it is named once it holds the answers out meanwhile
        assertThat(catchUp.acknowledged(150, 180, 5 * MS)).isEqualTo(Step.HOLD);
        assertThat(catchUp.acknowledged(179, 180, 6 * MS)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(180, 180, 7 * MS)).isEqualTo(Step.NAME);
        assertThat(catchUp.acknowledged(200, 200, 8 * MS)).as("named once").isEqualTo(Step.NONE);
    }

    @Test
    void aSlowRoundStartsAnotherUntilOneIsQuick() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
        catchUp.live(100, SERVER, 1_000, 0);

        assertThat(catchUp.acknowledged(1_000, 3_000, 300 * MS)).as("the backlog took 300 ms").isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(2_999, 3_300, 330 * MS)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(3_000, 3_400, 340 * MS)).as("this round took 40 ms").isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(3_400, 3_410, 345 * MS)).as("5 ms: it keeps up").isEqualTo(Step.HOLD);
        assertThat(catchUp.rounds()).isEqualTo(3);
        assertThat(catchUp.acknowledged(3_410, 3_410, 346 * MS)).isEqualTo(Step.NAME);
    }

    @Test
    void aBackupThatAcknowledgesEveryAnswerOutEndsItsCatchUpHowSlowItWas() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
        catchUp.live(100, SERVER, 1_000, 0);

        assertThat(catchUp.acknowledged(1_000, 1_000, 500 * MS)).isEqualTo(Step.HOLD_AND_NAME);
    }

    @Test
    void aBackupSlowerThanTheWritesIsWaitedForAfterTheLastRound() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
        long answered = 1_000;
        catchUp.live(100, SERVER, answered, 0);
        Step step = Step.NONE;
        int acknowledgements = 0;
        for (long now = 100 * MS; step == Step.NONE; now += 100 * MS) {
            step = catchUp.acknowledged(answered, answered + 500, now);
            answered += 500;
            acknowledgements++;
        }

        assertThat(step).isEqualTo(Step.HOLD);
        assertThat(acknowledgements).isEqualTo(ReplicaCatchUp.MAX_ROUNDS);
    }

    @Test
    void withAsyncReplicationNothingWaitsAndTheBackupIsNamedOnceItHoldsTheAnswersOutAtItsSnapshotsEnd() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(false);

        assertThat(catchUp.live(100, SERVER, 150, 0)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(140, 200, MS)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(150, 200, 500 * MS)).isEqualTo(Step.NAME);
    }

    @Test
    void aLostBackupIsForgottenAndTheNextStartsOver() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
        catchUp.live(100, SERVER, 150, 0);
        catchUp.lost();

        assertThat(catchUp.server()).isZero();
        assertThat(catchUp.acknowledged(500, 500, MS)).isEqualTo(Step.NONE);
        assertThat(catchUp.live(600, SERVER + 1, 600, 2 * MS)).isEqualTo(Step.HOLD_AND_NAME);
        assertThat(catchUp.server()).isEqualTo(SERVER + 1);
    }
}
