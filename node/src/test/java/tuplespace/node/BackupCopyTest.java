package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tuplespace.codec.Utf8Text;
import tuplespace.node.persistence.RecoveredTo;
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

    private static final long HISTORY = 0x4157;

    private final TupleSpace primary = new TupleSpace();
    private final BackupCopy copy = new BackupCopy(Optional.empty());

    /** The snapshot's pairs are the state as of its index: an entry after it waits for the pairs, then applies. */
    @Test
    void entriesBeforeTheSnapshotsEndAreDeferredNeitherCheckedNorAcknowledgedAndApplyAtTheEnd() {
        copy.begin(begin(1, 0, 0x51));
        long empty = copy.digest();
        ReplicationMessage.Entries first = entry(1);

        boolean due = copy.entries(new ReplicationMessage.Entries(first.entries(), 12345, -1)); // a digest that differs

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
        copy.begin(begin(3, 10, 0x51));
        copy.primaryForced(8); // --fsync always: 9 and 10 were not answered yet
        assertThat(copy.newerThan(begin(2, 50, 0x51))).as("a lower epoch").isPresent();
        assertThat(copy.newerThan(begin(3, 9, 0x51))).as("its own primary, behind").isPresent();
        assertThat(copy.newerThan(begin(3, 10, 0x51))).as("its own primary, where it was").isEmpty();
        assertThat(copy.newerThan(begin(3, 12, 0x51))).as("its own primary, further on").isEmpty();
        assertThat(copy.newerThan(begin(3, 99, 0x52))).as("another primary of epoch 3").get().asString()
                .contains("from another primary of that epoch number");
        assertThat(copy.newerThan(begin(3, 0, 0x52))).as("another primary of epoch 3, behind: the same reason")
                .get().asString().contains("from another primary of that epoch number");
        assertThat(copy.newerThan(begin(4, 2, 0x52))).as("a higher epoch, after a takeover").isEmpty();
        assertThat(copy.newerThan(restarted(4, 9, 0x52, 9))).as("a restart of a forced log, with all it forced")
                .isEmpty();
        assertThat(copy.newerThan(unforced(4, 2, 0x51))).as("a higher epoch, from an unforced log behind").get()
                .asString().contains("--fsync everysec or no");
        assertThat(copy.newerThan(unforced(4, 10, 0x52))).as("a higher epoch, from an unforced log as far").isEmpty();
        assertThat(copy.newerThan(new ReplicationMessage.SnapshotBegin(4, 12, 4242, 0x52, "127.0.0.1:1", false, true,
                HISTORY, 9, 0, 0))).as("from an unforced log behind, with updates of its own since").get().asString()
                .contains("--fsync everysec or no");
        assertThat(copy.newerThan(begin(2, 0, 0x52))).get().asString()
                .isEqualTo("holds a copy of epoch 3 up to index 10 (0 pairs)");
    }

    /**
     * A data directory taken from another service carries another history: its state never replaces a copy, whatever
     * its epoch. A primary without a data directory (history 0), or a copy of one, names none, and is not compared.
     */
    @Test
    void aSnapshotOfAnotherHistoryNeverReplacesACopy() {
        copy.begin(begin(3, 10, 0x51));
        ReplicationMessage.SnapshotBegin foreign = new ReplicationMessage.SnapshotBegin(9, 500, 4242, 0x52,
                "127.0.0.1:1", false, false, 0x7777, 500, 0, 0);

        assertThat(copy.newerThan(foreign)).get().asString().isEqualTo("holds a copy of epoch 3 up to index 10 (0 pairs)"
                + " of data directory history 0000000000004157, not that primary's 0000000000007777 (a data directory"
                + " of another service, or one created anew)");
        assertThat(copy.newerThan(new ReplicationMessage.SnapshotBegin(9, 500, 4242, 0x52, "127.0.0.1:1", false, false,
                0, -1, 0, 0))).as("a primary without a data directory, of a higher epoch").isEmpty();
        BackupCopy ofMemoryOnly = new BackupCopy(Optional.empty());
        ofMemoryOnly.begin(new ReplicationMessage.SnapshotBegin(3, 10, 4242, 0x51, "127.0.0.1:1", false, false, 0,
                -1, 0, 0));
        assertThat(ofMemoryOnly.newerThan(foreign)).as("a copy of a primary without a data directory").isEmpty();
    }

    /**
     * With {@code --fsync always} the primary's entries say how far its log was forced, and a restart of its directory
     * recovers at least that far. One that recovers less lacks answered updates: its directory was restored from an
     * older copy of itself (the same history, a higher epoch as it recorded the copy's). What counts is what the
     * primary this copy follows forced, since the last snapshot began.
     */
    @Test
    void aRestartThatRecoversLessThanItsPrimaryForcedNeverReplacesACopy() {
        copy.begin(begin(1, 0, 0x51));
        copy.end(new ReplicationMessage.SnapshotEnd(0, primary.digest()));
        for (long index = 1; index <= 10; index++) {
            copy.entries(entry(index, index - 1)); // each batch says how far the log was forced before it
        }

        assertThat(copy.newerThan(restarted(2, 12, 0x52, 8))).as("recovered short of index 9").get().asString()
                .isEqualTo("holds a copy of epoch 1 up to index 10 (10 pairs); the primary it followed had forced its"
                        + " log to index 9, and that server recovered its data directory only to index 8: the"
                        + " directory is not as that primary left it (restored from an older copy?)");
        assertThat(copy.newerThan(restarted(2, 9, 0x52, 9))).as("as far as was forced").isEmpty();
        assertThat(copy.newerThan(begin(2, 9, 0x52))).as("a takeover elsewhere: no recovery to compare").isEmpty();

        copy.primaryForced(11); // a heartbeat after the last batch: the log was forced further
        assertThat(copy.newerThan(restarted(2, 12, 0x52, 10))).as("short of what a heartbeat said").get().asString()
                .contains("forced its log to index 11, and that server recovered its data directory only to index 10");

        copy.begin(begin(2, 10, 0x53));
        assertThat(copy.newerThan(restarted(3, 12, 0x54, 8))).as("the next primary said nothing yet: all it sent counts")
                .get().asString().contains("further than that primary recovered to (index 8)");
        copy.primaryForced(7);
        assertThat(copy.newerThan(restarted(3, 10, 0x54, 8))).as("then what it forced").isEmpty();
    }

    /**
     * A primary whose answers did not wait for its disk ({@code --fsync everysec}: its entries say no forced index)
     * may have answered every update this copy holds. Its directory restarted with {@code --fsync always} (the mode
     * changed) must still hold them all.
     */
    @Test
    void aRestartOfAPrimaryWhoseAnswersDidNotWaitForItsDiskMustRecoverAllThisCopyHolds() {
        copy.begin(begin(1, 0, 0x51));
        copy.end(new ReplicationMessage.SnapshotEnd(0, primary.digest()));
        for (long index = 1; index <= 10; index++) {
            copy.entries(entry(index, -1));
        }

        assertThat(copy.newerThan(restarted(2, 12, 0x52, 8))).get().asString()
                .contains("further than that primary recovered to (index 8) from a log not forced before each answer");
        assertThat(copy.newerThan(restarted(2, 10, 0x52, 10))).isEmpty();
    }

    /**
     * The link between a backup and its primary was cut and the primary, alive, connects again: the same epoch and
     * server, further on than this copy. It recovered its directory long ago; that is no restart, and it is taken.
     */
    @Test
    void thePrimaryThisCopyFollowsCarryingOnAfterACutLinkIsTaken() {
        copy.begin(restarted(1, 0, 0x51, 0));
        copy.end(new ReplicationMessage.SnapshotEnd(0, primary.digest()));
        for (long index = 1; index <= 10; index++) {
            copy.entries(entry(index, index - 1));
        }

        assertThat(copy.newerThan(restarted(1, 12, 0x51, 0))).as("from a forced log").isEmpty();
        assertThat(copy.newerThan(new ReplicationMessage.SnapshotBegin(1, 12, 4242, 0x51, "127.0.0.1:1", false, true,
                HISTORY, 0, 0, 0))).as("from an unforced log").isEmpty();
        assertThat(copy.newerThan(restarted(1, 9, 0x51, 0))).as("behind this copy").isPresent();
    }

    /**
     * A backup restarted on its own data directory, on another machine than its primary's (epoch 3 up to index 527):
     * promoted to epoch 3 itself (its directory recorded its own server id 0x5b with it) after the primary of epoch 2
     * (0xa0) was lost at index 326. That primary restarted from its own directory, which never saw epoch 3, takes epoch 3
     * as well: another history, refused; so is a higher epoch whose directory ends before this one's. A primary whose
     * directory went further, or was promoted since, replaces it.
     */
    @Test
    void aCopyRecoveredFromItsOwnDirectoryIsReplacedOnlyByANewerState() {
        BackupCopy promoted = recoveredCopy(3, 527, 0x5b, 3, 0x5b);
        assertThat(promoted.recovered()).isTrue();
        assertThat(promoted.newerThan(restartedOn(3, 326, 0xa1, 2, 0xa0, false))).as("epoch 3 again, from the lost one")
                .get().asString().contains("from another primary of that epoch number");
        assertThat(promoted.newerThan(restartedOn(4, 326, 0xa1, 2, 0xa0, false))).as("higher epoch, older directory")
                .get().asString().contains("recovered from its own data directory: newer than the state that primary"
                        + " recovered from its own (entry 326 of epoch 2)");
        assertThat(promoted.newerThan(restartedOn(4, 600, 0xa1, 3, 0xc3, false))).as("further, in another epoch 3")
                .get().asString().contains("another primary of that epoch number");
        assertThat(promoted.newerThan(restartedOn(5, 600, 0xa1, 4, 0xc3, false))).as("a directory that went further")
                .isEmpty();
        assertThat(promoted.newerThan(begin(4, 400, 0xc3))).as("a primary promoted since, not restarted").isEmpty();

        promoted.begin(begin(4, 600, 0xa1));
        assertThat(promoted.recovered()).as("a primary's copy from then on").isFalse();
    }

    /**
     * Restarts of both machines where nothing separates the two directories: the same epoch of the same primary (0x5b)
     * as far, no entry on either side, the primary this directory recorded last (taken again after a crash in its
     * snapshot), and a primary that went on serving beside a backup that crashed. A copy further on in the same epoch
     * is kept, even if that primary never answered what it has beyond: its directory may have been only a backup then.
     */
    @Test
    void aCopyRecoveredFromItsOwnDirectoryTakesTheSameLineOfStates() {
        BackupCopy copy = recoveredCopy(2, 101, 0x5b, 2, 0x5b);
        assertThat(copy.newerThan(restartedOn(3, 101, 0xa2, 2, 0x5b, false))).as("restarted again, nothing since")
                .isEmpty();
        assertThat(copy.newerThan(restartedOn(3, 95, 0xa2, 2, 0x5b, false))).as("a directory that ends before").get()
                .asString().contains("newer than the state that primary recovered from its own (entry 95 of epoch 2)");
        assertThat(recoveredCopy(1, 0, 0x5b, 1, 0x5b).newerThan(restartedOn(2, 0, 0xa2, 0, 0, false)))
                .as("no entry on either side").isEmpty();

        // it recorded epoch 4 of 0xd4 when that primary's snapshot began, and crashed before the snapshot was on disk
        BackupCopy interrupted = recoveredCopy(3, 600, 0, 4, 0xd4);
        assertThat(interrupted.newerThan(restartedOn(4, 700, 0xd4, 3, 0x77, false))).as("the primary it had taken")
                .isEmpty();

        // a backup restarted beside its primary (0x5b, epoch 3), which went on serving since it started from its
        // own directory at entry 100 of epoch 2
        BackupCopy following = recoveredCopy(3, 4990, 0x5b, 3, 0x5b);
        assertThat(following.newerThan(new ReplicationMessage.SnapshotBegin(3, 5000, 4242, 0x5b, "127.0.0.1:1", false,
                false, HISTORY, 100, 2, 0x44))).as("its own primary").isEmpty();

        // a directory that recorded no server with the epoch: judged by epoch and index
        BackupCopy unknown = recoveredCopy(3, 50, 0, 0, 0);
        assertThat(unknown.newerThan(begin(3, 60, 0xd4))).as("the same epoch, further on").isEmpty();
        assertThat(unknown.newerThan(begin(3, 40, 0xd4))).as("the same epoch, behind").isPresent();
        assertThat(unknown.newerThan(begin(2, 90, 0xd4))).as("a lower epoch").isPresent();
    }

    /**
     * A copy that is exactly what its primary, restarted on its data directory (epoch 4, entry 20 of epoch 3's primary
     * 0x77), recovered: the same start run again from another server id, recovered at least as far along the same
     * epoch of the same primary, loses nothing and is taken. Recovered less, along another epoch or primary, from
     * another history, or once the copy holds an entry of epoch 4: refused as another primary of that epoch.
     */
    /**
     * A fresh service whose first start gave the backup its (empty) state and stopped unregistered (the proxy was not
     * up yet): the copy holds no update at all, so the next start, another server of that epoch number, loses
     * nothing.
     */
    @Test
    void aCopyOfNoUpdateAtAllIsReplacedByAnyPrimary() {
        copy.begin(begin(1, 0, 0x51));
        assertThat(copy.end(new ReplicationMessage.SnapshotEnd(0, primary.digest()))).isDone();
        assertThat(copy.newerThan(begin(1, 0, 0x52))).as("another server of epoch 1").isEmpty();
    }

    @Test
    void theSameRestartRunAgainIsTakenWhileTheCopyHoldsOnlyWhatTheFirstRecovered() {
        copy.begin(restartedOn(4, 20, 0x51, 3, 0x77, false));
        assertThat(copy.end(new ReplicationMessage.SnapshotEnd(20, primary.digest()))).isDone();
        assertThat(copy.newerThan(restartedOn(4, 20, 0x52, 3, 0x77, false))).as("the same start again").isEmpty();
        assertThat(copy.newerThan(restartedOn(4, 25, 0x52, 3, 0x77, true))).as("further along").isEmpty();
        assertThat(copy.newerThan(restartedOn(4, 19, 0x52, 3, 0x77, false))).as("recovered less").get().asString()
                .contains("from another primary of that epoch number");
        assertThat(copy.newerThan(restartedOn(4, 20, 0x52, 2, 0x77, false))).as("along another epoch").isPresent();
        assertThat(copy.newerThan(restartedOn(4, 20, 0x52, 3, 0x78, false))).as("along another primary").isPresent();
        assertThat(copy.newerThan(begin(4, 20, 0x52))).as("not a restart").isPresent();
        ReplicationMessage.SnapshotBegin otherHistory = new ReplicationMessage.SnapshotBegin(4, 20, 4242, 0x52,
                "127.0.0.1:1", false, false, 0x7777, 20, 3, 0x77);
        assertThat(copy.newerThan(otherHistory)).as("another history").get().asString()
                .contains("a data directory of another service");

        copy.entries(new ReplicationMessage.Entries(List.of(new Replicated(4, 21, new Change.Closed(0))),
                primary.digest(), 20)); // what the first start logs once the proxy took it
        assertThat(copy.newerThan(restartedOn(4, 21, 0x52, 3, 0x77, false))).as("the same start again, once the"
                + " copy holds an entry of its epoch").get().asString().contains("from another primary of that epoch");
    }

    /**
     * The same, with the backup restarted between the two starts: its directory kept, with its snapshot of the first
     * start's state (epoch 4 of 0x51 at index 20, recorded with that epoch), where that start had recovered it to.
     * Without that record, or once the copy holds an entry of epoch 4, the next start is refused as before.
     */
    @Test
    void theSameRestartRunAgainIsTakenByABackupRestartedOnItsCopyOfTheFirst() {
        RecoveredTo first = new RecoveredTo(20, 3, 0x77);
        BackupCopy restarted = BackupCopy.recovered(Optional.empty(), new ReplicatedState(new TupleSpace()), 4, 20,
                0x51, 4, 0x51, first);
        assertThat(restarted.newerThan(restartedOn(4, 20, 0x52, 3, 0x77, false))).as("the same start again").isEmpty();
        assertThat(restarted.newerThan(restartedOn(4, 25, 0x52, 3, 0x77, false))).as("further along").isEmpty();
        assertThat(restarted.newerThan(restartedOn(4, 19, 0x52, 3, 0x77, false))).as("recovered less").get()
                .asString().contains("from another primary of that epoch number");
        assertThat(restarted.newerThan(restartedOn(4, 20, 0x52, 3, 0x78, false))).as("along another primary")
                .isPresent();

        assertThat(BackupCopy.recovered(Optional.empty(), new ReplicatedState(new TupleSpace()), 4, 20, 0x51, 4, 0x51,
                RecoveredTo.NONE).newerThan(restartedOn(4, 20, 0x52, 3, 0x77, false))).as("no record").isPresent();
        assertThat(BackupCopy.recovered(Optional.empty(), new ReplicatedState(new TupleSpace()), 4, 21, 0x51, 4, 0x51,
                first).newerThan(restartedOn(4, 21, 0x52, 3, 0x77, false))).as("an entry of epoch 4 since").get()
                .asString().contains("from another primary of that epoch number");
        assertThat(BackupCopy.recovered(Optional.empty(), new ReplicatedState(new TupleSpace()), 4, 20, 0, 9, 0x99,
                first).newerThan(restartedOn(4, 20, 0x52, 3, 0x77, false))).as("a newer epoch recorded since")
                .isPresent();
        RecoveredTo unknownPrimary = new RecoveredTo(20, 3, 0);
        assertThat(BackupCopy.recovered(Optional.empty(), new ReplicatedState(new TupleSpace()), 4, 20, 0x51, 4, 0x51,
                unknownPrimary).newerThan(restartedOn(4, 20, 0x52, 3, 0, false))).as("epoch 3 of an unknown primary")
                .isPresent();
    }

    /** A switchover's resume is no restart: the copy it leaves is never taken over by another server of its epoch. */
    @Test
    void aResumedCopyIsNotTakenByAnotherServerOfItsEpoch() {
        BackupCopy resumed = BackupCopy.afterStepDown(Optional.empty(), new ReplicatedState(new TupleSpace()), 4, 20);
        resumed.begin(new ReplicationMessage.SnapshotBegin(5, 20, 4242, 0x51, "127.0.0.1:1", true, false, HISTORY, 20,
                3, 0x77));
        assertThat(resumed.end(new ReplicationMessage.SnapshotEnd(20, new TupleSpace().digest()))).isDone();
        assertThat(resumed.newerThan(restartedOn(5, 20, 0x52, 3, 0x77, false))).isPresent();
    }

    /** A copy recovered at entry {@code index} of {@code epoch} (of primary {@code server}), its directory's record. */
    private static BackupCopy recoveredCopy(long epoch, long index, long server, long recordedEpoch,
                                            long recordedServer) {
        return BackupCopy.recovered(Optional.empty(), new ReplicatedState(new TupleSpace()), epoch, index, server,
                recordedEpoch, recordedServer, RecoveredTo.NONE);
    }

    @Test
    void afterTheSnapshotsEndEveryBatchIsCheckedAndMayBeAcknowledged() {
        copy.begin(begin(1, 0, 0x51));
        assertThat(copy.end(new ReplicationMessage.SnapshotEnd(0, primary.digest()))).as("no disk to wait for").isDone();
        assertThat(copy.acknowledgeable()).isEqualTo(0);

        assertThat(copy.entries(entry(1))).as("an ack is due").isTrue();
        assertThat(copy.acknowledgeable()).isEqualTo(1);

        ReplicationMessage.Entries second = entry(2);
        assertThatThrownBy(() -> copy.entries(new ReplicationMessage.Entries(second.entries(), 42, -1)))
                .isInstanceOf(ReplicationInvariantException.class)
                .hasMessageContaining("differs from the primary's 42 at index 2");
    }

    @Test
    void aSnapshotThatEndsAtAnotherIndexThanItsEntriesReachIsABrokenInvariant() {
        copy.begin(begin(1, 0, 0x51));
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

        stepped.begin(new ReplicationMessage.SnapshotBegin(4, 5, 4242, 0x51, "127.0.0.1:1", true, false, HISTORY,
                -1, 0, 0));
        assertThat(stepped.resumable()).as("resumed once").isFalse();
        assertThat(stepped.end(new ReplicationMessage.SnapshotEnd(5, new TupleSpace().digest()))).isDone();
        assertThat(stepped.acknowledgeable()).isEqualTo(5);
    }

    /** The entry of index {@code index} (epoch 1) writing {@code k,<index>}, applied to {@link #primary} too. */
    private ReplicationMessage.Entries entry(long index) {
        return entry(index, -1);
    }

    /** As {@link #entry(long)}, from a primary whose log was forced to {@code forcedIndex}. */
    private ReplicationMessage.Entries entry(long index, long forcedIndex) {
        Effect effect = new Effect(List.of(), List.of(Pair.of("k," + index, "v")));
        primary.applyEffect(effect);
        return new ReplicationMessage.Entries(List.of(new Replicated(1, index,
                new Change.Applied(9, index, 0, effect, Utf8Text.of("ok\n")))), primary.digest(), forcedIndex);
    }

    /** The snapshot of the primary of {@code epoch} and {@code server} at {@code index}, of {@link #HISTORY}. */
    private static ReplicationMessage.SnapshotBegin begin(long epoch, long index, long server) {
        return new ReplicationMessage.SnapshotBegin(epoch, index, 4242, server, "127.0.0.1:1", false, false,
                HISTORY, -1, 0, 0);
    }

    /** As {@link #begin}, from a server that recovered its data directory's log to {@code index}, not forced. */
    private static ReplicationMessage.SnapshotBegin unforced(long epoch, long index, long server) {
        return new ReplicationMessage.SnapshotBegin(epoch, index, 4242, server, "127.0.0.1:1", false, true, HISTORY,
                index, 0, 0);
    }

    /**
     * As {@link #begin}, from a server that recovered its data directory to entry {@code recoveredIndex} of
     * {@code recoveredEpoch}, whose primary was {@code recoveredServer}, at index {@code recoveredIndex} still.
     */
    private static ReplicationMessage.SnapshotBegin restartedOn(long epoch, long recoveredIndex, long server,
                                                                long recoveredEpoch, long recoveredServer,
                                                                boolean mayLackAnswered) {
        return new ReplicationMessage.SnapshotBegin(epoch, recoveredIndex, 4242, server, "127.0.0.1:1", false,
                mayLackAnswered, HISTORY, recoveredIndex, recoveredEpoch, recoveredServer);
    }

    /** As {@link #begin}, from a server that recovered its data directory's forced log to {@code recovered}. */
    private static ReplicationMessage.SnapshotBegin restarted(long epoch, long index, long server, long recovered) {
        return new ReplicationMessage.SnapshotBegin(epoch, index, 4242, server, "127.0.0.1:1", false, false, HISTORY,
                recovered, 0, 0);
    }
}
