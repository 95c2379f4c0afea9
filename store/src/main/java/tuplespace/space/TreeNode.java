package tuplespace.space;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A node of a {@link ByteTree}: a leaf (keys and their values) or a branch (keys and child nodes), in one class
 * because both are the same thing to every operation that moves entries around: {@code count} keys in ascending
 * unsigned-byte order, each with a slot. In a branch, {@code keys[i]} (i &ge; 1) separates: every key under
 * {@code children[i - 1]} is below it, every key under {@code children[i]} at or above it; a branch's
 * {@code keys[0]} is never consulted.
 *
 * <p>{@code generation} is the tree generation that created the node. A tree writes a node in place only when the
 * node belongs to its current generation, and copies it otherwise, so a node that a snapshot can reach is never
 * changed again (see {@link ByteTree}). Stored keys and values are never changed either: nodes share them freely.
 *
 * <p>A search compares <em>heads</em> first: every key of a node (from {@link #first()} on) starts with the node's
 * {@code prefix} bytes, and {@code heads[i]} holds the 8 bytes of {@code keys[i]} after them as an unsigned number,
 * zero-padded past the key's end. Of two keys, the lower never has the higher head, and two different keys tie only
 * when both run on through the same 8 bytes (no key holds a zero byte, so padding never ties), so a binary search
 * compares heads, all in one {@code long[]}, and whole keys only on a tie by a key looked up that runs on that far:
 * about one key array read per node instead of one per comparison, each of them a cache miss in a big space (an exact
 * lookup among a million keys: 1.31 against 1.94 µs). The prefix is what makes heads differ when keys share long
 * runs ({@code user,1234...}). It may be shorter than what the keys share (a removal leaves it as it was), never
 * longer; every change to the node's keys keeps both true.
 *
 * <p>Not thread-safe: one owner thread changes nodes; frozen nodes are read by any thread.
 */
final class TreeNode {

    private static final VarHandle LONG_BIG_ENDIAN =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    final long generation;
    final boolean leaf;
    int count;
    final byte[][] keys;
    /** {@code byte[]} values in a leaf, {@code TreeNode} children in a branch: one array, so moves are one copy. */
    final Object[] slots;
    /** Each key's 8 bytes after {@link #prefix}, from {@link #first()} to {@code count}: see the class comment. */
    final long[] heads;
    /** How many bytes every key from {@link #first()} to {@code count} starts with (those of any of them). */
    int prefix;

    private TreeNode(long generation, boolean leaf, int capacity) {
        this.generation = generation;
        this.leaf = leaf;
        this.keys = new byte[capacity][];
        this.slots = new Object[capacity];
        this.heads = new long[capacity];
    }

    static TreeNode emptyLeaf(long generation, int capacity) {
        return new TreeNode(generation, true, capacity);
    }

    /** A branch with no child yet, for {@link TreeBuilder} to fill. */
    static TreeNode emptyBranch(long generation, int capacity) {
        return new TreeNode(generation, false, capacity);
    }

    /** A new root above two nodes that were one (the old root and the half split off it). */
    static TreeNode root(long generation, TreeNode left, TreeNode right) {
        TreeNode root = new TreeNode(generation, false, left.keys.length);
        root.keys[0] = left.keys[0];
        root.slots[0] = left;
        root.keys[1] = right.keys[0];
        root.slots[1] = right;
        root.count = 2;
        root.indexAllKeys();
        return root;
    }

    /** The same entries in a node of {@code generation}, which its tree may change in place. */
    TreeNode copy(long generation) {
        TreeNode copy = new TreeNode(generation, leaf, keys.length);
        System.arraycopy(keys, 0, copy.keys, 0, count);
        System.arraycopy(slots, 0, copy.slots, 0, count);
        System.arraycopy(heads, 0, copy.heads, 0, count);
        copy.prefix = prefix;
        copy.count = count;
        return copy;
    }

    byte[] value(int index) {
        return (byte[]) slots[index];
    }

    TreeNode child(int index) {
        return (TreeNode) slots[index];
    }

    /** In a leaf: the index of {@code key}, or {@code -(insertion point) - 1} when it is absent. */
    int search(byte[] key) {
        assert zeroFree(key) : "a key with a zero byte: " + Arrays.toString(key);
        if (count == 0) {
            return -1;
        }
        int order = comparePrefix(key);
        if (order != 0) {
            return order < 0 ? -1 : -(count + 1);
        }
        long head = head(key, prefix);
        int low = 0;
        int high = count - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int compared = compare(middle, key, head);
            if (compared < 0) {
                low = middle + 1;
            } else if (compared > 0) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -(low + 1);
    }

    /** In a branch: the index of the child whose keys {@code key} falls among (the last separator at or below it). */
    int childIndex(byte[] key) {
        assert zeroFree(key) : "a key with a zero byte: " + Arrays.toString(key);
        if (count <= 1) {
            return 0;
        }
        int order = comparePrefix(key);
        if (order != 0) {
            return order < 0 ? 0 : count - 1;
        }
        long head = head(key, prefix);
        int low = 1;
        int high = count - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (compare(middle, key, head) <= 0) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return low - 1;
    }

    /**
     * {@code keys[index]} against {@code key} (whose head is {@code head}): by heads, by whole keys on a tie, unless
     * {@code key} has fewer than 8 bytes after the prefix. It is then whole in its head, zero-padded, and since no key
     * holds a zero byte ({@link ByteTree}), a key with the same head has exactly those bytes and no more: equal heads
     * mean equal keys, and the lookup reads no key array to confirm the match (one cache miss less per exact lookup
     * in a large tree; the node's prefix is still read from one of its keys).
     */
    private int compare(int index, byte[] key, long head) {
        int order = Long.compareUnsigned(heads[index], head);
        if (order != 0 || key.length - prefix < Long.BYTES) {
            return order;
        }
        return Arrays.compareUnsigned(keys[index], key);
    }

    /**
     * {@code key} against the node's prefix: 0 when it starts with it (its head then orders it among the node's keys),
     * below 0 when it sorts below every key of the node, above 0 when above. The node holds a key.
     */
    private int comparePrefix(byte[] key) {
        if (prefix == 0) {
            return 0;
        }
        byte[] any = keys[first()];
        int shared = Math.min(prefix, key.length);
        int mismatch = Arrays.mismatch(key, 0, shared, any, 0, shared);
        if (mismatch >= 0) {
            return Byte.toUnsignedInt(key[mismatch]) - Byte.toUnsignedInt(any[mismatch]);
        }
        return key.length < prefix ? -1 : 0;
    }

    /** Whether {@code key} holds no zero byte, as every key of a tree must (what assertions check). */
    static boolean zeroFree(byte[] key) {
        for (byte b : key) {
            if (b == 0) {
                return false;
            }
        }
        return true;
    }

    /** The 8 bytes of {@code key} from {@code from} on as an unsigned number, zero-padded past its end. */
    static long head(byte[] key, int from) {
        int available = key.length - from;
        if (available >= Long.BYTES) {
            return (long) LONG_BIG_ENDIAN.get(key, from);
        }
        long head = 0;
        for (int i = 0; i < available; i++) {
            head = head << 8 | Byte.toUnsignedLong(key[from + i]);
        }
        return available <= 0 ? 0 : head << (Byte.SIZE * (Long.BYTES - available));
    }

    /** The first index whose key counts: a branch's {@code keys[0]} is never consulted. */
    private int first() {
        return leaf ? 0 : 1;
    }

    /** Replaces the key at {@code index} (a separator that moved); its slot stays. */
    void setKey(int index, byte[] key) {
        keys[index] = key;
        if (index >= first()) {
            indexKey(index);
        }
    }

    /** The head of the key just put at {@code index}, or all of them again when it does not start with the prefix. */
    private void indexKey(int index) {
        int first = first();
        if (count - first < 2) {
            indexAllKeys();
            return;
        }
        byte[] key = keys[index];
        byte[] other = keys[index == first ? first + 1 : first];
        if (key.length >= prefix && Arrays.mismatch(key, 0, prefix, other, 0, prefix) < 0) {
            heads[index] = head(key, prefix);
        } else {
            indexAllKeys();
        }
    }

    /**
     * The prefix the keys share, and every head under it. The keys ascend, so what the first and the last share, all
     * do; a lone key is its own prefix (the next key shortens it).
     */
    void indexAllKeys() {
        findPrefix();
        for (int i = first(); i < count; i++) {
            heads[i] = head(keys[i], prefix);
        }
    }

    /** The prefix the keys share, computed again; the heads are left as they are. */
    private void findPrefix() {
        int first = first();
        if (count <= first) {
            prefix = 0;
            return;
        }
        byte[] low = keys[first];
        int mismatch = Arrays.mismatch(low, keys[count - 1]);
        prefix = mismatch < 0 ? low.length : mismatch;
    }

    /**
     * After {@link #findPrefix}: makes the heads of entries {@code [from, to)}, computed under a prefix of {@code under}
     * bytes (in the leaf they came from), heads under this node's prefix. The same prefix keeps them; a prefix shorter
     * by fewer than 8 bytes shifts them right under the bytes they share (those of any of their keys), so that the keys
     * themselves, scattered over the heap, are not read; otherwise they are computed from the keys.
     */
    private void rebaseHeads(int from, int to, int under) {
        if (from >= to || under == prefix) {
            return;
        }
        int lost = under - prefix;
        if (lost > 0 && lost < Long.BYTES) {
            long shared = head(keys[from], prefix) & -(1L << (Byte.SIZE * (Long.BYTES - lost)));
            for (int i = from; i < to; i++) {
                heads[i] = shared | heads[i] >>> (Byte.SIZE * lost);
            }
        } else {
            for (int i = from; i < to; i++) {
                heads[i] = head(keys[i], prefix);
            }
        }
    }

    boolean isFull() {
        return count == keys.length;
    }

    /** Inserts an entry at {@code index}; the node must not be full. */
    void insert(int index, byte[] key, Object slot) {
        System.arraycopy(keys, index, keys, index + 1, count - index);
        System.arraycopy(slots, index, slots, index + 1, count - index);
        System.arraycopy(heads, index, heads, index + 1, count - index);
        keys[index] = key;
        slots[index] = slot;
        count++;
        if (index < first()) {
            indexAllKeys(); // a branch's keys[0] moved up to a separator's place: it had no head
        } else {
            indexKey(index);
        }
    }

    /**
     * Appends an entry after the last one without indexing it: for {@link TreeBuilder}, whose entries come in order and
     * which indexes each node once, when it is full ({@link #indexAllKeys()}). Until then the node's heads and prefix
     * are stale, so nothing may search it. The node must not be full.
     */
    void append(byte[] key, Object slot) {
        keys[count] = key;
        slots[count] = slot;
        count++;
    }

    void removeAt(int index) {
        System.arraycopy(keys, index + 1, keys, index, count - index - 1);
        System.arraycopy(slots, index + 1, slots, index, count - index - 1);
        System.arraycopy(heads, index + 1, heads, index, count - index - 1);
        count--;
        clear(count, count + 1);
    }

    /**
     * Inserts an entry at {@code index} into this full node by splitting it: of the {@code capacity + 1} entries, the
     * first {@code splitAt} stay here and the rest move to the returned new node (of {@code generation}), whose
     * {@code keys[0]} is the separator its parent takes.
     */
    TreeNode insertSplitting(int index, byte[] key, Object slot, int splitAt, long generation) {
        TreeNode right = new TreeNode(generation, leaf, keys.length);
        if (index < splitAt) {
            // The new entry stays here: entries from splitAt - 1 on move, then it goes in.
            moveTail(splitAt - 1, right);
            insert(index, key, slot);
        } else {
            moveTail(splitAt, right);
            right.insert(index - splitAt, key, slot);
        }
        return right;
    }

    /** Appends all of {@code right}'s entries here (they sort after this node's); the caller drops {@code right}. */
    void absorb(TreeNode right) {
        System.arraycopy(right.keys, 0, keys, count, right.count);
        System.arraycopy(right.slots, 0, slots, count, right.count);
        count += right.count;
        indexAllKeys();
    }

    /** Evens out the entries of this node and its right neighbour {@code right}, keeping their order. */
    void shareWith(TreeNode right) {
        int total = count + right.count;
        int target = total / 2;
        int leftPrefix = prefix;
        int rightPrefix = right.prefix;
        if (count > target) {
            int moved = count - target;
            System.arraycopy(right.keys, 0, right.keys, moved, right.count);
            System.arraycopy(right.slots, 0, right.slots, moved, right.count);
            System.arraycopy(right.heads, 0, right.heads, moved, right.count);
            System.arraycopy(keys, target, right.keys, 0, moved);
            System.arraycopy(slots, target, right.slots, 0, moved);
            System.arraycopy(heads, target, right.heads, 0, moved);
            right.count += moved;
            clear(target, count);
            count = target;
            if (leaf) { // the heads moved with their keys: recomputed only where a prefix changed
                findPrefix();
                rebaseHeads(0, count, leftPrefix);
                right.findPrefix();
                right.rebaseHeads(0, moved, leftPrefix);
                right.rebaseHeads(moved, right.count, rightPrefix);
                return;
            }
        } else {
            int moved = target - count;
            int before = count;
            System.arraycopy(right.keys, 0, keys, count, moved);
            System.arraycopy(right.slots, 0, slots, count, moved);
            System.arraycopy(right.heads, 0, heads, count, moved);
            System.arraycopy(right.keys, moved, right.keys, 0, right.count - moved);
            System.arraycopy(right.slots, moved, right.slots, 0, right.count - moved);
            System.arraycopy(right.heads, moved, right.heads, 0, right.count - moved);
            count = target;
            right.clear(right.count - moved, right.count);
            right.count -= moved;
            if (leaf) {
                findPrefix();
                rebaseHeads(0, before, leftPrefix);
                rebaseHeads(before, count, rightPrefix);
                right.findPrefix();
                right.rebaseHeads(0, right.count, rightPrefix);
                return;
            }
        }
        // a branch's keys[0] has no head and moves to where one counts: every head again
        indexAllKeys();
        right.indexAllKeys();
    }

    /** Moves entries from {@code from} on to the (empty) {@code right}. */
    private void moveTail(int from, TreeNode right) {
        int moved = count - from;
        int under = prefix;
        System.arraycopy(keys, from, right.keys, 0, moved);
        System.arraycopy(slots, from, right.slots, 0, moved);
        System.arraycopy(heads, from, right.heads, 0, moved);
        right.count = moved;
        clear(from, count);
        count = from;
        if (leaf) {
            findPrefix();
            rebaseHeads(0, count, under);
            right.findPrefix();
            right.rebaseHeads(0, moved, under);
        } else {
            indexAllKeys();
            right.indexAllKeys();
        }
    }

    /** Drops the references of entries moved out, so that only the node holding an entry keeps it alive. */
    private void clear(int from, int to) {
        Arrays.fill(keys, from, to, null);
        Arrays.fill(slots, from, to, null);
    }
}
