package tuplespace.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.Utf8Text;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;

@Timeout(10)
class NetAnswersTest {

    /**
     * Random tables (what a snapshot held) and random runs of changes after them (updates mostly in seq order, some
     * answered again or out of order, floors that rise, closes, updates on a connection after it closed): the table the
     * summed-up changes leave is the one their one-by-one application leaves.
     */
    @Test
    void layingTheSummedUpChangesOverATableLeavesWhatApplyingThemOneByOneWould() {
        Random random = new Random(11);
        for (int round = 0; round < 2_000; round++) {
            int connections = 1 + random.nextInt(4);
            long[] nextSeq = new long[connections];
            ReplicatedState oneByOne = new ReplicatedState(new TupleSpace());
            ReplicatedState summedUp = new ReplicatedState(new TupleSpace());
            for (Change change : changes(random, connections, nextSeq, random.nextInt(12))) {
                oneByOne.apply(change);
                summedUp.apply(change);
            }
            NetAnswers net = new NetAnswers();
            for (Change change : changes(random, connections, nextSeq, random.nextInt(40))) {
                oneByOne.apply(change);
                net.apply(change);
            }
            net.applyTo(summedUp.answers());
            assertThat(summedUp.answers().entries()).as("round %d", round)
                    .containsExactlyInAnyOrderElementsOf(oneByOne.answers().entries());
            assertThat(summedUp.answers().size()).isEqualTo(oneByOne.answers().size());
        }
    }

    @Test
    void withNoChangesTheTableStaysAsItWas() {
        AnswerTable table = new AnswerTable();
        table.record(1, 3, Utf8Text.of("ok 3\n"));
        new NetAnswers().applyTo(table);
        assertThat(table.entries()).containsExactly(new AnswerTable.Entry(1, 3, Utf8Text.of("ok 3\n")));
    }

    private static List<Change> changes(Random random, int connections, long[] nextSeq, int count) {
        List<Change> changes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int conn = random.nextInt(connections);
            if (random.nextInt(12) == 0) {
                changes.add(new Change.Closed(conn));
                continue;
            }
            long seq = random.nextInt(8) == 0 && nextSeq[conn] > 1
                    ? 1 + random.nextInt((int) nextSeq[conn]) // an answer given again, or one that came late
                    : ++nextSeq[conn];
            long floor = random.nextInt((int) seq);
            changes.add(new Change.Applied(conn, seq, floor, Effect.NONE, Utf8Text.of("ok " + seq + " " + i + "\n")));
        }
        return changes;
    }
}
