package tuplespace.space;

/**
 * A sorted map from {@code byte[]} keys to {@code byte[]} values in unsigned byte order, with O(1) snapshots: a
 * copy-on-write B+-tree of wide nodes ({@link TreeNode}, {@value #CAPACITY} entries).
 *
 * <p>Why not {@code java.util.TreeMap}: an entry object per pair costs 40 bytes, and a snapshot needs a copy. Why
 * not a persistent map from a library: they copy a path on every write, which costs allocation on the hot path
 * and more memory per pair (see docs/internals.md for the figures). Here every node carries the generation that
 * created it. {@link #snapshot()} freezes the current root and starts a new generation; a write then copies just
 * the nodes on its path that belong to an older generation and changes its own copies in place. With no snapshot
 * taken since a node was made, a write changes it in place and allocates nothing (Clojure's transients work so),
 * and a snapshot's nodes are never written again, which is what lets another thread read it.
 *
 * <p>Keys and values handed in must never be changed afterwards: nodes and snapshots share them. No key, stored or
 * looked up, holds a zero byte: a tuple's text form is letters, digits and commas in UTF-8, which has none (a query
 * whose pattern's literal prefix has one matches no key and looks nothing up, {@code Query}; {@link SpaceLoader}
 * refuses such bytes from a file). That lets a node tell two keys equal from their 8-byte heads alone when they are
 * short ({@link TreeNode}); assertions check it.
 *
 * <p>Not thread-safe: one owner thread calls every method. What {@link #snapshot()} returns may be read by any
 * thread; what {@link #view()} returns only by the owner, and only until its next write.
 */
final class ByteTree {

    static final int CAPACITY = 64;

    private final int capacity;
    private TreeNode root;
    private int size;
    /** Branch levels above the leaves. */
    private int height;
    private long generation;
    /** The path of the last descent, root first ({@code path[height]} is the leaf), and the child taken at each level. */
    private TreeNode[] path = new TreeNode[1];
    private int[] slotOf = new int[1];

    ByteTree() {
        this(CAPACITY);
    }

    /** A tree of nodes of {@code capacity} entries; small ones let tests reach deep trees with few keys. */
    ByteTree(int capacity) {
        if (capacity < 4) {
            throw new IllegalArgumentException("expected a node capacity of at least 4, found " + capacity);
        }
        this.capacity = capacity;
        this.root = TreeNode.emptyLeaf(generation, capacity);
    }

    /** A tree over nodes {@link TreeBuilder} made (generation 0, so this tree writes them in place). */
    ByteTree(TreeNode root, int size, int height) {
        this(root.keys.length);
        this.root = root;
        this.size = size;
        this.height = height;
        this.path = new TreeNode[height + 1];
        this.slotOf = new int[height + 1];
    }

    int size() {
        return size;
    }

    byte[] get(byte[] key) {
        return TreeView.get(root, key);
    }

    /** Sets {@code key} to {@code value}; returns the value it replaced, or null when the key was absent. */
    byte[] put(byte[] key, byte[] value) {
        return write(key, value, true, true);
    }

    /** Adds {@code key} with {@code value} if absent; returns null when it did, else the value present (unchanged). */
    byte[] putIfAbsent(byte[] key, byte[] value) {
        return write(key, value, true, false);
    }

    /** Sets the value of {@code key} if present; returns the value it replaced, or null (nothing changed). */
    byte[] replace(byte[] key, byte[] value) {
        return write(key, value, false, true);
    }

    /** One descent for each of the three: {@code insert} an absent key, {@code replace} a present key's value. */
    private byte[] write(byte[] key, byte[] value, boolean insert, boolean replace) {
        int index = descend(key).search(key);
        if (index >= 0 ? !replace : !insert) {
            return index >= 0 ? path[height].value(index) : null; // nothing to change, nothing copied
        }
        own();
        TreeNode leaf = path[height];
        if (index >= 0) {
            byte[] previous = leaf.value(index);
            leaf.slots[index] = value;
            return previous;
        }
        insert(-index - 1, key, value);
        size++;
        return null;
    }

    /** Removes {@code key}; returns its value, or null when it was absent (then nothing is copied or changed). */
    byte[] remove(byte[] key) {
        int index = descend(key).search(key);
        if (index < 0) {
            return null;
        }
        own();
        TreeNode leaf = path[height];
        byte[] previous = leaf.value(index);
        leaf.removeAt(index);
        size--;
        mendAfterRemoval();
        return previous;
    }

    /**
     * The map as it is now, frozen: later writes copy what they change, so the view never changes and any thread may
     * read it (hand it over like any object: its fields are final, which makes the frozen nodes visible with it). O(1).
     */
    TreeView snapshot() {
        TreeView frozen = view();
        generation++;
        return frozen;
    }

    /** The map as it is now, for the owner thread to read before its next write (nothing is frozen). */
    TreeView view() {
        return new TreeView(root, size, height);
    }

    /**
     * A cursor over every entry in key order, for the owner thread: valid until its next write, except for writes
     * through {@link #setValue}, which change no node's shape.
     */
    TreeCursor cursor() {
        return new TreeCursor(view(), null, true, null);
    }

    /**
     * Sets the value of the entry {@code cursor} (of {@link #cursor()}) is at, in place, when its leaf may be written so
     * (it belongs to the current generation: no snapshot holds it); otherwise changes nothing and returns false, and the
     * caller writes through {@link #put}. The size does not change.
     */
    boolean setValue(TreeCursor cursor, byte[] value) {
        return cursor.setValue(value, generation);
    }

    /** Walks from the root to the leaf where {@code key} is or would be, recording the path; returns the leaf. */
    private TreeNode descend(byte[] key) {
        TreeNode node = root;
        for (int depth = 0; depth < height; depth++) {
            int slot = node.childIndex(key);
            path[depth] = node;
            slotOf[depth] = slot;
            node = node.child(slot);
        }
        path[height] = node;
        return node;
    }

    /** Makes every node on the recorded path one of the current generation, copying those a snapshot may share. */
    private void own() {
        for (int depth = 0; depth <= height; depth++) {
            TreeNode node = path[depth];
            if (node.generation != generation) {
                node = node.copy(generation);
                path[depth] = node;
                if (depth == 0) {
                    root = node;
                } else {
                    path[depth - 1].slots[slotOf[depth - 1]] = node;
                }
            }
        }
    }

    /**
     * Inserts a new entry at {@code index} of the (owned) leaf on the path. A full node first tries to even out with
     * a neighbour, and splits in two only when both neighbours are (nearly) full, the new half-node going up into the
     * parent the same way. Sharing before splitting (as B*-trees do) keeps nodes about 85% full under random inserts
     * and 98% under ascending ones (keys loaded in order, numbered keys created one after another), where splitting
     * alone leaves them 70% and 50% full: a node behind an ascending run is never written again.
     */
    private void insert(int index, byte[] key, byte[] value) {
        Object slot = value;
        for (int depth = height; ; depth--) {
            TreeNode node = path[depth];
            if (!node.isFull()) {
                node.insert(index, key, slot);
                return;
            }
            if (depth > 0 && insertSharing(depth, index, key, slot)) {
                return;
            }
            TreeNode right = node.insertSplitting(index, key, slot, (capacity + 1) / 2, generation);
            if (depth == 0) {
                root = TreeNode.root(generation, root, right);
                height++;
                path = new TreeNode[height + 1];
                slotOf = new int[height + 1];
                return;
            }
            key = right.keys[0];
            slot = right;
            index = slotOf[depth - 1] + 1;
        }
    }

    /**
     * Makes room in the full node {@code path[depth]} by evening it out with a neighbour that has room for two or more
     * (so that at least one entry moves), and inserts the entry where it then belongs; false when neither has.
     */
    private boolean insertSharing(int depth, int index, byte[] key, Object slot) {
        TreeNode parent = path[depth - 1];
        int at = slotOf[depth - 1];
        TreeNode node = path[depth];
        if (at > 0 && parent.child(at - 1).count <= capacity - 2) {
            TreeNode left = ownedChild(parent, at - 1);
            int before = left.count;
            evenOut(parent, at - 1, left, node);
            int moved = left.count - before;
            if (index <= moved) {
                left.insert(before + index, key, slot); // at its end when index == moved: still below node's first key
            } else {
                node.insert(index - moved, key, slot);
            }
            return true;
        }
        if (at + 1 < parent.count && parent.child(at + 1).count <= capacity - 2) {
            TreeNode right = ownedChild(parent, at + 1);
            evenOut(parent, at, node, right);
            if (index <= node.count) {
                node.insert(index, key, slot);
            } else {
                right.insert(index - node.count, key, slot);
            }
            return true;
        }
        return false;
    }

    /** Evens out two neighbouring children of {@code parent} (owned), and gives the parent their new separator. */
    private static void evenOut(TreeNode parent, int leftSlot, TreeNode left, TreeNode right) {
        takeSeparator(parent, leftSlot, right);
        left.shareWith(right);
        parent.setKey(leftSlot + 1, right.keys[0]);
    }

    /**
     * A branch's {@code keys[0]} is not kept up to date; before its entries join its left neighbour's, it takes the
     * parent's separator, which bounds its first child from below. A leaf's {@code keys[0]} is a key, and stays.
     */
    private static void takeSeparator(TreeNode parent, int leftSlot, TreeNode right) {
        if (!right.leaf) {
            right.setKey(0, parent.keys[leftSlot + 1]);
        }
    }

    /**
     * After a removal, mends the nodes on the path that fell below half full, from the leaf up: a node is merged with
     * a neighbour when both fit in one node, and otherwise evens out with it. No node is left empty, and the root
     * is never a branch of one child.
     */
    private void mendAfterRemoval() {
        for (int depth = height; depth > 0 && path[depth].count < capacity / 2; depth--) {
            TreeNode parent = path[depth - 1];
            if (parent.count > 1) {
                if (!mendChild(parent, slotOf[depth - 1])) {
                    break; // evened out: the parent kept its count
                }
            } else if (path[depth].count == 0) {
                parent.removeAt(0);
            }
            // else: an only child (left by an ascending split); its parent is below half too and is mended above.
        }
        while (!root.leaf && root.count <= 1) {
            root = root.count == 0 ? TreeNode.emptyLeaf(generation, capacity) : root.child(0);
            height = root.leaf ? 0 : height - 1;
        }
    }

    /** Merges {@code parent}'s child at {@code slot} with a neighbour, or evens the two out; true when merged. */
    private boolean mendChild(TreeNode parent, int slot) {
        int leftSlot = slot > 0 ? slot - 1 : slot;
        TreeNode left = ownedChild(parent, leftSlot);
        TreeNode right = ownedChild(parent, leftSlot + 1);
        if (left.count + right.count > capacity) {
            evenOut(parent, leftSlot, left, right);
            return false;
        }
        takeSeparator(parent, leftSlot, right);
        left.absorb(right);
        parent.removeAt(leftSlot + 1);
        return true;
    }

    private TreeNode ownedChild(TreeNode parent, int slot) {
        TreeNode child = parent.child(slot);
        if (child.generation != generation) {
            child = child.copy(generation);
            parent.slots[slot] = child;
        }
        return child;
    }
}
