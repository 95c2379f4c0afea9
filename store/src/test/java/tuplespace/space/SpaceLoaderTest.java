package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tuplespace.pattern.MatchBudget;
import tuplespace.tuple.Pair;

/** A space written out as stored bytes ({@link StoredPairCursor}) and read back ({@link SpaceLoader}) is the same space. */
@Timeout(20)
class SpaceLoaderTest {

    @Test
    void storedPairsLoadBackIntoAnEqualSpaceWithTheSameDigest() {
        TupleSpace space = new TupleSpace();
        List<Optional<Pair>> pairs = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            pairs.add(Optional.of(Pair.of("user," + i, "name" + i)));
        }
        pairs.add(Optional.of(Pair.of("ключ,1", "значение")));
        pairs.add(Optional.of(Pair.of("a", "x,yz9")));
        space.apply(new Command.Put(pairs), MatchBudget.unlimited());

        SpaceSnapshot snapshot = space.snapshot();
        space.apply(new Command.Delete(".*", ".*"), MatchBudget.unlimited()); // the snapshot does not change
        SpaceLoader loader = new SpaceLoader();
        StoredPairCursor cursor = snapshot.storedPairs();
        while (cursor.next()) {
            loader.add(copy(cursor, true), copy(cursor, false));
        }
        TupleSpace loaded = loader.finish();

        assertThat(loaded.size()).isEqualTo(5_002);
        assertThat(loaded.digest()).isEqualTo(snapshot.digest());
        assertThat(loaded.pairs()).containsExactlyElementsOf(snapshot.pairs());
    }

    @Test
    void aKeyOutOfOrderOrGivenTwiceIsRefused() {
        SpaceLoader loader = new SpaceLoader();
        loader.add(utf8("b"), utf8("1"));
        assertThatThrownBy(() -> loader.add(utf8("a"), utf8("2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected keys in ascending order, found a after b");
        assertThatThrownBy(() -> loader.add(utf8("b"), utf8("3")))
                .hasMessage("expected keys in ascending order, found b after b");
        loader.finish();
        assertThatThrownBy(() -> loader.add(utf8("c"), utf8("4"))).isInstanceOf(IllegalStateException.class);
    }

    private static byte[] copy(StoredPairCursor cursor, boolean key) {
        ByteBuffer out = ByteBuffer.allocate(key ? cursor.keyLength() : cursor.valueLength());
        if (key) {
            cursor.putKey(out);
        } else {
            cursor.putValue(out);
        }
        return out.array();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
