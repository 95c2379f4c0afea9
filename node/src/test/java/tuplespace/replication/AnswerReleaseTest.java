package tuplespace.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AnswerReleaseTest {

    private final List<String> sent = new ArrayList<>();
    private final AnswerRelease<String> release = new AnswerRelease<>(sent::add);

    @Test
    void withoutABackupToWaitForAnswersLeaveAtOnce() {
        release.offer(5, "a");
        release.offer(6, "b");
        assertThat(sent).containsExactly("a", "b");
    }

    @Test
    void highestReleasedIsWhatABackupMustHoldBeforeItMayBeNamedTheReplica() {
        assertThat(release.highestReleased()).isEqualTo(-1);
        release.offer(7, "update-7"); // no backup to wait for (one syncing): out at once
        release.offer(3, "read-of-3");
        assertThat(release.highestReleased()).isEqualTo(7);
        release.startHolding(5); // the backup acknowledged its snapshot's end at 5: it lacks update 7
        release.offer(8, "update-8");
        assertThat(release.highestReleased()).as("held answers are not out").isEqualTo(7);
        release.acknowledged(8);
        assertThat(release.highestReleased()).isEqualTo(8);
        assertThat(sent).containsExactly("update-7", "read-of-3", "update-8");
    }

    @Test
    void anAnswerLeavesOnlyOnceItsIndexIsAcknowledged() {
        release.startHolding(10);
        release.offer(10, "read-of-acked"); // depends on nothing unacknowledged
        release.offer(11, "update-11");
        release.offer(12, "update-12");
        assertThat(sent).containsExactly("read-of-acked");
        release.acknowledged(11);
        assertThat(sent).containsExactly("read-of-acked", "update-11");
        release.acknowledged(12);
        assertThat(sent).containsExactly("read-of-acked", "update-11", "update-12");
    }

    @Test
    void answersLeaveInOrderEvenWhenALaterOneDependsOnLess() {
        release.startHolding(0);
        release.offer(3, "update-3");
        release.offer(0, "malformed"); // depends on nothing, but must not overtake
        assertThat(sent).isEmpty();
        release.acknowledged(3);
        assertThat(sent).containsExactly("update-3", "malformed");
    }

    @Test
    void cumulativeAcksReleaseEverythingUpToTheIndex() {
        release.startHolding(0);
        for (int i = 1; i <= 5; i++) {
            release.offer(i, "u" + i);
        }
        release.acknowledged(4);
        assertThat(sent).containsExactly("u1", "u2", "u3", "u4");
        release.acknowledged(2); // an older ack arriving late changes nothing
        assertThat(sent).hasSize(4);
        assertThat(release.heldCount()).isEqualTo(1);
    }

    @Test
    void losingTheBackupReleasesWhatWasHeldInOrder() {
        release.startHolding(0);
        release.offer(1, "u1");
        release.offer(2, "u2");
        release.stopHolding();
        release.offer(3, "u3");
        assertThat(sent).containsExactly("u1", "u2", "u3");
    }

    @Test
    void withBothHoldsAnAnswerWaitsForTheLaterOfTheBackupsAcknowledgementAndTheLocalLog() {
        release.startHolding(0);
        release.startHoldingForDisk(0);
        release.offer(1, "update-1");
        release.offer(2, "update-2");
        release.acknowledged(2);
        assertThat(sent).isEmpty();
        release.logged(1);
        assertThat(sent).containsExactly("update-1");
        release.logged(2);
        assertThat(sent).containsExactly("update-1", "update-2");
    }

    @Test
    void losingTheBackupStillWaitsForTheLocalLog() {
        release.startHolding(0);
        release.startHoldingForDisk(0);
        release.offer(1, "update-1");
        release.stopHolding();
        assertThat(sent).as("degraded: the primary's own fsync is what an answer waits for").isEmpty();
        release.logged(1);
        assertThat(sent).containsExactly("update-1");
        release.offer(2, "update-2");
        assertThat(sent).containsExactly("update-1");
        release.releaseAll();
        assertThat(sent).containsExactly("update-1", "update-2");
    }

    @Test
    void anAnswerThatDependsOnNothingOvertakesOtherConnectionsButNeverItsOwn() {
        List<String> out = new ArrayList<>();
        AnswerRelease<String> byConnection = new AnswerRelease<>(out::add, answer -> answer.charAt(0));
        byConnection.startHoldingForDisk(0);
        byConnection.offer(1, "a-update-1");
        byConnection.offer(0, "b-refused");
        byConnection.offer(0, "a-refused");
        assertThat(out).containsExactly("b-refused");
        byConnection.logged(1);
        assertThat(out).containsExactly("b-refused", "a-update-1", "a-refused");
    }

    @Test
    void givingUpOnTheDiskAnswersItsHeldUpdatesAsUnknownAndLetsTheirConnectionsLaterAnswersGo() {
        List<String> out = new ArrayList<>();
        AnswerRelease<String> byConnection = new AnswerRelease<>(out::add, answer -> answer.charAt(0));
        byConnection.startHoldingForDisk(1);
        byConnection.offerUpdate(2, "a-update-2"); // its write failed: the disk is full
        byConnection.offer(2, "b-read-saw-2"); // evaluated before the failure was known: it saw update 2
        byConnection.offer(1, "a-read-of-1"); // behind its own connection's update
        byConnection.offerUpdate(3, "c-update-3");
        assertThat(out).isEmpty();

        byConnection.giveUpOnDisk(answer -> answer + " unknown");
        assertThat(out).containsExactly("a-update-2 unknown", "b-read-saw-2", "a-read-of-1", "c-update-3 unknown");
        assertThat(byConnection.heldCount()).isZero();
        assertThat(byConnection.highestReleased()).as("an update answered unknown is not out").isEqualTo(2);
        byConnection.offerUpdate(4, "d-update-4"); // a long DELETE applied after the wait ended, or a resend
        assertThat(out).as("until the disk writes again").last().isEqualTo("d-update-4 unknown");

        byConnection.waitForDiskAgain();
        byConnection.offerUpdate(5, "a-update-5");
        assertThat(out).as("later answers wait for the disk again").hasSize(5);
        byConnection.logged(5);
        assertThat(out).last().isEqualTo("a-update-5");
    }

    @Test
    void givingUpOnTheDiskStillWaitsForTheBackup() {
        release.startHolding(1);
        release.startHoldingForDisk(1);
        release.offerUpdate(2, "update-2");
        release.offerUpdate(3, "update-3");
        release.acknowledged(2);
        release.giveUpOnDisk(answer -> answer + " unknown");
        assertThat(sent).containsExactly("update-2 unknown");
        release.acknowledged(3);
        assertThat(sent).containsExactly("update-2 unknown", "update-3 unknown");
        release.waitForDiskAgain();
        release.offerUpdate(4, "update-4");
        release.acknowledged(4);
        assertThat(sent).as("the disk holds it back again").hasSize(2);
        release.logged(4);
        assertThat(sent).last().isEqualTo("update-4");
    }
}
