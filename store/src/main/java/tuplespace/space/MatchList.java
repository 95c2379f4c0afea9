package tuplespace.space;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import tuplespace.tuple.Pair;

/**
 * The pairs a GET or DELETE matched, as the space stores them: the key's and the value's text forms in UTF-8, the very
 * arrays the space holds (which are never changed, only replaced). Two references a pair, where {@link Pair}s of
 * parsed {@code Tuple}s of {@code String}s cost some 170 bytes: a GET of a million pairs must not hold a second copy
 * of the space in objects while its answer is written. A {@code Pair} is made only when one is asked for.
 *
 * <p>The references live in chunks of {@link #CHUNK_PAIRS} pairs (key and value side by side), the first growing to
 * that size as a list does: a million matches made two arrays of a million references each, and every doubling before
 * them, each array over a G1 region's half a "humongous" allocation that starts a concurrent cycle (7-12 ms pauses of
 * the primary at every full read, which every other client's requests waited out). Chunks stay well under that size
 * and are never copied once full.
 *
 * <p>Filled by one thread; immutable once handed out in a {@link Result.Matched}.
 */
final class MatchList extends AbstractList<Pair> implements RandomAccess {

    /** Pairs a chunk holds: 2 × 16 Ki references, 128 KiB with compressed references, 256 KiB without. */
    static final int CHUNK_PAIRS = 16 * 1024;

    /** Chunks of exactly {@link #CHUNK_PAIRS} pairs; keys at even indexes, values at odd ones. */
    private final List<byte[][]> full = new ArrayList<>(0);
    /** The chunk being filled: {@code inLast} pairs so far. */
    private byte[][] last = new byte[2 * 4][];
    private int inLast;
    private int size;

    void add(byte[] key, byte[] value) {
        if (2 * inLast == last.length) {
            if (inLast < CHUNK_PAIRS) {
                last = Arrays.copyOf(last, Math.min(2 * CHUNK_PAIRS, 2 * last.length));
            } else {
                full.add(last);
                last = new byte[2 * CHUNK_PAIRS][];
                inLast = 0;
            }
        }
        last[2 * inLast] = key;
        last[2 * inLast + 1] = value;
        inLast++;
        size++;
    }

    @Override
    public Pair get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("expected an index below " + size + ", found " + index);
        }
        byte[][] chunk = index / CHUNK_PAIRS < full.size() ? full.get(index / CHUNK_PAIRS) : last;
        int at = 2 * (index % CHUNK_PAIRS);
        return StoredPairs.pair(chunk[at], chunk[at + 1]);
    }

    @Override
    public int size() {
        return size;
    }

    /** Passes every pair's two stored UTF-8 arrays to {@code each}, in order. */
    void forEachUtf8(Result.Utf8Pairs each) {
        for (byte[][] chunk : full) {
            for (int at = 0; at < chunk.length; at += 2) {
                each.accept(chunk[at], chunk[at + 1]);
            }
        }
        for (int at = 0; at < 2 * inLast; at += 2) {
            each.accept(last[at], last[at + 1]);
        }
    }

    /** How many UTF-8 bytes the text forms take in all: what an answer's size is made of. */
    long textBytes() {
        long bytes = 0;
        for (byte[][] chunk : full) {
            for (byte[] text : chunk) {
                bytes += text.length;
            }
        }
        for (int at = 0; at < 2 * inLast; at++) {
            bytes += last[at].length;
        }
        return bytes;
    }
}
