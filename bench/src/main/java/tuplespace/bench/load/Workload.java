package tuplespace.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Makes the operations of one connection. Preloaded keys are the ids {@code 0..keyCount-1}; PUT ids are fresh
 * ({@code <runTag>c<connection>n<counter>}) so that every PUT really adds and is replicated. Not thread-safe:
 * one per connection.
 */
public final class Workload {

    private static final char[] ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final OperationMix mix;
    private final int keyCount;
    private final int valueSize;
    private final String putIdPrefix;
    private final RandomGenerator random;
    private long putCounter;

    public Workload(OperationMix mix, int keyCount, int valueSize, String runTag, int connection, RandomGenerator random) {
        this.mix = Objects.requireNonNull(mix, "mix");
        if (keyCount < 1 || valueSize < 1) {
            throw new IllegalArgumentException("expected keyCount >= 1 and valueSize >= 1, found " + keyCount + " and " + valueSize);
        }
        this.keyCount = keyCount;
        this.valueSize = valueSize;
        this.putIdPrefix = runTag + "c" + connection + "n";
        this.random = Objects.requireNonNull(random, "random");
    }

    public Operation next() {
        int pick = random.nextInt(mix.total());
        if ((pick -= mix.put()) < 0) {
            return new Operation.Put(putIdPrefix + putCounter++, value(random, valueSize));
        }
        if ((pick -= mix.post()) < 0) {
            return new Operation.Post(preloadedId(), value(random, valueSize));
        }
        if (pick - mix.exactGet() < 0) {
            return new Operation.ExactGet(preloadedId());
        }
        // A prefix of about 100 keys: the id's leading digits without its last two.
        int id = random.nextInt(keyCount);
        return new Operation.PrefixGet(Integer.toString(Math.max(1, id / 100)));
    }

    public List<Operation> nextBatch(int size) {
        List<Operation> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(next());
        }
        return batch;
    }

    /** A random alphanumeric value of {@code size} characters (one field, so a one-field value tuple). */
    public static String value(RandomGenerator random, int size) {
        char[] chars = new char[size];
        for (int i = 0; i < size; i++) {
            chars[i] = ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)];
        }
        return new String(chars);
    }

    private String preloadedId() {
        return Integer.toString(random.nextInt(keyCount));
    }
}
