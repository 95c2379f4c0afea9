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

    static long hash(String keyText, String valueText) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64 offset basis
        h = fnv(h, keyText);
        h = (h ^ 0x1F) * 0x100000001b3L; // a separator no field can hold
        h = fnv(h, valueText);
        return mix(h);
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /** The SplitMix64 finalizer: spreads FNV's weak high bits so sums of hashes do not collide easily. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
