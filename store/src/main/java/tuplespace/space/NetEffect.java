package tuplespace.space;

import java.util.Arrays;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * The net effect of a run of {@link Effect}s, key by key: every key they touched, with the value it was set to last, or
 * removed if a removal came last. Since every effect sets or removes by key, applying this to a space leaves the state
 * that applying the effects one by one, in order, would. A restart turns each run of its log after its snapshot into
 * one, from the entries' bytes ({@link #remove(byte[])}, {@link #write(byte[], byte[])}), and lays it over the
 * snapshot's space in one walk in key order ({@link TupleSpace#applyEffect(NetEffect)}): a value changed in place
 * where the key is present, with no descent from the root per logged update, where a hundred thousand updates applied
 * one by one to a loaded million-pair tree took longer than loading it, in a cold JVM.
 *
 * <p>Single-threaded: one thread adds to it; another may read it once handed over through a happens-before edge (a
 * queue, a completed future).
 */
public final class NetEffect {

    /** The value of a key whose last change removed it; told apart by identity. */
    private static final byte[] REMOVED = new byte[0];

    /** Each key touched, with its last value or {@link #REMOVED}. */
    private final ByteTree lastValues = new ByteTree();

    /** Lays {@code effect} over the effects added before it. */
    public void add(Effect effect) {
        for (Tuple key : effect.removed()) {
            remove(key.utf8());
        }
        for (Pair pair : effect.written()) {
            write(pair.key().utf8(), pair.value().utf8());
        }
    }

    /**
     * Lays the removal of a key over the effects added before it: the UTF-8 of its text form, as the space stores it.
     * The array becomes this one's: the caller must not change it afterwards. Not parsed as a tuple: a restart reads
     * these bytes from its log, whose checksums vouch for them as a snapshot's do for the pairs it loads (checking
     * each key and value as a tuple's text form made a restart on a million pairs about 40 ms slower, in a cold JVM).
     *
     * @throws IllegalArgumentException when {@code key} holds a zero byte, which no tuple does and the tree relies on
     */
    public void remove(byte[] key) {
        lastValues.put(checked(key), REMOVED);
    }

    /** Lays the writing of a pair over the effects added before it, as {@link #remove} a removal. */
    public void write(byte[] key, byte[] value) {
        lastValues.put(checked(key), value);
    }

    /** The tree relies on keys without a zero byte ({@link ByteTree}), as {@link SpaceLoader} checks too. */
    private static byte[] checked(byte[] key) {
        if (!TreeNode.zeroFree(key)) {
            throw new IllegalArgumentException("expected a key without a zero byte, found one in "
                    + Arrays.toString(key));
        }
        return key;
    }

    /** How many keys the effects touched. */
    public int keys() {
        return lastValues.size();
    }

    /** The keys touched, in ascending order: {@link Cursor#value()} is null for a removed key. */
    Cursor cursor() {
        return new Cursor(lastValues.cursor());
    }

    /** Walks the keys touched in ascending order, each with its last value; {@link #value()} is null where removed. */
    static final class Cursor {

        private final TreeCursor entries;
        private boolean more;

        private Cursor(TreeCursor entries) {
            this.entries = entries;
            this.more = entries.next();
        }

        /** Whether the cursor is at a key (false once past the last). */
        boolean more() {
            return more;
        }

        byte[] key() {
            return entries.key();
        }

        /** The key's new value, or null when it was removed. */
        byte[] value() {
            byte[] value = entries.value();
            return value == REMOVED ? null : value;
        }

        void next() {
            more = entries.next();
        }
    }
}
