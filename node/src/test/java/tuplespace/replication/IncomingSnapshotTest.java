package tuplespace.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;
import tuplespace.codec.Utf8Text;
import tuplespace.space.Effect;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/** A backup's state assembled from a streamed snapshot and the entries that came meanwhile equals the primary's. */
class IncomingSnapshotTest {

    @Test
    void pairsAnswersAndHeldBackChangesMakeThePrimarysState() {
        TupleSpace primary = SnapshotStreamTest.spaceOf(5_000);
        SnapshotStream stream = new SnapshotStream(primary.snapshot(), 8192);
        List<Pair> before = List.copyOf(primary.pairs());
        List<Change> changes = List.of(
                new Change.Applied(7, 1, 0, new Effect(List.of(before.get(4_000).key()), List.of()), Utf8Text.of("ok 1\n")),
                new Change.Applied(7, 2, 0, new Effect(List.of(),
                        List.of(new Pair(before.get(4_500).key(), Tuple.parse("changed")))), Utf8Text.of("ok 2\n")),
                new Change.Closed(3));

        IncomingSnapshot incoming = new IncomingSnapshot();
        incoming.answers(new ReplicationMessage.SnapshotAnswers(List.of(new AnswerTable.Entry(3, 1, Utf8Text.of("ok 0\n")))));
        int frames = 0;
        while (stream.hasMore()) {
            incoming.pairs(decode(stream));
            if (++frames <= changes.size()) { // entries come between the first frames, before the later keys
                Change change = changes.get(frames - 1);
                incoming.defer(change);
                applyOnPrimary(primary, change);
            }
        }
        assertThat(incoming.size()).isEqualTo(before.size());
        ReplicatedState state = incoming.finish();

        assertThat(state.space().digest()).isEqualTo(primary.digest());
        assertThat(state.space().pairs()).containsExactlyElementsOf(primary.pairs());
        assertThat(state.answers().lookup(7, 2)).contains(Utf8Text.of("ok 2\n"));
        assertThat(state.answers().hasConnection(3)).as("closed after the snapshot's table had it").isFalse();
    }

    @Test
    void pairsOutOfKeyOrderBreakAnInvariant() {
        IncomingSnapshot incoming = new IncomingSnapshot();
        incoming.pairs(ReplicationMessage.SnapshotPairs.of(List.of(Pair.of("b", "1"))));

        assertThatThrownBy(() -> incoming.pairs(ReplicationMessage.SnapshotPairs.of(List.of(Pair.of("a", "2")))))
                .isInstanceOf(ReplicationInvariantException.class)
                .hasMessage("the snapshot's pairs must come in key order: expected keys in ascending order, found a after b");
    }

    private static void applyOnPrimary(TupleSpace primary, Change change) {
        if (change instanceof Change.Applied applied) {
            primary.applyEffect(applied.effect());
        }
    }

    private static ReplicationMessage.SnapshotPairs decode(SnapshotStream stream) {
        ByteBuf frame = stream.nextFrame(new UnpooledByteBufAllocator(false));
        try {
            frame.skipBytes(4);
            return (ReplicationMessage.SnapshotPairs) ReplicationCodec.decode(frame);
        } finally {
            frame.release();
        }
    }
}
