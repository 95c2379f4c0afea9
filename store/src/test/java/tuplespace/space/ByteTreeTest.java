package tuplespace.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ByteTree} against {@code TreeMap} with the same order, over random writes, snapshots and ranges. */
@Timeout(30)
class ByteTreeTest {

    /**
     * Seeds times node capacities times key shapes: small nodes make deep trees, where splits and merges cross
     * several levels; short keys of few byte values (0x01, bytes above 0x7F, keys that are prefixes of others)
     * and long keys that share long runs (nodes with long prefixes, and keys whose 8-byte heads tie).
     */
    static Stream<Arguments> runs() {
        return IntStream.range(0, 60).boxed()
                .flatMap(seed -> Stream.of(4, 5, 8, 64).flatMap(capacity -> Stream.of(false, true)
                        .map(longKeys -> Arguments.of(seed, capacity, longKeys))));
    }

    @ParameterizedTest(name = "seed {0}, capacity {1}, long keys {2}")
    @MethodSource("runs")
    void behavesLikeATreeMapAndSnapshotsNeverChange(int seed, int capacity, boolean longKeys) {
        Random random = new Random(seed);
        ByteTree tree = new ByteTree(capacity);
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        List<TreeView> snapshots = new ArrayList<>();
        List<NavigableMap<byte[], byte[]>> snapshotModels = new ArrayList<>();
        // Some runs grow big (deep trees), some churn around a small size (merges and borrows all the time).
        int keySpace = random.nextBoolean() ? 60 : 2_000;
        int operations = 1_500 + random.nextInt(1_500);
        int removeWeight = random.nextInt(3); // 0: mostly growth, 2: mostly shrinking once full
        for (int i = 0; i < operations; i++) {
            byte[] key = longKeys ? randomLongKey(random, keySpace) : randomKey(random, keySpace);
            int choice = random.nextInt(10);
            if (choice < 5) {
                byte[] value = ("v" + i).getBytes(StandardCharsets.US_ASCII);
                switch (choice % 3) {
                    case 0 -> same(tree.putIfAbsent(key, value), model.putIfAbsent(key, value), "putIfAbsent", i);
                    case 1 -> same(tree.replace(key, value), model.replace(key, value), "replace", i);
                    default -> same(tree.put(key, value), model.put(key, value), "put", i);
                }
            } else if (choice < 6 + removeWeight) {
                same(tree.remove(key), model.remove(key), "remove", i);
            } else if (choice < 9) {
                same(tree.get(key), model.get(key), "get", i);
            } else if (random.nextInt(4) == 0) {
                snapshots.add(tree.snapshot());
                snapshotModels.add(new TreeMap<>(model));
            } else {
                assertRangesAgree(tree.view(), model, random, keySpace);
            }
            if (tree.size() != model.size()) {
                fail("size %d after operation %d, expected %d", tree.size(), i, model.size());
            }
            if (i % 251 == 0) {
                checkStructure(tree.view(), capacity);
            }
        }
        checkStructure(tree.view(), capacity);
        assertSameEntries(tree.view(), null, true, null, model);
        for (int s = 0; s < snapshots.size(); s++) {
            TreeView snapshot = snapshots.get(s);
            assertThat(snapshot.size()).isEqualTo(snapshotModels.get(s).size());
            assertSameEntries(snapshot, null, true, null, snapshotModels.get(s));
            assertRangesAgree(snapshot, snapshotModels.get(s), random, keySpace);
            checkStructure(snapshot, capacity);
        }
    }

    /** {@link TreeCursor#seek} among {@link TreeCursor#next()}s lands where the model's ceiling (never behind) is. */
    @ParameterizedTest(name = "seed {0}, capacity {1}, long keys {2}")
    @MethodSource("runs")
    void seekingMovesToTheFirstKeyAtOrAfterTheTargetAndNeverBack(int seed, int capacity, boolean longKeys) {
        Random random = new Random(seed);
        ByteTree tree = new ByteTree(capacity);
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        int keySpace = random.nextBoolean() ? 60 : 2_000;
        for (int i = random.nextInt(800); i > 0; i--) {
            byte[] key = longKeys ? randomLongKey(random, keySpace) : randomKey(random, keySpace);
            tree.put(key, bytes("v" + i));
            model.put(key, bytes("v" + i));
        }
        for (int walk = 0; walk < 20; walk++) {
            byte[] from = random.nextInt(3) == 0 ? anyKey(random, keySpace) : null;
            byte[] to = random.nextInt(3) == 0 ? anyKey(random, keySpace) : null;
            NavigableMap<byte[], byte[]> range = from == null ? model : model.tailMap(from, true);
            range = to == null ? range : from != null && Arrays.compareUnsigned(from, to) > 0
                    ? Collections.emptyNavigableMap() : range.headMap(to, false);
            TreeCursor cursor = tree.view().cursor(from, true, to);
            byte[] at = null; // the key the cursor is at
            for (int step = 0; step < 200; step++) {
                byte[] expected;
                boolean moved;
                String what;
                if (random.nextBoolean()) {
                    expected = at == null ? (range.isEmpty() ? null : range.firstKey()) : range.higherKey(at);
                    moved = cursor.next();
                    what = "next";
                } else {
                    byte[] target = anyKey(random, keySpace);
                    boolean ahead = at == null || Arrays.compareUnsigned(target, at) > 0;
                    expected = ahead ? range.ceilingKey(target) : range.higherKey(at);
                    moved = cursor.seek(target);
                    what = "seek " + Arrays.toString(target);
                }
                if (moved != (expected != null) || moved && !Arrays.equals(cursor.key(), expected)) {
                    fail("%s at step %d of walk %d moved to %s, expected %s", what, step, walk,
                            moved ? Arrays.toString(cursor.key()) : "nothing", Arrays.toString(expected));
                }
                if (!moved) {
                    break;
                }
                at = expected;
                same(cursor.value(), model.get(at), "value after " + what, step);
            }
        }
    }

    @Test
    void emptyTreeHasNoEntriesAndRemovingAnAbsentKeyChangesNothing() {
        ByteTree tree = new ByteTree();
        assertThat(tree.get(bytes("a"))).isNull();
        assertThat(tree.remove(bytes("a"))).isNull();
        assertThat(tree.view().cursor().next()).isFalse();
        assertThat(tree.view().cursor(bytes("a"), true, null).next()).isFalse();
        tree.put(bytes("a"), bytes("1"));
        assertThat(tree.remove(bytes("a"))).isEqualTo(bytes("1"));
        assertThat(tree.size()).isZero();
        assertThat(tree.view().cursor().next()).isFalse();
    }

    /**
     * Keys ending 7, 8 and 9 bytes past the node's prefix, with and without it: a lookup that ends within 8 bytes is
     * decided by heads alone, one that runs on by whole keys; each finds its own key and none of its neighbours.
     */
    @Test
    void keysEndingJustWithinAndPastTheirHeadAreFoundExactly() {
        List<String> stored = List.of("abcdefg", "abcdefga", "abcdefgh", "abcdefgha", "abcdefghi", "abcdefgi", "b");
        List<String> absent = List.of("abcdef", "abcdefgb", "abcdefghb", "abcdefghia", "abcdefgj", "abcdefgz", "a", "c");
        for (String common : List.of("", "user,")) { // the node's prefix empty, then 5 bytes
            ByteTree tree = new ByteTree(64);
            for (String key : stored) {
                tree.put(bytes(common + key), bytes(key));
            }
            for (String key : stored) {
                assertThat(tree.get(bytes(common + key))).as(common + key).isEqualTo(bytes(key));
                assertThat(tree.view().cursor(bytes(common + key), true, null).next()).isTrue();
            }
            for (String key : absent) {
                assertThat(tree.get(bytes(common + key))).as(common + key).isNull();
                assertThat(tree.remove(bytes(common + key))).as(common + key).isNull();
            }
            assertThat(tree.size()).isEqualTo(stored.size());
        }
    }

    @Test
    void keysOrderAsUnsignedBytes() {
        ByteTree tree = new ByteTree(4);
        for (int b : new int[] {0xFF, 0x02, 0x7F, 0x80, 0x01, 0xC3}) {
            tree.put(new byte[] {(byte) b}, new byte[0]);
        }
        tree.put(new byte[0], new byte[0]);
        tree.put(new byte[] {0x7F, 0x01}, new byte[0]);
        List<String> order = new ArrayList<>();
        for (TreeCursor cursor = tree.view().cursor(); cursor.next(); ) {
            order.add(Arrays.toString(cursor.key()));
        }
        assertThat(order).containsExactly("[]", "[1]", "[2]", "[127]", "[127, 1]", "[-128]", "[-61]", "[-1]");
    }

    @Test
    void withoutASnapshotWritesChangeNodesInPlace() {
        ByteTree tree = new ByteTree(8);
        for (int i = 0; i < 1_000; i++) {
            tree.put(bytes("k" + i), bytes("v"));
        }
        Set<TreeNode> before = nodes(tree.view());
        for (int i = 0; i < 1_000; i += 3) {
            tree.put(bytes("k" + i), bytes("w")); // replacing a value: no node is made
        }
        assertThat(nodes(tree.view())).isEqualTo(before);

        TreeView frozen = tree.snapshot();
        tree.put(bytes("k3"), bytes("x"));
        Set<TreeNode> after = nodes(tree.view());
        after.removeAll(nodes(frozen));
        // one copied node per level of the path to k3; everything else is shared with the snapshot
        assertThat(after).hasSize(frozen.height() + 1);
        tree.put(bytes("k3"), bytes("y"));
        Set<TreeNode> again = nodes(tree.view());
        again.removeAll(nodes(frozen));
        assertThat(again).hasSize(frozen.height() + 1); // the copies are written in place from now on
        assertThat(frozen.get(bytes("k3"))).isEqualTo(bytes("w"));
        assertThat(tree.get(bytes("k3"))).isEqualTo(bytes("y"));
    }

    @Test
    void anAscendingLoadLeavesFullNodes() {
        ByteTree tree = new ByteTree();
        for (int i = 0; i < 100_000; i++) {
            tree.put(bytes("k" + (10_000_000 + i)), bytes("v"));
        }
        assertThat(leafFill(tree.view())).isGreaterThan(0.95);
    }

    @Test
    void numberedKeysCreatedInNumericOrderLeaveNearlyFullNodes() {
        // bench,0 bench,1 ... bench,99999: not in byte order (bench,10 sorts before bench,2), but each key lands
        // just after the one before it, among keys made earlier: an ascending run through full nodes.
        ByteTree tree = new ByteTree();
        for (int i = 0; i < 100_000; i++) {
            tree.put(bytes("bench," + i), bytes("v"));
        }
        assertThat(leafFill(tree.view())).isGreaterThan(0.95);
        checkStructure(tree.view(), ByteTree.CAPACITY);
    }

    @Test
    void randomInsertsLeaveNodesAtLeastHalfFullAndRemovalsKeepThemSo() {
        Random random = new Random(5);
        ByteTree tree = new ByteTree();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            byte[] key = bytes(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
            keys.add(key);
            tree.put(key, bytes("v"));
        }
        assertThat(leafFill(tree.view())).isGreaterThan(0.8);
        Collections.shuffle(keys, random);
        for (byte[] key : keys.subList(0, 45_000)) {
            tree.remove(key);
        }
        checkStructure(tree.view(), ByteTree.CAPACITY);
        assertThat(leafFill(tree.view())).isGreaterThan(0.5);
    }

    private static void same(byte[] actual, byte[] expected, String operation, int i) {
        if (!Arrays.equals(actual, expected)) {
            fail("%s at operation %d answered %s, expected %s", operation, i, Arrays.toString(actual),
                    Arrays.toString(expected));
        }
    }

    private static void assertRangesAgree(TreeView view, NavigableMap<byte[], byte[]> model, Random random,
            int keySpace) {
        byte[] from = random.nextInt(5) == 0 ? null : anyKey(random, keySpace);
        boolean inclusive = random.nextBoolean();
        byte[] to = random.nextInt(3) == 0 ? null : anyKey(random, keySpace);
        NavigableMap<byte[], byte[]> expected = from == null ? model : model.tailMap(from, inclusive);
        if (to != null) {
            expected = from != null && Arrays.compareUnsigned(from, to) > 0 ? Collections.emptyNavigableMap()
                    : expected.headMap(to, false);
        }
        assertSameEntries(view, from, inclusive, to, expected);
    }

    /** The cursor over the range walks exactly {@code expected}'s entries (compared in step; described on failure). */
    private static void assertSameEntries(TreeView view, byte[] from, boolean inclusive, byte[] to,
            Map<byte[], byte[]> expected) {
        TreeCursor cursor = view.cursor(from, inclusive, to);
        for (Map.Entry<byte[], byte[]> entry : expected.entrySet()) {
            if (!cursor.next() || !Arrays.equals(cursor.key(), entry.getKey())
                    || !Arrays.equals(cursor.value(), entry.getValue())) {
                assertThat(entries(view.cursor(from, inclusive, to))).as("from %s (inclusive: %s) to %s",
                        Arrays.toString(from), inclusive, Arrays.toString(to)).containsExactlyElementsOf(entries(expected));
            }
        }
        require(!cursor.next(), "the range ends where the model's does");
    }

    /**
     * Keys of 0 to 4 bytes over a few byte values, including the lowest a key may hold (0x01: no key has a zero byte)
     * and bytes above 0x7F, so some are prefixes of others.
     */
    private static byte[] randomKey(Random random, int keySpace) {
        byte[] alphabet = {0x01, 0x31, 0x7F, (byte) 0x80, (byte) 0xFF};
        int n = random.nextInt(keySpace);
        byte[] key = new byte[n % 5];
        for (int i = 0, digits = n / 5; i < key.length; i++, digits /= alphabet.length) {
            key[i] = alphabet[digits % alphabet.length];
        }
        return key;
    }

    /** A range bound of either shape, whichever the tree holds: bounds that share no node's prefix are searched too. */
    private static byte[] anyKey(Random random, int keySpace) {
        return random.nextBoolean() ? randomLongKey(random, keySpace) : randomKey(random, keySpace);
    }

    /**
     * Tuple-like keys ({@code tuple,} then up to 12 {@code a}s, then up to 6 characters of a 4-letter alphabet): long
     * shared runs, and keys that differ only 9 or more bytes after what their node's keys share.
     */
    private static byte[] randomLongKey(Random random, int keySpace) {
        int n = random.nextInt(keySpace);
        StringBuilder key = new StringBuilder("tuple,").append("a".repeat(n % 13));
        for (int digits = n / 13, i = 0; i < 6 && digits > 0; i++, digits /= 4) {
            key.append("ab09".charAt(digits % 4));
        }
        return key.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> entries(TreeCursor cursor) {
        List<String> entries = new ArrayList<>();
        while (cursor.next()) {
            entries.add(Arrays.toString(cursor.key()) + "=" + new String(cursor.value(), StandardCharsets.ISO_8859_1));
        }
        assertThat(cursor.next()).isFalse();
        return entries;
    }

    private static List<String> entries(Map<byte[], byte[]> map) {
        List<String> entries = new ArrayList<>();
        map.forEach((k, v) -> entries.add(Arrays.toString(k) + "=" + new String(v, StandardCharsets.ISO_8859_1)));
        return entries;
    }

    /**
     * B+-tree invariants: keys ascending within a node and within the bounds its parent's separators set, every leaf
     * at the same depth, no empty node, no root branch with one child, and the size is the count of leaf entries.
     */
    static void checkStructure(TreeView view, int capacity) {
        TreeNode root = view.root();
        assertThat(root.leaf || root.count >= 2).as("root branch with fewer than two children").isTrue();
        int entries = check(root, view.height(), null, null, true);
        assertThat(entries).isEqualTo(view.size());
        assertThat(root.keys.length).isEqualTo(capacity);
    }

    private static int check(TreeNode node, int height, byte[] low, byte[] high, boolean isRoot) {
        require(node.leaf == (height == 0), "leaves only at depth height");
        require(isRoot || node.count > 0, "no empty node");
        int first = node.leaf ? 0 : 1;
        for (int i = first; i < node.count; i++) {
            require(i == first || Arrays.compareUnsigned(node.keys[i - 1], node.keys[i]) < 0, "keys ascending");
            require(node.keys[i].length >= node.prefix && Arrays.equals(node.keys[i], 0, node.prefix,
                    node.keys[first], 0, node.prefix), "every key starts with the node's prefix");
            require(node.heads[i] == TreeNode.head(node.keys[i], node.prefix), "each head is its key's");
            require(low == null || Arrays.compareUnsigned(node.keys[i], low) >= 0, "keys at or above the separator");
            require(high == null || Arrays.compareUnsigned(node.keys[i], high) < 0, "keys below the next separator");
        }
        for (int i = node.count; i < node.keys.length; i++) {
            require(node.keys[i] == null && node.slots[i] == null, "no reference past the last entry");
        }
        if (node.leaf) {
            return node.count;
        }
        int entries = 0;
        for (int i = 0; i < node.count; i++) {
            byte[] childLow = i == 0 ? low : node.keys[i];
            byte[] childHigh = i + 1 < node.count ? node.keys[i + 1] : high;
            entries += check(node.child(i), height - 1, childLow, childHigh, false);
        }
        return entries;
    }

    private static void require(boolean holds, String invariant) {
        if (!holds) {
            fail("broken invariant: " + invariant);
        }
    }

    private static Set<TreeNode> nodes(TreeView view) {
        Set<TreeNode> nodes = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(view.root(), nodes);
        return nodes;
    }

    private static void collect(TreeNode node, Set<TreeNode> nodes) {
        nodes.add(node);
        if (!node.leaf) {
            for (int i = 0; i < node.count; i++) {
                collect(node.child(i), nodes);
            }
        }
    }

    /** Entries per leaf slot over all leaves. */
    static double leafFill(TreeView view) {
        long leaves = nodes(view).stream().filter(n -> n.leaf).count();
        return view.size() / (double) (leaves * view.root().keys.length);
    }

    /** The fewest entries of a node other than the root (the capacity for a tree that is one leaf). */
    static int smallestNonRootNode(TreeView view) {
        return nodes(view).stream().filter(node -> node != view.root()).mapToInt(node -> node.count)
                .min().orElse(view.root().keys.length);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
