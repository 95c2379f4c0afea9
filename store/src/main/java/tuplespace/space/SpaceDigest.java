package tuplespace.space;

import java.nio.charset.StandardCharsets;

/**
 * An order-independent 64-bit digest of a set of pairs: the wrapping sum of a well-mixed hash of each pair.
 * Adding and removing a pair are O(1), so the digest is always current (ZooKeeper's DataTree digest works so).
 */
final class SpaceDigest {

    private long sum;

    /** Adds a pair held as UTF-8, as the space stores it: the figure of {@link #hash(String, String)} of its texts. */
    void add(byte[] keyUtf8, byte[] valueUtf8) {
        sum += hash(keyUtf8, valueUtf8);
    }

    void remove(byte[] keyUtf8, byte[] valueUtf8) {
        sum -= hash(keyUtf8, valueUtf8);
    }

    long value() {
        return sum;
    }

    /** {@link #hash(String, String)} of the texts these UTF-8 bytes encode, without decoding ASCII. */
    static long hash(byte[] keyUtf8, byte[] valueUtf8) {
        return mix(mix(textHash(keyUtf8)) ^ textHash(valueUtf8));
    }

    /**
     * The pair's hash, which defines the digest: {@link String#hashCode} is specified by the JLS (so equal on every
     * JVM), and the space computes the same figure from the UTF-8 it stores, one pass over each text. Each text's
     * length goes with its hash, and the key is mixed before the value joins, so swapping key and value changes the
     * hash. A node's snapshot file records the digest and its reader compares it (docs/internals.md "Files"), so the
     * function is part of that file format: changing it takes a new snapshot format version.
     */
    static long hash(String keyText, String valueText) {
        return mix(mix(textHash(keyText)) ^ textHash(valueText));
    }

    /** A text's length (in UTF-16 units) and its {@link String#hashCode}. */
    static long textHash(String text) {
        return ((long) text.length() << 32) | (text.hashCode() & 0xFFFFFFFFL);
    }

    /**
     * {@link #textHash(String)} of the text these UTF-8 bytes encode, without decoding ASCII (nearly every stored
     * text): there a byte is a UTF-16 unit, and {@code String.hashCode} is the same sum over the units.
     */
    static long textHash(byte[] utf8) {
        int hash = 0;
        for (byte unit : utf8) {
            if (unit < 0) {
                return textHash(new String(utf8, StandardCharsets.UTF_8));
            }
            hash = 31 * hash + unit;
        }
        return ((long) utf8.length << 32) | (hash & 0xFFFFFFFFL);
    }

    /** The SplitMix64 finalizer: spreads every input bit over the result so sums of hashes do not collide easily. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
