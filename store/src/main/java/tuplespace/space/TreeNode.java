package tuplespace.space;

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
 * <p>Not thread-safe: one owner thread changes nodes; frozen nodes are read by any thread.
 */
final class TreeNode {

    final long generation;
    final boolean leaf;
    int count;
    final byte[][] keys;
    /** {@code byte[]} values in a leaf, {@code TreeNode} children in a branch: one array, so moves are one copy. */
    final Object[] slots;

    private TreeNode(long generation, boolean leaf, int capacity) {
        this.generation = generation;
        this.leaf = leaf;
        this.keys = new byte[capacity][];
        this.slots = new Object[capacity];
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
        return root;
    }

    /** The same entries in a node of {@code generation}, which its tree may change in place. */
    TreeNode copy(long generation) {
        TreeNode copy = new TreeNode(generation, leaf, keys.length);
        System.arraycopy(keys, 0, copy.keys, 0, count);
        System.arraycopy(slots, 0, copy.slots, 0, count);
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
        int low = 0;
        int high = count - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = Arrays.compareUnsigned(keys[middle], key);
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -(low + 1);
    }

    /** In a branch: the index of the child whose keys {@code key} falls among (the last separator at or below it). */
    int childIndex(byte[] key) {
        int low = 1;
        int high = count - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (Arrays.compareUnsigned(keys[middle], key) <= 0) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return low - 1;
    }

    boolean isFull() {
        return count == keys.length;
    }

    /** Inserts an entry at {@code index}; the node must not be full. */
    void insert(int index, byte[] key, Object slot) {
        System.arraycopy(keys, index, keys, index + 1, count - index);
        System.arraycopy(slots, index, slots, index + 1, count - index);
        keys[index] = key;
        slots[index] = slot;
        count++;
    }

    void removeAt(int index) {
        System.arraycopy(keys, index + 1, keys, index, count - index - 1);
        System.arraycopy(slots, index + 1, slots, index, count - index - 1);
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
    }

    /** Evens out the entries of this node and its right neighbour {@code right}, keeping their order. */
    void shareWith(TreeNode right) {
        int total = count + right.count;
        int target = total / 2;
        if (count > target) {
            int moved = count - target;
            System.arraycopy(right.keys, 0, right.keys, moved, right.count);
            System.arraycopy(right.slots, 0, right.slots, moved, right.count);
            System.arraycopy(keys, target, right.keys, 0, moved);
            System.arraycopy(slots, target, right.slots, 0, moved);
            right.count += moved;
            clear(target, count);
            count = target;
        } else {
            int moved = target - count;
            System.arraycopy(right.keys, 0, keys, count, moved);
            System.arraycopy(right.slots, 0, slots, count, moved);
            System.arraycopy(right.keys, moved, right.keys, 0, right.count - moved);
            System.arraycopy(right.slots, moved, right.slots, 0, right.count - moved);
            count = target;
            right.clear(right.count - moved, right.count);
            right.count -= moved;
        }
    }

    /** Moves entries from {@code from} on to the (empty) {@code right}. */
    private void moveTail(int from, TreeNode right) {
        int moved = count - from;
        System.arraycopy(keys, from, right.keys, 0, moved);
        System.arraycopy(slots, from, right.slots, 0, moved);
        right.count = moved;
        clear(from, count);
        count = from;
    }

    /** Drops the references of entries moved out, so that only the node holding an entry keeps it alive. */
    private void clear(int from, int to) {
        Arrays.fill(keys, from, to, null);
        Arrays.fill(slots, from, to, null);
    }
}
