package tuplespace.node.persistence;

import java.util.List;
import java.util.Objects;
import tuplespace.replication.AnswerTable;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.SpaceSnapshot;

/**
 * What a snapshot file holds, taken on the event loop in one step: the state after entry {@code index} (0 for the
 * empty state before any entry): the space as an O(1) {@link SpaceSnapshot} that never changes afterwards, and a copy
 * of the answer table (small: only answers not yet known delivered). Any thread may then write it out while the loop
 * goes on.
 *
 * <p>{@code epoch} is the epoch the state belongs to: that of its last entry, or, for a backup that received a newer
 * primary's whole state ({@code SnapshotBegin}), that primary's epoch. Entries logged after the snapshot must be of
 * that epoch or a later one; between two snapshots of one node the one of the later epoch, then of the higher index,
 * is the newer.
 *
 * <p>{@code history} is the line of states of another node's directory that this state comes from (a backup's copy of
 * its primary's state, {@code SnapshotBegin}), which the directory takes with it; 0 for a state of the directory's own.
 *
 * <p>{@code recoveredTo} is, for a backup's copy, where its primary had recovered that state to from its own data
 * directory when it started ({@link RecoveredTo}); the directory records it with the snapshot. None otherwise.
 */
public record SnapshotContent(long index, long epoch, long history, SpaceSnapshot space,
                              List<AnswerTable.Entry> answers, RecoveredTo recoveredTo) {

    public SnapshotContent {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(recoveredTo, "recoveredTo");
        answers = List.copyOf(answers);
        if (index < 0 || epoch < 0) {
            throw new IllegalArgumentException("expected an index and an epoch >= 0, found " + index + " and " + epoch);
        }
    }

    /** A snapshot of no restarted primary's state ({@link RecoveredTo#NONE}). */
    public SnapshotContent(long index, long epoch, long history, SpaceSnapshot space, List<AnswerTable.Entry> answers) {
        this(index, epoch, history, space, answers, RecoveredTo.NONE);
    }

    /**
     * Takes the content of {@code state} after entry {@code index} of {@code epoch}. Call it on the thread that owns
     * the state, when every entry up to {@code index} has been applied and handed to the log, and no later one.
     */
    public static SnapshotContent take(ReplicatedState state, long index, long epoch) {
        return take(state, index, epoch, 0);
    }

    /** As {@link #take(ReplicatedState, long, long)}, for a state of {@code history} (see the class comment). */
    public static SnapshotContent take(ReplicatedState state, long index, long epoch, long history) {
        return take(state, index, epoch, history, RecoveredTo.NONE);
    }

    /** As {@link #take(ReplicatedState, long, long, long)}, for a copy of a restarted primary's state. */
    public static SnapshotContent take(ReplicatedState state, long index, long epoch, long history,
                                       RecoveredTo recoveredTo) {
        return new SnapshotContent(index, epoch, history, state.space().snapshot(), state.answers().entries(),
                recoveredTo);
    }
}
