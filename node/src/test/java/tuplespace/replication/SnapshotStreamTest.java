package tuplespace.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tuplespace.space.Effect;
import tuplespace.space.SpaceSnapshot;
import tuplespace.space.TupleSpace;
import tuplespace.tuple.Pair;

/** The frames a primary sends a snapshot in: written from the tree's bytes, read back as the codec reads any frame. */
class SnapshotStreamTest {

    private static final UnpooledByteBufAllocator ALLOCATOR = new UnpooledByteBufAllocator(false);

    @Test
    void framesHoldEverySnapshotPairInKeyOrderAsTheCodecDecodesThem() {
        TupleSpace space = spaceOf(3_000);
        SpaceSnapshot snapshot = space.snapshot();
        space.applyEffect(new Effect(List.of(), List.of(Pair.of("user,1", "changed"), Pair.of("aaa", "new"))));
        List<Pair> expected = List.copyOf(snapshot.pairs()); // the snapshot, not the space changed since

        SnapshotStream stream = new SnapshotStream(snapshot, 4096);
        List<ReplicationMessage.SnapshotPairs> frames = readAll(stream, 4096);

        assertThat(frames).hasSizeGreaterThan(10);
        assertThat(pairsOf(frames)).containsExactlyElementsOf(expected);
        assertThat(stream.pairsWritten()).isEqualTo(expected.size());
        assertThat(stream.hasMore()).isFalse();
        assertThatThrownBy(() -> stream.nextFrame(ALLOCATOR)).isInstanceOf(IllegalStateException.class)
                .hasMessage("expected a pair left to send, found the snapshot sent whole");
    }

    @Test
    void aPairLargerThanAFrameGoesAloneInAFrameOfItsSize() {
        TupleSpace space = new TupleSpace();
        String big = "x".repeat(10_000);
        space.applyEffect(new Effect(List.of(), List.of(Pair.of("a", "1"), Pair.of("b", big), Pair.of("c", "3"))));

        List<ReplicationMessage.SnapshotPairs> frames = readAll(new SnapshotStream(space.snapshot(), 1024), 20_000);

        assertThat(frames).extracting(ReplicationMessage.SnapshotPairs::size).containsExactly(1, 1, 1);
        assertThat(pairsOf(frames)).containsExactlyElementsOf(space.pairs());
    }

    @Test
    void anEmptySpaceMakesNoFrame() {
        assertThat(new SnapshotStream(new TupleSpace().snapshot()).hasMore()).isFalse();
    }

    /** Every frame of {@code stream}: its length prefix right, at most {@code maxFrame} bytes, decoded by the codec. */
    private static List<ReplicationMessage.SnapshotPairs> readAll(SnapshotStream stream, int maxFrame) {
        List<ReplicationMessage.SnapshotPairs> frames = new ArrayList<>();
        while (stream.hasMore()) {
            ByteBuf frame = stream.nextFrame(ALLOCATOR);
            try {
                assertThat(frame.readableBytes()).isLessThanOrEqualTo(maxFrame);
                assertThat(frame.readInt()).isEqualTo(frame.readableBytes());
                frames.add((ReplicationMessage.SnapshotPairs) ReplicationCodec.decode(frame));
            } finally {
                frame.release();
            }
        }
        return frames;
    }

    private static List<Pair> pairsOf(List<ReplicationMessage.SnapshotPairs> frames) {
        List<Pair> pairs = new ArrayList<>();
        for (ReplicationMessage.SnapshotPairs frame : frames) {
            for (int i = 0; i < frame.size(); i++) {
                pairs.add(new Pair(tuplespace.tuple.Tuple.parseUtf8(frame.key(i)),
                        tuplespace.tuple.Tuple.parseUtf8(frame.value(i))));
            }
        }
        return pairs;
    }

    static TupleSpace spaceOf(int pairs) {
        TupleSpace space = new TupleSpace();
        List<Pair> written = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            written.add(i % 100 == 7 ? Pair.of("ключ," + i, "значение" + i) : Pair.of("user," + i, "name" + i));
        }
        space.applyEffect(new Effect(List.of(), written));
        return space;
    }
}
