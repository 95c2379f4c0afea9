package tuplespace.replication;

import java.util.ArrayList;
import java.util.List;
import tuplespace.space.SpaceLoader;

/**
 * A backup's copy of its primary's state while the snapshot streams in: the answer table as of the snapshot's index,
 * the pairs bulk-loaded in key order as their frames arrive ({@link SpaceLoader}: the tree is built bottom up, no
 * descent per pair, no tuple parsed), and the changes of the entries that arrive meanwhile, deferred. The pairs are
 * the primary's space exactly as of that index (a frozen snapshot), so an entry after it must not be applied before
 * every pair is in: a pair sent later would undo it. {@link #finish()} applies them, in order, once the pairs are
 * complete; the caller then compares the digest with the one the snapshot's end carries.
 *
 * <p>Single-threaded (the backup's event loop).
 */
public final class IncomingSnapshot {

    private final AnswerTable answers = new AnswerTable();
    private final SpaceLoader pairs = new SpaceLoader();
    private final List<Change> deferred = new ArrayList<>();

    public void answers(ReplicationMessage.SnapshotAnswers chunk) {
        for (AnswerTable.Entry entry : chunk.answers()) {
            answers.record(entry.conn(), entry.seq(), entry.answer());
        }
    }

    /**
     * Loads the next frame of pairs; its arrays become the space's.
     *
     * @throws ReplicationInvariantException when a key does not follow the one before (in this frame or the last)
     */
    public void pairs(ReplicationMessage.SnapshotPairs frame) {
        try {
            for (int i = 0; i < frame.size(); i++) {
                pairs.add(frame.key(i), frame.value(i));
            }
        } catch (IllegalArgumentException e) {
            throw new ReplicationInvariantException("the snapshot's pairs must come in key order: " + e.getMessage());
        }
    }

    /** The change of an entry after the snapshot's index, applied by {@link #finish()}. */
    public void defer(Change change) {
        deferred.add(change);
    }

    /** Pairs loaded so far. */
    public int size() {
        return pairs.size();
    }

    /** The state: the snapshot's pairs and answers, then every change deferred, in order. Call once. */
    public ReplicatedState finish() {
        ReplicatedState state = new ReplicatedState(pairs.finish(), answers);
        deferred.forEach(state::apply);
        deferred.clear();
        return state;
    }
}
