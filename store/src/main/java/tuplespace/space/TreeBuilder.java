package tuplespace.space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a {@link ByteTree} from entries given in ascending key order, bottom up, in one pass: each entry goes straight
 * into the last leaf, a full leaf is indexed once ({@link TreeNode#indexAllKeys()}: its prefix and heads) and a new one
 * begun, and {@link #build()} puts the levels of branches over the leaves. No descent, no search, no split, no index
 * kept current entry by entry, and no list of the entries on the side, which is what makes loading a million pairs (a
 * snapshot file, a backup's resync) fast, and lets the leaves be built while the entries still arrive. A restart runs
 * this loop a million times in a cold JVM, so it is kept to a few array stores: the compilers' work on it is part of
 * every restart's time. Every leaf is full but the last two, which are evened out; so every node but a lone root is at
 * least half full, as the tree's own invariants ask.
 */
final class TreeBuilder {

    private final int capacity;
    private final List<TreeNode> leaves = new ArrayList<>();
    private TreeNode leaf;
    private int size;

    TreeBuilder(int capacity) {
        this.capacity = capacity;
        this.leaf = TreeNode.emptyLeaf(0, capacity);
    }

    /** Adds the next entry; its key must follow every key added before (the caller checks). */
    void add(byte[] key, byte[] value) {
        assert TreeNode.zeroFree(key) : "a key with a zero byte: " + Arrays.toString(key);
        if (leaf.isFull()) {
            leaf.indexAllKeys();
            leaves.add(leaf);
            leaf = TreeNode.emptyLeaf(0, capacity);
        }
        leaf.append(key, value);
        size++;
    }

    int size() {
        return size;
    }

    /** The tree of every entry added; call once, the builder is done with afterwards. */
    ByteTree build() {
        List<TreeNode> level = closeLeaves();
        int height = 0;
        while (level.size() > 1) {
            level = branchesOver(level);
            height++;
        }
        return new ByteTree(level.get(0), size, height);
    }

    /** The leaves, the last one evened out with the one before it when it is less than half full. */
    private List<TreeNode> closeLeaves() {
        leaf.indexAllKeys();
        leaves.add(leaf); // empty only when nothing was added: the lone root then
        int last = leaves.size() - 1;
        if (last > 0 && leaves.get(last).count < capacity / 2) {
            leaves.get(last - 1).shareWith(leaves.get(last));
        }
        return leaves;
    }

    /** One level up: each branch's separators are its children's first keys (its own keys[0], like a new root's). */
    private List<TreeNode> branchesOver(List<TreeNode> children) {
        int count = nodesFor(children.size());
        List<TreeNode> branches = new ArrayList<>(count);
        int next = 0;
        for (int i = 0; i < count; i++) {
            TreeNode branch = TreeNode.emptyBranch(0, capacity);
            for (int take = share(children.size(), count, i); take > 0; take--, next++) {
                TreeNode child = children.get(next);
                branch.append(child.keys[0], child);
            }
            branch.indexAllKeys();
            branches.add(branch);
        }
        return branches;
    }

    /** As few nodes as hold {@code entries}. */
    private int nodesFor(int entries) {
        return (entries + capacity - 1) / capacity;
    }

    /** How many of {@code entries} the {@code i}-th of {@code nodes} takes: an even share, the first ones one more. */
    private static int share(int entries, int nodes, int i) {
        return entries / nodes + (i < entries % nodes ? 1 : 0);
    }
}
