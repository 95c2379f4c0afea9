package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tuplespace.codec.Utf8Text;
import tuplespace.replication.Change;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicatedState;
import tuplespace.replication.ReplicationInvariantException;
import tuplespace.replication.ReplicationMessage;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;

/** What a backup holds, without any link: when it is checked, and which index it may acknowledge. */
class BackupCopyTest {

    private final TupleSpace primary = new TupleSpace();
    private final BackupCopy copy = new BackupCopy(Optional.empty());

    /** The snapshot's pairs are the state as of its index: an entry after it waits for the pairs, then applies. */
    @Test
    void entriesBeforeTheSnapshotsEndAreDeferredNeitherCheckedNorAcknowledgedAndApplyAtTheEnd() {
        copy.begin(1, 0, 0x51, false);
        long empty = copy.digest();
        ReplicationMessage.Entries first = entry(1);

        boolean due = copy.entries(new ReplicationMessage.Entries(first.entries(), 12345)); // a digest that differs

        assertThat(due).as("an ack is due").isFalse();
        assertThat(copy.acknowledgeable()).isEqualTo(-1);
        assertThat(copy.lastIndex()).isEqualTo(1);
        assertThat(copy.digest()).as("deferred until the snapshot's pairs are in").isEqualTo(empty);
        assertThat(copy.end(new ReplicationMessage.SnapshotEnd(1, primary.digest()))).isDone();
        assertThat(copy.digest()).as("applied at the snapshot's end").isEqualTo(primary.digest());
        assertThat(copy.acknowledgeable()).isEqualTo(1);
    }

    /**
     * Which primary's snapshot may replace a copy whose primary is gone (epoch 3 up to index 10, from server 0x51): a
     * newer state only. A lower epoch, the same epoch behind, the same epoch number from another server (a history apart,
     * however far it got), or a higher epoch recovered from an unforced log behind this copy: each refused.
     */
    @Test
    void onlyANewerPrimarysSnapshotMayReplaceACopy() {
        copy.begin(3, 10, 0x51, false);
        assertThat(copy.newerThan(2, 50, 0x51, false)).as("a lower epoch").isPresent();
        assertThat(copy.newerThan(3, 9, 0x51, false)).as("its own primary, behind").isPresent();
        assertThat(copy.newerThan(3, 10, 0x51, false)).as("its own primary, where it was").isEmpty();
        assertThat(copy.newerThan(3, 12, 0x51, false)).as("its own primary, further on").isEmpty();
        assertThat(copy.newerThan(3, 99, 0x52, false)).as("another primary of epoch 3").get().asString()
                .contains("from another primary of that epoch number");
        assertThat(copy.newerThan(3, 0, 0x52, false)).as("another primary of epoch 3, behind: the same reason")
                .get().asString().contains("from another primary of that epoch number");
        assertThat(copy.newerThan(4, 2, 0x52, false)).as("a higher epoch, from a forced log").isEmpty();
        assertThat(copy.newerThan(4, 2, 0x51, true)).as("a higher epoch, from an unforced log behind").get()
                .asString().contains("--fsync everysec or no");
        assertThat(copy.newerThan(4, 10, 0x52, true)).as("a higher epoch, from an unforced log as far").isEmpty();
        assertThat(copy.newerThan(2, 0, 0x52, false)).get().asString()
                .isEqualTo("holds a copy of epoch 3 up to index 10 (0 pairs)");
    }

    @Test
    void afterTheSnapshotsEndEveryBatchIsCheckedAndMayBeAcknowledged() {
        copy.begin(1, 0, 0x51, false);
        assertThat(copy.end(new ReplicationMessage.SnapshotEnd(0, primary.digest()))).as("no disk to wait for").isDone();
        assertThat(copy.acknowledgeable()).isEqualTo(0);

        assertThat(copy.entries(entry(1))).as("an ack is due").isTrue();
        assertThat(copy.acknowledgeable()).isEqualTo(1);

        ReplicationMessage.Entries second = entry(2);
        assertThatThrownBy(() -> copy.entries(new ReplicationMessage.Entries(second.entries(), 42)))
                .isInstanceOf(ReplicationInvariantException.class)
                .hasMessageContaining("differs from the primary's 42 at index 2");
    }

    @Test
    void aSnapshotThatEndsAtAnotherIndexThanItsEntriesReachIsABrokenInvariant() {
        copy.begin(1, 0, 0x51, false);
        copy.entries(entry(1));

        assertThatThrownBy(() -> copy.end(new ReplicationMessage.SnapshotEnd(0, primary.digest())))
                .isInstanceOf(ReplicationInvariantException.class)
                .hasMessageContaining("ended at index 0 but the entries received reach index 1");
        assertThat(copy.acknowledgeable()).isEqualTo(-1);
    }

    @Test
    void aSteppedDownPrimarysCopyResumesOnlyAtTheIndexItHolds() {
        BackupCopy stepped = BackupCopy.afterStepDown(Optional.empty(), new ReplicatedState(new TupleSpace()), 3, 5);

        assertThat(stepped.resumable()).isTrue();
        assertThat(stepped.refusesResumeAt(5)).isEmpty();
        assertThat(stepped.refusesResumeAt(6)).hasValue("holds the state at index 5");
        assertThat(copy.refusesResumeAt(5)).hasValue("holds no state to resume");

        stepped.begin(4, 5, 0x51, true);
        assertThat(stepped.resumable()).as("resumed once").isFalse();
        assertThat(stepped.end(new ReplicationMessage.SnapshotEnd(5, new TupleSpace().digest()))).isDone();
        assertThat(stepped.acknowledgeable()).isEqualTo(5);
    }

    /** The entry of index {@code index} (epoch 1) writing {@code k,<index>}, applied to {@link #primary} too. */
    private ReplicationMessage.Entries entry(long index) {
        Effect effect = new Effect(List.of(), List.of(Pair.of("k," + index, "v")));
        primary.applyEffect(effect);
        return new ReplicationMessage.Entries(List.of(new Replicated(1, index,
                new Change.Applied(9, index, 0, effect, Utf8Text.of("ok\n")))), primary.digest());
    }
}
