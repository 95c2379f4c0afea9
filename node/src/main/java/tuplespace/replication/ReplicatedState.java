package tuplespace.replication;

import tuplespace.space.TupleSpace;

/**
 * The replicated state of a node: the tuple space plus the answer table. The primary changes it by
 * evaluating requests and records each change as a {@link Change}; the backup only ever applies changes,
 * through {@link #apply}, which is deterministic and pattern-free, so the two copies cannot diverge.
 */
public final class ReplicatedState {

    private final TupleSpace space;
    private final AnswerTable answers;

    public ReplicatedState(TupleSpace space) {
        this(space, new AnswerTable());
    }

    /** A state over a space and an answer table built apart ({@link IncomingSnapshot}). */
    ReplicatedState(TupleSpace space, AnswerTable answers) {
        this.space = space;
        this.answers = answers;
    }

    public TupleSpace space() {
        return space;
    }

    public AnswerTable answers() {
        return answers;
    }

    /** Applies a change decided by a primary. Idempotent: every change sets or removes by key. */
    public void apply(Change change) {
        if (change instanceof Change.Applied applied) {
            space.applyEffect(applied.effect());
            recordAnswer(applied);
        } else if (change instanceof Change.Closed closed) {
            answers.close(closed.conn());
        }
    }

    /**
     * The answer-table part of {@code applied}: forgets the answers delivered up to its floor, remembers its own.
     * The primary calls this alone, its evaluation having changed the space already.
     */
    public void recordAnswer(Change.Applied applied) {
        answers.release(applied.conn(), applied.floor());
        answers.record(applied.conn(), applied.seq(), applied.answer());
    }
}
