package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A tree built bottom up from sorted entries is a valid tree with those entries, and behaves as one afterwards. The
 * largest case has three levels at capacity 64, as a million entries would have four: the same code paths.
 */
@Timeout(20)
class TreeBuilderTest {

    @ParameterizedTest
    @CsvSource({"0, 4", "1, 4", "4, 4", "5, 4", "17, 4", "1000, 4", "4097, 64", "20000, 64"})
    void aBuiltTreeHoldsItsEntriesKeepsTheInvariantsAndTakesWritesAndSnapshots(int entries, int capacity) {
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        TreeBuilder builder = new TreeBuilder(capacity);
        for (int i = 0; i < entries; i++) {
            byte[] key = bytes(String.format("k%08d", i * 2));
            model.put(key, bytes("v" + i));
            builder.add(key, model.get(key));
        }

        ByteTree tree = builder.build();

        ByteTreeTest.checkStructure(tree.view(), capacity);
        assertThat(ByteTreeTest.smallestNonRootNode(tree.view())).as("every node but the root at least half full")
                .isGreaterThanOrEqualTo(capacity / 2);
        assertThat(tree.size()).isEqualTo(entries);
        assertSameEntries(tree.view(), model);

        TreeView frozen = tree.snapshot();
        Map<byte[], byte[]> before = new TreeMap<>(model);
        Random random = new Random(entries);
        for (int i = 0; i < 2 * entries + 20; i++) {
            byte[] key = bytes(String.format("k%08d", random.nextInt(2 * entries + 10)));
            if (random.nextBoolean()) {
                assertThat(tree.put(key, bytes("w" + i))).isEqualTo(model.put(key, bytes("w" + i)));
            } else {
                assertThat(tree.remove(key)).isEqualTo(model.remove(key));
            }
        }
        ByteTreeTest.checkStructure(tree.view(), capacity);
        assertSameEntries(tree.view(), model);
        assertSameEntries(frozen, before);
    }

    /**
     * Keys of every shape at once (the lowest byte a key may hold, 0x01; bytes above 0x7F; keys that are prefixes of
     * others; tuple-like keys that share long runs and differ past 8 bytes): each node's prefix and heads hold, every
     * key is found, and keys next to them (one byte longer or shorter) are not.
     */
    @ParameterizedTest
    @CsvSource({"4", "5", "64"})
    void aTreeBuiltFromKeysOfEveryShapeFindsEachAndNothingElse(int capacity) {
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        Random random = new Random(capacity);
        byte[] alphabet = {0x01, 0x02, 0x2C, 0x61, 0x7F, (byte) 0x80, (byte) 0xFF};
        for (int i = 0; i < 3_000; i++) {
            byte[] key;
            if (random.nextBoolean()) {
                key = new byte[random.nextInt(6)];
                for (int b = 0; b < key.length; b++) {
                    key[b] = alphabet[random.nextInt(alphabet.length)];
                }
            } else {
                key = bytes("user," + "7".repeat(random.nextInt(12)) + "," + random.nextInt(500));
            }
            model.put(key, bytes("v" + i));
        }
        TreeBuilder builder = new TreeBuilder(capacity);
        model.forEach(builder::add);

        ByteTree tree = builder.build();

        ByteTreeTest.checkStructure(tree.view(), capacity);
        for (Map.Entry<byte[], byte[]> entry : model.entrySet()) {
            byte[] key = entry.getKey();
            assertThat(tree.get(key)).as(Arrays.toString(key)).isEqualTo(entry.getValue());
            byte[] longer = Arrays.copyOf(key, key.length + 1);
            longer[key.length] = 0x01;
            assertThat(tree.get(longer)).as(Arrays.toString(longer)).isEqualTo(model.get(longer));
            if (key.length > 0) {
                byte[] shorter = Arrays.copyOf(key, key.length - 1);
                assertThat(tree.get(shorter)).as(Arrays.toString(shorter)).isEqualTo(model.get(shorter));
            }
        }
    }

    private static void assertSameEntries(TreeView view, Map<byte[], byte[]> model) {
        TreeCursor cursor = view.cursor();
        for (Map.Entry<byte[], byte[]> entry : model.entrySet()) {
            assertThat(cursor.next()).isTrue();
            assertThat(cursor.key()).isEqualTo(entry.getKey());
            assertThat(cursor.value()).isEqualTo(entry.getValue());
        }
        assertThat(cursor.next()).isFalse();
        assertThat(view.size()).isEqualTo(model.size());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
