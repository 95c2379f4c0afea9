package tuplespace.space;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link ByteTree} from entries given in ascending key order, bottom up, in one pass: leaves filled in turn,
 * then each level of branches over the one below. No descent, no search, no split, which is what makes reading a
 * snapshot of a million pairs fast. Entries are spread evenly over as few nodes as hold them, so every node but a
 * lone root is at least half full, as the tree's own invariants ask.
 */
final class TreeBuilder {

    private final int capacity;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();

    TreeBuilder(int capacity) {
        this.capacity = capacity;
    }

    /** Adds the next entry; its key must follow every key added before (the caller checks). */
    void add(byte[] key, byte[] value) {
        keys.add(key);
        values.add(value);
    }

    int size() {
        return keys.size();
    }

    ByteTree build() {
        List<TreeNode> level = leaves();
        int height = 0;
        while (level.size() > 1) {
            level = branchesOver(level);
            height++;
        }
        return new ByteTree(level.get(0), keys.size(), height);
    }

    private List<TreeNode> leaves() {
        int count = nodesFor(keys.size());
        List<TreeNode> leaves = new ArrayList<>(count);
        int next = 0;
        for (int i = 0; i < count; i++) {
            TreeNode leaf = TreeNode.emptyLeaf(0, capacity);
            for (int take = share(keys.size(), count, i); take > 0; take--, next++) {
                leaf.insert(leaf.count, keys.get(next), values.get(next));
            }
            leaves.add(leaf);
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
                branch.insert(branch.count, child.keys[0], child);
            }
            branches.add(branch);
        }
        return branches;
    }

    /** As few nodes as hold {@code entries} (one for none: the empty root leaf). */
    private int nodesFor(int entries) {
        return Math.max(1, (entries + capacity - 1) / capacity);
    }

    /** How many of {@code entries} the {@code i}-th of {@code nodes} takes: an even share, the first ones one more. */
    private static int share(int entries, int nodes, int i) {
        return entries / nodes + (i < entries % nodes ? 1 : 0);
    }
}
