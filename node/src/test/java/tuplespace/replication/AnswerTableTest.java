package tuplespace.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.codec.Utf8Text;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;

@Timeout(10)
class AnswerTableTest {

    private final AnswerTable table = new AnswerTable();

    @Test
    void releaseForgetsExactlyTheDeliveredAnswersOfThatConnection() {
        table.record(1, 1, Utf8Text.of("a1\n"));
        table.record(1, 2, Utf8Text.of("a2\n"));
        table.record(1, 4, Utf8Text.of("a4\n"));
        table.record(2, 1, Utf8Text.of("b1\n"));
        table.release(1, 2);
        assertThat(table.lookup(1, 1)).isEmpty();
        assertThat(table.lookup(1, 2)).isEmpty();
        assertThat(table.lookup(1, 4)).contains(Utf8Text.of("a4\n"));
        assertThat(table.lookup(2, 1)).contains(Utf8Text.of("b1\n"));
        assertThat(table.size()).isEqualTo(2);
        table.release(1, 3); // nothing remembered up to 3 any more
        assertThat(table.size()).isEqualTo(2);
        table.release(3, 9); // a connection with nothing remembered
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void closeForgetsTheWholeConnection() {
        table.record(1, 1, Utf8Text.of("a1\n"));
        table.record(1, 2, Utf8Text.of("a2\n"));
        table.record(2, 1, Utf8Text.of("b1\n"));
        table.close(1);
        assertThat(table.hasConnection(1)).isFalse();
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.entries()).containsExactly(new AnswerTable.Entry(2, 1, Utf8Text.of("b1\n")));
    }

    /** Random records (mostly in seq order, some out of order or again), releases, closes and lookups, against a model. */
    @Test
    void itHoldsWhatAnOrderedMapPerConnectionWouldHold() {
        Map<Long, TreeMap<Long, String>> model = new HashMap<>();
        Random random = new Random(7);
        long[] nextSeq = new long[4];
        for (int step = 0; step < 50_000; step++) {
            long conn = random.nextInt(4);
            int what = random.nextInt(100);
            if (what < 60) {
                long seq = random.nextInt(10) == 0 ? 1 + random.nextInt((int) nextSeq[(int) conn] + 1) : ++nextSeq[(int) conn];
                String answer = "a" + step;
                table.record(conn, seq, Utf8Text.of(answer));
                model.computeIfAbsent(conn, c -> new TreeMap<>()).put(seq, answer);
            } else if (what < 90) {
                long floor = Math.max(0, nextSeq[(int) conn] - random.nextInt(20));
                table.release(conn, floor);
                TreeMap<Long, String> answers = model.get(conn);
                if (answers != null) {
                    answers.headMap(floor, true).clear();
                    if (answers.isEmpty()) {
                        model.remove(conn);
                    }
                }
            } else if (what < 92) {
                table.close(conn);
                model.remove(conn);
            } else {
                long seq = 1 + random.nextInt((int) nextSeq[(int) conn] + 1);
                assertThat(table.lookup(conn, seq))
                        .isEqualTo(Optional.ofNullable(model.getOrDefault(conn, new TreeMap<>()).get(seq)).map(Utf8Text::of));
            }
            assertThat(table.size()).isEqualTo(model.values().stream().mapToInt(Map::size).sum());
            assertThat(table.hasConnection(conn)).isEqualTo(model.containsKey(conn));
        }
        List<AnswerTable.Entry> expected = new ArrayList<>();
        model.forEach((conn, answers) -> answers.forEach((seq, answer) ->
                expected.add(new AnswerTable.Entry(conn, seq, Utf8Text.of(answer)))));
        assertThat(table.entries()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void replayingChangesOverALaterStateGivesTheSameTableAndSpace() {
        // A fuzzy snapshot taken after some changes, then every change since the snapshot began: same result.
        List<Change> changes = List.of(
                new Change.Applied(1, 1, 0, new Effect(List.of(), List.of(Pair.of("k", "v"))), Utf8Text.of("ok1\n")),
                new Change.Applied(1, 2, 0, new Effect(List.of(), List.of(Pair.of("k", "w"))), Utf8Text.of("ok2\n")),
                new Change.Applied(1, 3, 1, new Effect(List.of(), List.of(Pair.of("j", "x"))), Utf8Text.of("ok3\n")),
                new Change.Applied(2, 1, 0, new Effect(List.of(Pair.of("k", "w").key()), List.of()), Utf8Text.of("ok4\n")),
                new Change.Closed(2));
        ReplicatedState straight = new ReplicatedState(new TupleSpace());
        changes.forEach(straight::apply);
        ReplicatedState fuzzy = new ReplicatedState(new TupleSpace());
        changes.subList(0, 3).forEach(fuzzy::apply); // the snapshot already saw three of them
        changes.forEach(fuzzy::apply);
        assertThat(fuzzy.space().digest()).isEqualTo(straight.space().digest());
        assertThat(fuzzy.answers().entries()).containsExactlyInAnyOrderElementsOf(straight.answers().entries());
        // the floor carried by update 3 released answer 1; answer 2 was not delivered yet
        assertThat(straight.answers().entries()).containsExactlyInAnyOrder(new AnswerTable.Entry(1, 2, Utf8Text.of("ok2\n")),
                new AnswerTable.Entry(1, 3, Utf8Text.of("ok3\n")));
    }
}
