package tuplespace.space;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;
import tuplespace.tuple.Pair;

/**
 * The pairs a GET or DELETE matched, as the space stores them: the key's and the value's text forms in UTF-8, the very
 * arrays the space holds (which are never changed, only replaced). Two references a pair, where {@link Pair}s of
 * parsed {@code Tuple}s of {@code String}s cost some 170 bytes: a GET of a million pairs must not hold a second copy
 * of the space in objects while its answer is written. A {@code Pair} is made only when one is asked for.
 *
 * <p>Filled by one thread; immutable once handed out in a {@link Result.Matched}.
 */
final class MatchList extends AbstractList<Pair> implements RandomAccess {

    private byte[][] keys = new byte[8][];
    private byte[][] values = new byte[8][];
    private int size;

    void add(byte[] key, byte[] value) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
    }

    @Override
    public Pair get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("expected an index below " + size + ", found " + index);
        }
        return StoredPairs.pair(keys[index], values[index]);
    }

    @Override
    public int size() {
        return size;
    }

    /** Passes every pair's two stored UTF-8 arrays to {@code each}, in order. */
    void forEachUtf8(Result.Utf8Pairs each) {
        for (int i = 0; i < size; i++) {
            each.accept(keys[i], values[i]);
        }
    }

    /** How many UTF-8 bytes the text forms take in all: what an answer's size is made of. */
    long textBytes() {
        long bytes = 0;
        for (int i = 0; i < size; i++) {
            bytes += keys[i].length + values[i].length;
        }
        return bytes;
    }
}
