package tuplespace.space;

import java.util.Arrays;

/**
 * Walks the entries of a {@link TreeView} over a range of keys in ascending order, without an object per entry:
 * {@link #next()} moves on and {@link #key()} and {@link #value()} name the entry it moved to. It keeps the path from
 * the root to the current leaf, so moving to the next leaf is a step up and down rather than a search from the root.
 * One thread uses one cursor, on a view it may read (see {@link TreeView}).
 */
final class TreeCursor {

    /** {@code branches[depth]}: the branch at that depth on the way to the current leaf; {@code slots[depth]}: the child taken. */
    private final TreeNode[] branches;
    private final int[] slots;
    /** Exclusive upper bound, or null. */
    private final byte[] to;
    private TreeNode leaf;
    /** Index in {@code leaf} of the entry {@link #next()} moves to. */
    private int nextIndex;
    private boolean done;
    private byte[] key;
    private byte[] value;

    TreeCursor(TreeView view, byte[] from, boolean inclusive, byte[] to) {
        this.branches = new TreeNode[view.height()];
        this.slots = new int[view.height()];
        this.to = to;
        TreeNode node = view.root();
        for (int depth = 0; depth < branches.length; depth++) {
            int slot = from == null ? 0 : node.childIndex(from);
            branches[depth] = node;
            slots[depth] = slot;
            node = node.child(slot);
        }
        leaf = node;
        if (from != null) {
            int index = node.search(from);
            nextIndex = index >= 0 ? (inclusive ? index : index + 1) : -index - 1;
        }
    }

    /** Moves to the next entry in range; false (now and ever after) when there is none. */
    boolean next() {
        if (!atEntry()) {
            return false;
        }
        byte[] candidate = leaf.keys[nextIndex];
        if (done || to != null && Arrays.compareUnsigned(candidate, to) >= 0) {
            done = true;
            return false;
        }
        key = candidate;
        value = leaf.value(nextIndex);
        nextIndex++;
        return true;
    }

    /**
     * Moves to the first entry in range whose key is {@code target} or after it, as calls of {@link #next()} until
     * then would: the entry {@link #next()} moves to is compared first (a walk that meets a key at nearly every entry
     * pays one comparison), then the leaf's last key (a leaf that ends before {@code target} is stepped over whole),
     * then the leaf is searched, so a walk that meets a key every ten entries compares about half as often and no
     * longer steps through the entries between. Never moves back: a target at or before the entry {@link #next()}
     * moves to makes it that entry. False (now and ever after) when there is none.
     */
    boolean seek(byte[] target) {
        while (true) {
            if (!atEntry()) {
                return false;
            }
            if (Arrays.compareUnsigned(leaf.keys[nextIndex], target) >= 0) {
                return next();
            }
            if (Arrays.compareUnsigned(leaf.keys[leaf.count - 1], target) >= 0) {
                break;
            }
            nextIndex = leaf.count; // every key of this leaf from nextIndex on is before the target
        }
        int low = nextIndex + 1; // the entry at nextIndex is before the target
        int high = leaf.count - 1; // its key is the target or after it
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (Arrays.compareUnsigned(leaf.keys[middle], target) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        nextIndex = low;
        return next();
    }

    /** The key of the entry {@link #next()} moved to. */
    byte[] key() {
        return key;
    }

    byte[] value() {
        return value;
    }

    /**
     * Sets the value of the entry {@link #next()} moved to, in place, if its leaf belongs to {@code generation} (the
     * tree's current one: see {@link ByteTree}); otherwise changes nothing and returns false. Only the owner of the
     * tree may call this, on a cursor over its own {@link ByteTree#view()}; {@link #value()} still names the value
     * replaced.
     */
    boolean setValue(byte[] newValue, long generation) {
        if (leaf.generation != generation) {
            return false;
        }
        leaf.slots[nextIndex - 1] = newValue;
        return true;
    }

    /** Moves to the first entry of the next leaf: up to the nearest branch with a child further right, then down. */
    /**
     * Makes {@code nextIndex} an entry of {@code leaf}, moving on to the next leaf that has one if need be; false (and
     * done) when no leaf is left. The range's upper bound is not checked here.
     */
    private boolean atEntry() {
        while (nextIndex >= leaf.count) {
            if (done || !nextLeaf()) {
                done = true;
                return false;
            }
        }
        return true;
    }

    private boolean nextLeaf() {
        int depth = branches.length - 1;
        while (depth >= 0 && slots[depth] + 1 >= branches[depth].count) {
            depth--;
        }
        if (depth < 0) {
            return false;
        }
        slots[depth]++;
        TreeNode node = branches[depth].child(slots[depth]);
        for (depth++; depth < branches.length; depth++) {
            branches[depth] = node;
            slots[depth] = 0;
            node = node.child(0);
        }
        leaf = node;
        nextIndex = 0;
        return true;
    }
}
