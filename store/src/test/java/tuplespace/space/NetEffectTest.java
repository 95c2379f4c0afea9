package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * A {@link NetEffect} applied to a space ({@link TupleSpace#applyEffect(NetEffect)}) leaves the state that applying its
 * effects one by one, in order, leaves: what a restart relies on when it lays its log over its snapshot.
 */
@Timeout(20)
class NetEffectTest {

    /**
     * Effects that replace present keys, add absent ones, remove present and absent ones, and touch a key several times;
     * on spaces of several sizes, so that changes fall before, between and after the stored keys and on many leaves.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 64, 65, 1_000, 20_000})
    void aNetEffectLeavesTheStateItsEffectsLeaveOneByOne(int stored) {
        TupleSpace oneByOne = filled(stored);
        TupleSpace summed = filled(stored);
        NetEffect net = oneByOneAndSummed(oneByOne, randomEffects(new Random(stored), stored, 3_000));

        summed.applyEffect(net);

        assertSameState(summed, oneByOne);
    }

    /** An effect on far fewer keys than the space holds is applied key by key, not by a walk: the same state. */
    @Test
    void aSparseNetEffectLeavesTheSameState() {
        TupleSpace oneByOne = filled(20_000);
        TupleSpace summed = filled(20_000);
        NetEffect net = oneByOneAndSummed(oneByOne, randomEffects(new Random(3), 20_000, 20));
        assertThat((long) net.keys() * TupleSpace.WALK_EVERY).isLessThan(summed.size());

        summed.applyEffect(net);

        assertSameState(summed, oneByOne);
    }

    /**
     * With a snapshot open, the space's leaves are frozen: the walk must not change them in place, so the snapshot still
     * holds the pairs as they were, and the space gets its changes by the ordinary writes.
     */
    @Test
    void leavesASnapshotTakenBeforeAsItWas() {
        TupleSpace before = filled(5_000);
        TupleSpace oneByOne = filled(5_000);
        TupleSpace summed = filled(5_000);
        SpaceSnapshot snapshot = summed.snapshot();
        NetEffect net = oneByOneAndSummed(oneByOne, randomEffects(new Random(7), 5_000, 2_000));

        summed.applyEffect(net);

        assertSameState(summed, oneByOne);
        assertThat(snapshot.pairs()).containsExactlyElementsOf(before.pairs());
        assertThat(snapshot.digest()).isEqualTo(before.digest());
    }

    @Test
    void theLastChangeOfAKeyWins() {
        TupleSpace space = filled(10); // k,0 .. k,9 set to v0 .. v9
        NetEffect net = new NetEffect();
        net.add(new Effect(List.of(), List.of(Pair.of("k,1", "a"), Pair.of("new,1", "a"))));
        net.add(new Effect(List.of(Tuple.parse("k,1"), Tuple.parse("new,1"), Tuple.parse("k,2")), List.of()));
        net.add(new Effect(List.of(), List.of(Pair.of("k,1", "b"))));
        net.add(new Effect(List.of(Tuple.parse("k,3")), List.of(Pair.of("k,3", "c")))); // removed, then written
        assertThat(net.keys()).isEqualTo(4);

        space.applyEffect(net);

        assertThat(space.valueOf(Tuple.parse("k,1"))).contains(Tuple.parse("b"));
        assertThat(space.valueOf(Tuple.parse("k,2"))).isEmpty();
        assertThat(space.valueOf(Tuple.parse("k,3"))).contains(Tuple.parse("c"));
        assertThat(space.valueOf(Tuple.parse("new,1"))).isEmpty();
        assertThat(space.size()).isEqualTo(9);
    }

    /** A restart sums up its log from bytes: a key with a zero byte, which the tree cannot hold, is refused. */
    @Test
    void aKeyWithAZeroByteIsRefused() {
        NetEffect net = new NetEffect();
        byte[] zero = {'k', ',', 0, '1'};

        assertThatThrownBy(() -> net.write(zero, StoredPairs.utf8("v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero byte");
        assertThatThrownBy(() -> net.remove(zero))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero byte");
        assertThat(net.keys()).isZero();
    }

    /** Applies {@code effects} to {@code oneByOne}, in order, and returns their net effect. */
    private static NetEffect oneByOneAndSummed(TupleSpace oneByOne, List<Effect> effects) {
        NetEffect net = new NetEffect();
        for (Effect effect : effects) {
            oneByOne.applyEffect(effect);
            net.add(effect);
        }
        return net;
    }

    private static void assertSameState(TupleSpace actual, TupleSpace expected) {
        assertThat(actual.pairs()).containsExactlyElementsOf(expected.pairs());
        assertThat(actual.size()).isEqualTo(expected.size());
        assertThat(actual.digest()).isEqualTo(expected.digest());
    }

    /** {@code k,<i>} set to {@code v<i>} for i below {@code count}, loaded in bulk as a snapshot file's pairs are. */
    private static TupleSpace filled(int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add("k," + i);
        }
        Collections.sort(keys); // ASCII: the order of their UTF-8 bytes
        SpaceLoader loader = new SpaceLoader();
        for (String key : keys) {
            loader.add(StoredPairs.utf8(key), StoredPairs.utf8("v" + key.substring(2)));
        }
        return loader.finish();
    }

    /** Effects over keys {@code k,0} to twice {@code stored} (half of them absent at first), with a few values each. */
    private static List<Effect> randomEffects(Random random, int stored, int count) {
        int keys = Math.max(2 * stored, 50);
        List<Effect> effects = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Tuple> removed = new ArrayList<>();
            List<Pair> written = new ArrayList<>();
            for (int n = random.nextInt(3); n > 0; n--) {
                removed.add(Tuple.parse("k," + random.nextInt(keys)));
            }
            for (int n = random.nextInt(4); n > 0; n--) {
                written.add(Pair.of("k," + random.nextInt(keys), "u" + random.nextInt(5)));
            }
            effects.add(new Effect(removed, written));
        }
        return effects;
    }
}
