package tuplespace.bench.scale;

import java.util.SplittableRandom;
import tuplespace.bench.load.Workload;
import tuplespace.tuple.Tuple;

/**
 * The data of the scale part. Keys are the tuples {@code ("k", id)}, text form {@code k,<id>} for ids
 * {@code 0..pairs-1} (Redis: {@code k:<id>}), values one field of random letters and digits. The prefix
 * {@code k,1.*} matches the ids whose decimal form starts with 1: 1, 10-19, 100-199, ... — 111,111 of a million.
 */
public final class ScaleKeys {

    public static final String ALL = ".*";
    public static final String PREFIX_KEYEXP = "k,1.*";

    private ScaleKeys() {
    }

    public static Tuple key(int id) {
        return Tuple.of("k", Integer.toString(id));
    }

    /** The text form of {@link #key}: what an exact GET names. */
    public static String keyText(int id) {
        return "k," + id;
    }

    public static String redisKey(int id) {
        return "k:" + id;
    }

    /** The values, in id order, the same in both systems (seeded). */
    public static SplittableRandom values() {
        return new SplittableRandom(42);
    }

    public static String value(SplittableRandom random, int size) {
        return Workload.value(random, size);
    }

    /** How many of the ids {@code 0..pairs-1} start with the digit 1: the matches of {@link #PREFIX_KEYEXP}. */
    public static long prefixMatches(int pairs) {
        long matches = 0;
        // Ids of d digits that start with 1 are [10^(d-1), 2 * 10^(d-1)); the one-digit range is [1, 2).
        for (long low = 1; low < pairs; low *= 10) {
            matches += Math.min(pairs, 2 * low) - low;
        }
        return matches;
    }
}
