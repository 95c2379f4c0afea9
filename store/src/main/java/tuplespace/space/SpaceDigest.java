package tuplespace.space;

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
     * hash. Digests are only compared between live processes, never stored, so the function may change between
     * builds.
     */
    static long hash(String keyText, String valueText) {
        long key = ((long) keyText.length() << 32) | (keyText.hashCode() & 0xFFFFFFFFL);
        long value = ((long) valueText.length() << 32) | (valueText.hashCode() & 0xFFFFFFFFL);
        return mix(mix(key) ^ value);
    }

    /** The SplitMix64 finalizer: spreads every input bit over the result so sums of hashes do not collide easily. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
