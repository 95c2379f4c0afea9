package tuplespace.space;

import java.util.Arrays;

/**
 * Builds a space from pairs as the space stores them (the UTF-8 bytes of each text form, {@link StoredPairCursor}), in
 * ascending key order: how a node reads its snapshot file back. It neither parses a tuple nor decodes a string for
 * ASCII text, and builds the tree bottom up in one pass ({@link TreeBuilder}), so a million pairs load in a fraction
 * of a second; what vouches for the bytes is the file's checksums and the digest its writer recorded, which the reader
 * compares with {@link TupleSpace#digest()} afterwards.
 *
 * <p>Keys must come in strictly ascending unsigned byte order (the order a {@link StoredPairCursor} gives), which also
 * rules out a key given twice, and hold no zero byte (as no stored key does). Single-threaded, like the space it fills.
 */
public final class SpaceLoader {

    private final TreeBuilder pairs = new TreeBuilder(ByteTree.CAPACITY);
    private final SpaceDigest digest = new SpaceDigest();
    private byte[] lastKey;
    private boolean finished;

    /**
     * Adds the next pair. The arrays become the space's own: the caller must not change them afterwards.
     *
     * @throws IllegalArgumentException when {@code keyUtf8} does not follow the previous key or holds a zero byte
     * @throws IllegalStateException after {@link #finish()}: the space belongs to its caller then
     */
    public void add(byte[] keyUtf8, byte[] valueUtf8) {
        if (finished) {
            throw new IllegalStateException("expected pairs before finish(), found one after");
        }
        if (lastKey != null && Arrays.compareUnsigned(lastKey, keyUtf8) >= 0) {
            throw new IllegalArgumentException("expected keys in ascending order, found "
                    + StoredPairs.text(keyUtf8) + " after " + StoredPairs.text(lastKey));
        }
        if (!TreeNode.zeroFree(keyUtf8)) {
            // no key holds U+0000, and the tree relies on it (ByteTree): these bytes are no stored key
            throw new IllegalArgumentException("expected a key without a zero byte, found one in "
                    + Arrays.toString(keyUtf8));
        }
        pairs.add(keyUtf8, valueUtf8);
        digest.add(keyUtf8, valueUtf8);
        lastKey = keyUtf8;
    }

    /** The pairs added so far. */
    public int size() {
        return pairs.size();
    }

    /** The space holding every pair added; no pair may be added afterwards. */
    public TupleSpace finish() {
        finished = true;
        return new TupleSpace(pairs.build(), digest);
    }
}
