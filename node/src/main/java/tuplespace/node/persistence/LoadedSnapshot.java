package tuplespace.node.persistence;

import java.util.List;
import tuplespace.replication.AnswerTable;
import tuplespace.space.TupleSpace;

/** A snapshot file read back: what it says about itself, the space (its digest checked) and the answer table. */
public record LoadedSnapshot(SnapshotInfo info, TupleSpace space, List<AnswerTable.Entry> answers) {
    public LoadedSnapshot {
        answers = List.copyOf(answers);
    }
}
