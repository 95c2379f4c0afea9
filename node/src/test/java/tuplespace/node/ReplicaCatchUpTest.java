package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import tuplespace.node.ReplicaCatchUp.Step;

class ReplicaCatchUpTest {

    private static final long SERVER = 0x5eL;
    private static final long MS = 1_000_000L;

    @Test
    void aBackupThatHoldsEveryAnswerOutIsHeldForAndNamedAtOnce() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);

        assertThat(catchUp.copied(100, SERVER, 100, 0)).isEqualTo(Step.HOLD_AND_NAME);
        assertThat(catchUp.server()).isEqualTo(SERVER);
        assertThat(catchUp.rounds()).isZero();
        assertThat(catchUp.acknowledged(120, 120, MS)).isEqualTo(Step.NONE);
    }

    @Test
    void nothingWaitsForABackupStillBehindTheAnswersOutAtItsSnapshotsEnd() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);

        assertThat(catchUp.copied(100, SERVER, 150, 0)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(149, 170, 2 * MS)).as("short of the round's end").isEqualTo(Step.NONE);
        // a quick round: from now on answers wait for it; it is named once it holds the answers out meanwhile
        assertThat(catchUp.acknowledged(150, 180, 5 * MS)).isEqualTo(Step.HOLD);
        assertThat(catchUp.acknowledged(179, 180, 6 * MS)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(180, 180, 7 * MS)).isEqualTo(Step.NAME);
        assertThat(catchUp.acknowledged(200, 200, 8 * MS)).as("named once").isEqualTo(Step.NONE);
    }

    @Test
    void aSlowRoundStartsAnotherWhileTheBackupGains() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
        catchUp.copied(100, SERVER, 1_000, 0);

        assertThat(catchUp.acknowledged(1_000, 3_000, 300 * MS)).as("the backlog took 300 ms").isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(2_999, 3_300, 330 * MS)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(3_000, 3_400, 340 * MS)).as("this round took 40 ms").isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(3_400, 3_410, 345 * MS)).as("5 ms: it keeps up").isEqualTo(Step.HOLD);
        assertThat(catchUp.rounds()).isEqualTo(3);
        assertThat(catchUp.acknowledged(3_410, 3_410, 346 * MS)).isEqualTo(Step.NAME);
    }

    @Test
    void aBackupThatGainsNothingOnARoundIsWaitedFor() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
        catchUp.copied(100, SERVER, 1_000, 0);

        assertThat(catchUp.acknowledged(1_000, 1_500, 60 * MS)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(1_500, 2_000, 130 * MS)).as("70 ms after 60: it does not gain").isEqualTo(Step.HOLD);
    }

    @Test
    void aCatchUpLastsAtMostItsLimitThenTheBackupIsWaitedFor() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
        long answered = 1_000;
        catchUp.copied(100, SERVER, answered, 0);
        long now = 0;
        long round = 200 * MS;
        Step step = Step.NONE;
        while (step == Step.NONE) {
            now += round;
            round = round * 9 / 10; // gaining, never quick enough
            step = catchUp.acknowledged(answered, answered + 500, now);
            answered += 500;
        }

        assertThat(step).isEqualTo(Step.HOLD);
        assertThat(now).isGreaterThanOrEqualTo(ReplicaCatchUp.MAX_CATCH_UP_NANOS)
                .isLessThan(ReplicaCatchUp.MAX_CATCH_UP_NANOS + 200 * MS);
    }

    @Test
    void aBackupThatAcknowledgesEveryAnswerOutEndsItsCatchUpHowSlowItWas() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
        catchUp.copied(100, SERVER, 1_000, 0);

        assertThat(catchUp.acknowledged(1_000, 1_000, 400 * MS)).isEqualTo(Step.HOLD_AND_NAME);
    }

    @Test
    void withAsyncReplicationNothingWaitsAndTheBackupIsNamedOnceItHoldsTheAnswersOutAtItsSnapshotsEnd() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(false);

        assertThat(catchUp.copied(100, SERVER, 150, 0)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(140, 200, MS)).isEqualTo(Step.NONE);
        assertThat(catchUp.acknowledged(150, 200, 500 * MS)).isEqualTo(Step.NAME);
    }

    @Test
    void aLostBackupIsForgottenAndTheNextStartsOver() {
        ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
        catchUp.copied(100, SERVER, 150, 0);
        catchUp.lost();

        assertThat(catchUp.server()).isZero();
        assertThat(catchUp.acknowledged(500, 500, MS)).isEqualTo(Step.NONE);
        assertThat(catchUp.copied(600, SERVER + 1, 600, 2 * MS)).isEqualTo(Step.HOLD_AND_NAME);
        assertThat(catchUp.server()).isEqualTo(SERVER + 1);
    }

    /**
     * Against a model of the primary's answers (AnswerRelease: while holding, an answer leaves only once the backup
     * acknowledged what it depends on): at every naming the backup has acknowledged every answer out, and once held
     * for, no answer leaves ahead of its acknowledgements; every backup is named in the end.
     */
    @Test
    void aBackupIsNamedOnlyWhenItHoldsEveryAnswerOutOnRandomRuns() {
        SplittableRandom random = new SplittableRandom(20261203);
        for (int run = 0; run < 2_000; run++) {
            ReplicaCatchUp catchUp = new ReplicaCatchUp(true);
            long applied = random.nextInt(1_000);
            long acknowledged = random.nextLong(applied + 1);
            long released = applied; // every answer so far left without waiting (the copy)
            long now = 0;
            boolean holding = false;
            boolean named = false;
            Step step = catchUp.copied(acknowledged, SERVER, released, now);
            for (int event = 0; event < 400 && !(named && holding); event++) {
                holding |= step.hold();
                if (step.nameReplica()) {
                    assertThat(acknowledged).as("run %d: named while an answer out depends on more", run)
                            .isGreaterThanOrEqualTo(released);
                    named = true;
                }
                now += random.nextLong(30 * MS);
                if (random.nextBoolean()) {
                    applied += 1 + random.nextInt(50); // updates answered: at once, or once acknowledged
                    released = holding ? Math.max(released, acknowledged) : applied;
                    step = Step.NONE;
                } else {
                    acknowledged = Math.min(applied, acknowledged + random.nextInt(80));
                    step = catchUp.acknowledged(acknowledged, released, now);
                    released = holding || step.hold() ? Math.max(released, acknowledged) : released;
                }
            }
            if (!named) {
                step = catchUp.acknowledged(applied, released, now + 1);
                assertThat(step.nameReplica()).as("run %d: named once it acknowledged everything", run).isTrue();
            }
        }
    }
}
