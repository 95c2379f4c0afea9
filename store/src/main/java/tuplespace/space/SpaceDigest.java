package tuplespace.space;

import java.nio.charset.StandardCharsets;
import tuplespace.tuple.Pair;

/**
 * An order-independent 64-bit digest of a set of pairs: the wrapping sum of a well-mixed hash of each pair.
 * Adding and removing a pair are O(1), so the digest is always current (ZooKeeper's DataTree digest works so).
 */
final class SpaceDigest {

    private long sum;

    void add(String keyText, String valueText) {
        sum += hash(keyText, valueText);
    }

    void remove(String keyText, String valueText) {
        sum -= hash(keyText, valueText);
    }

    /** Adds a pair held as UTF-8 (a snapshot file's): the same figure as for the texts, with no decoding for ASCII. */
    void add(byte[] keyUtf8, byte[] valueUtf8) {
        sum += mix(mix(textHash(keyUtf8)) ^ textHash(valueUtf8));
    }

    /** Removes a pair whose value the space holds only as UTF-8: the same figure as for the value's text. */
    void remove(String keyText, byte[] valueUtf8) {
        sum -= mix(mix(textHash(keyText)) ^ textHash(valueUtf8));
    }

    long value() {
        return sum;
    }

    static long hash(Pair pair) {
        return hash(pair.key().text(), pair.value().text());
    }

    /**
     * {@link String#hashCode} is specified by the JLS (so equal on every JVM) and cached in each string, so hashing
     * a pair costs at most one pass over each text, and nothing when the strings were hashed before. Each text's
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
