package tuplespace.space;

import java.nio.charset.StandardCharsets;
import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * How the space stores a pair, and reads stored pairs back as {@link Pair}s: key text form to value text form, both
 * in UTF-8. UTF-8 keeps the order for free: unsigned byte order of UTF-8 is code-point order (surrogate pairs
 * included), and a key starts with a prefix exactly when its bytes start with the prefix's bytes. Shared by the live
 * space and its snapshots.
 */
final class StoredPairs {

    private StoredPairs() {
    }

    /** How a text form is stored. Tuples hold well-formed UTF-16 only (a lone surrogate is no letter). */
    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A stored text form as a string: for ASCII a check and a copy (the JDK's fast path). */
    static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** A pair for an answer; the stored text forms were validated when they came in, so parsing takes its fast path. */
    static Pair pair(byte[] key, byte[] value) {
        return new Pair(Tuple.parseUtf8(key), Tuple.parseUtf8(value)); // the stored arrays are never changed
    }

    /**
     * The first key after every key that starts with {@code prefix}: the prefix's bytes and then 0xFF, a byte UTF-8
     * never holds. The keys starting with the prefix are those from the prefix up to, not including, this.
     */
    static byte[] afterPrefix(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length + 1);
        end[prefix.length] = (byte) 0xFF;
        return end;
    }

    /** The pairs of the view {@code pairs} gives when asked (on iterating, on asking the size), in key order. */
    static Collection<Pair> asCollection(Supplier<TreeView> pairs) {
        return new AbstractCollection<>() {
            @Override
            public Iterator<Pair> iterator() {
                TreeCursor cursor = pairs.get().cursor();
                return new Iterator<>() {
                    private boolean ahead;
                    private boolean more;

                    @Override
                    public boolean hasNext() {
                        if (!ahead) {
                            more = cursor.next();
                            ahead = true;
                        }
                        return more;
                    }

                    @Override
                    public Pair next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        ahead = false;
                        return pair(cursor.key(), cursor.value());
                    }
                };
            }

            @Override
            public int size() {
                return pairs.get().size();
            }
        };
    }
}
