package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    /**
     * A bulk load (what a backup's resync and a snapshot file's reader do) gives the space that putting the same pairs
     * one by one gives, in any order: same digest, size and pairs in the same order; its tree keeps the invariants,
     * and its leaves are at least as full as those of pairs put in ascending order (the fullest one-by-one case).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 65, 95, 96, 97, 128, 129, 20_000})
    void aBulkLoadEqualsPuttingThePairsOneByOne(int count) {
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pairs.add(i % 97 == 5 ? Pair.of("ключ," + i, "значение" + i) : Pair.of("user," + i, "name" + i));
        }
        TupleSpace ascending = new TupleSpace();
        pairs.stream().sorted(Comparator.comparing(pair -> pair.key().utf8(), Arrays::compareUnsigned))
                .forEach(pair -> put(ascending, pair));
        TupleSpace shuffled = new TupleSpace();
        List<Pair> inRandomOrder = new ArrayList<>(pairs);
        Collections.shuffle(inRandomOrder, new Random(count));
        inRandomOrder.forEach(pair -> put(shuffled, pair));

        SpaceLoader loader = new SpaceLoader();
        for (Pair pair : ascending.pairs()) {
            loader.add(pair.key().utf8().clone(), pair.value().utf8().clone());
        }
        assertThat(loader.size()).isEqualTo(count);
        TupleSpace loaded = loader.finish();

        for (TupleSpace oneByOne : List.of(ascending, shuffled)) {
            assertThat(loaded.digest()).isEqualTo(oneByOne.digest());
            assertThat(loaded.size()).isEqualTo(oneByOne.size()).isEqualTo(count);
            assertThat(loaded.pairs()).containsExactlyElementsOf(oneByOne.pairs());
        }
        ByteTreeTest.checkStructure(loaded.view(), ByteTree.CAPACITY);
        assertThat(ByteTreeTest.smallestNonRootNode(loaded.view())).isGreaterThanOrEqualTo(ByteTree.CAPACITY / 2);
        assertThat(ByteTreeTest.leafFill(loaded.view())).isGreaterThanOrEqualTo(ByteTreeTest.leafFill(ascending.view()));
        if (count == 20_000) {
            assertThat(ByteTreeTest.leafFill(loaded.view())).isGreaterThan(0.99);
        }
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

    /** Bytes no stored key can hold (a writer's bug under valid checksums): refused, as a file reader reports damage. */
    @Test
    void aKeyWithAZeroByteIsRefused() {
        SpaceLoader loader = new SpaceLoader();
        loader.add(utf8("a"), utf8("1"));
        assertThatThrownBy(() -> loader.add(new byte[] {'k', 0}, utf8("2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a key without a zero byte, found one in [107, 0]");
        loader.add(utf8("m"), utf8("3"));
        assertThat(loader.finish().size()).isEqualTo(2);
    }

    private static void put(TupleSpace space, Pair pair) {
        space.apply(new Command.Put(List.of(Optional.of(pair))), MatchBudget.unlimited());
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
