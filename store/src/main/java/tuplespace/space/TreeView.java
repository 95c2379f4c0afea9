package tuplespace.space;

/**
 * The entries of a {@link ByteTree} as of one moment: its root, how many entries it holds and how many branch levels
 * are above its leaves. What {@link ByteTree#snapshot()} returns is frozen and may be read by any thread, at any time;
 * what {@link ByteTree#view()} returns only by the tree's owner thread, before the tree's next write.
 */
record TreeView(TreeNode root, int size, int height) {

    /** The value of {@code key}, or null when it is absent. */
    byte[] get(byte[] key) {
        return get(root, key);
    }

    static byte[] get(TreeNode root, byte[] key) {
        TreeNode node = root;
        while (!node.leaf) {
            node = node.child(node.childIndex(key));
        }
        int index = node.search(key);
        return index >= 0 ? node.value(index) : null;
    }

    /** Every entry, in ascending key order. */
    TreeCursor cursor() {
        return new TreeCursor(this, null, true, null);
    }

    /**
     * The entries from {@code from} ({@code inclusive} or not; null: from the first) up to, not including, {@code to}
     * (null: to the last), in ascending key order.
     */
    TreeCursor cursor(byte[] from, boolean inclusive, byte[] to) {
        return new TreeCursor(this, from, inclusive, to);
    }
}
