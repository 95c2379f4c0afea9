package tuplespace.space;

import java.nio.charset.StandardCharsets;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import tuplespace.pattern.MatchBudget;
import tuplespace.pattern.MatchBudgetExceededException;
import tuplespace.pattern.PatternException;
import tuplespace.pattern.PatternNotes;
import tuplespace.pattern.PyPattern;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * The tuple space: a pure, deterministic, single-threaded state machine (SPEC §1).
 *
 * <p>{@link #apply} evaluates a command and applies it; {@link #applyEffect} replays what an update changed,
 * which is all the backup ever does. Neither does I/O, reads a clock (the match budget's clock is the
 * caller's) or takes a lock: one thread owns an instance.
 *
 * <p>Pairs are kept in a sorted map keyed by the key's text form in code-point order, which is the order
 * GET and DELETE answer in, and lets a pattern with a literal key (or literal key prefix) look up one
 * key (or scan one range) instead of the whole space.
 *
 * <p>Memory: the map holds the key's and the value's text forms as UTF-8 byte arrays, one map entry and two
 * arrays per pair (112 bytes for a key {@code bench,123456} and a 20-letter value, where two strings cost 48 more);
 * keys are matched in place ({@link AsciiSubject}), and strings, {@link Pair}s and {@link Tuple}s are made only for a
 * value whose key matched and for what an answer returns. UTF-8 keeps
 * the order for free: unsigned byte order of UTF-8 is code-point order (surrogate pairs included), and a key
 * starts with a prefix exactly when its bytes start with the prefix's bytes.
 */
public final class TupleSpace {

    /** Key text form to value text form, both in UTF-8, in code-point order of the key. */
    private final TreeMap<byte[], byte[]> pairs = new TreeMap<>(Arrays::compareUnsigned);
    private final SpaceDigest digest = new SpaceDigest();

    public Outcome apply(Command command, MatchBudget budget) {
        if (command instanceof Command.Get get) {
            return new Outcome(find(get.keyexp(), get.valexp(), budget), Effect.NONE);
        }
        if (command instanceof Command.Delete delete) {
            return delete(delete, budget);
        }
        if (command instanceof Command.Put put) {
            return write(put.pairs(), true);
        }
        if (command instanceof Command.Post post) {
            return write(post.pairs(), false);
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    /** Replays an update decided elsewhere: removes, then writes, in order. */
    public void applyEffect(Effect effect) {
        for (Tuple key : effect.removed()) {
            remove(key.text());
        }
        for (Pair pair : effect.written()) {
            store(pair.key().text(), pair.value().text());
        }
    }

    public int size() {
        return pairs.size();
    }

    public Optional<Tuple> valueOf(Tuple key) {
        byte[] value = pairs.get(utf8(key.text()));
        return value == null ? Optional.empty() : Optional.of(Tuple.parse(text(value)));
    }

    /** Every pair, in ascending order of the key's text form. A read-only view: do not hold it across updates. */
    public Collection<Pair> pairs() {
        return asPairs(pairs);
    }

    /**
     * Up to {@code max} pairs whose key's text form follows {@code afterKey} (null: from the start), in
     * order. Lets a snapshot be taken in bounded slices without stopping the owner thread for long.
     */
    public List<Pair> slice(String afterKey, int max) {
        SortedMap<byte[], byte[]> tail = afterKey == null ? pairs : pairs.tailMap(utf8(afterKey), false);
        List<Pair> slice = new ArrayList<>(Math.max(0, Math.min(max, 1024)));
        for (Map.Entry<byte[], byte[]> entry : tail.entrySet()) {
            if (slice.size() >= max) {
                break;
            }
            slice.add(pair(entry));
        }
        return slice;
    }

    /**
     * A digest of the whole state, kept up to date on every change in O(1): equal spaces have equal
     * digests whatever order they were built in. Replication tests compare primary and backup with it.
     */
    public long digest() {
        return digest.value();
    }

    private Result.Matched find(String keyexp, String valexp, MatchBudget budget) {
        if (isPlainLiteral(keyexp)) {
            return findByLiteralKey(keyexp, valexp, budget);
        }
        PyPattern keyPattern;
        PyPattern valuePattern;
        try {
            keyPattern = PyPattern.compile(keyexp);
        } catch (PatternException e) {
            return Result.Matched.warning(patternWarning("keyexp", e));
        }
        try {
            valuePattern = PyPattern.compile(valexp);
        } catch (PatternException e) {
            return Result.Matched.warning(patternWarning("valexp", e));
        }
        try {
            List<Pair> found = new ArrayList<>();
            AsciiSubject subject = new AsciiSubject();
            for (Map.Entry<byte[], byte[]> entry : candidates(keyPattern)) {
                CharSequence key = subject.of(entry.getKey());
                if (keyPattern.fullMatches(key, budget)) {
                    String value = text(entry.getValue());
                    if (valuePattern.fullMatches(value, budget)) {
                        found.add(new Pair(Tuple.parse(key.toString()), Tuple.parse(value)));
                    }
                }
            }
            return Result.Matched.of(found, PatternNotes.of(keyPattern, valuePattern));
        } catch (MatchBudgetExceededException e) {
            return Result.Matched.warning(e.getMessage());
        }
    }

    /**
     * GET/DELETE of one exact key, the commonest read: a key pattern of letters, digits and commas only is a
     * literal in Python's {@code re} (none of them is special outside an escape, and flags need a group), so its
     * only full match is itself and it needs no compiling: a map lookup. Compiling it would cost more than the
     * rest of the request, and distinct keys would churn the pattern cache. The value pattern is compiled as ever.
     */
    private Result.Matched findByLiteralKey(String key, String valexp, MatchBudget budget) {
        PyPattern valuePattern;
        try {
            valuePattern = PyPattern.compile(valexp);
        } catch (PatternException e) {
            return Result.Matched.warning(patternWarning("valexp", e));
        }
        try {
            byte[] stored = pairs.get(utf8(key));
            String value = stored == null ? null : text(stored);
            if (value == null || !valuePattern.fullMatches(value, budget)) {
                return Result.Matched.of(List.of(), PatternNotes.ofValuePattern(valuePattern));
            }
            return Result.Matched.of(List.of(new Pair(Tuple.parse(key), Tuple.parse(value))),
                    PatternNotes.ofValuePattern(valuePattern));
        } catch (MatchBudgetExceededException e) {
            return Result.Matched.warning(e.getMessage());
        }
    }

    /**
     * True when {@code keyexp} is non-empty, within {@link PyPattern#MAX_PATTERN_LENGTH} (a longer one must be
     * refused as too long) and made of tuple-alphanumeric code points and commas only.
     */
    static boolean isPlainLiteral(String keyexp) {
        if (keyexp.isEmpty() || keyexp.length() > PyPattern.MAX_PATTERN_LENGTH) {
            return false;
        }
        for (int i = 0; i < keyexp.length(); ) {
            int codePoint = keyexp.codePointAt(i);
            if (codePoint != ',' && !Tuple.isAlphanumeric(codePoint)) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    /** The pairs a key pattern can match: one key, one range of keys, or all of them. */
    private Collection<Map.Entry<byte[], byte[]>> candidates(PyPattern keyPattern) {
        Optional<String> literal = keyPattern.literal();
        if (literal.isPresent()) {
            byte[] key = utf8(literal.get());
            byte[] value = pairs.get(key);
            return value == null ? List.of() : List.of(Map.entry(key, value));
        }
        String prefix = keyPattern.literalPrefix();
        if (prefix.isEmpty()) {
            return pairs.entrySet();
        }
        return keysStartingWith(prefix).entrySet();
    }

    private SortedMap<byte[], byte[]> keysStartingWith(String prefix) {
        // A key starts with prefix exactly when its UTF-8 does; those keys sort from the prefix's bytes up to,
        // not including, those bytes and then 0xFF, a byte UTF-8 never holds.
        byte[] from = utf8(prefix);
        byte[] to = Arrays.copyOf(from, from.length + 1);
        to[from.length] = (byte) 0xFF;
        return pairs.subMap(from, true, to, false);
    }

    private static String patternWarning(String which, PatternException e) {
        return switch (e.kind()) {
            case INVALID -> which + " is not a valid Python regular expression: " + e.getMessage();
            case UNSUPPORTED -> which + " uses a construct this service does not support: " + e.getMessage();
            case TOO_LONG -> which + " is too long: " + e.getMessage();
        };
    }

    private Outcome delete(Command.Delete delete, MatchBudget budget) {
        // Decide the whole effect before changing anything: a budget that runs out half-way removes nothing.
        Result.Matched matched = find(delete.keyexp(), delete.valexp(), budget);
        List<Tuple> removed = new ArrayList<>(matched.pairs().size());
        for (Pair pair : matched.pairs()) {
            removed.add(pair.key());
        }
        Effect effect = new Effect(removed, List.of());
        applyEffect(effect);
        return new Outcome(matched, effect);
    }

    /** PUT ({@code addAbsent}) adds pairs whose key is absent; POST updates pairs whose key is present. */
    private Outcome write(List<Optional<Pair>> given, boolean addAbsent) {
        List<Integer> notUsed = new ArrayList<>();
        List<Pair> written = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            Optional<Pair> pair = given.get(i);
            // SPEC §1: PUT uses a pair whose key is absent, POST one whose key is present, in list order, so a
            // key given twice in one PUT is added once and the second is not used.
            if (pair.isEmpty() || containsKey(pair.get().key().text()) == addAbsent) {
                notUsed.add(i);
                continue;
            }
            store(pair.get().key().text(), pair.get().value().text());
            written.add(pair.get());
        }
        return new Outcome(new Result.NotUsed(notUsed), new Effect(List.of(), written));
    }

    /** Sets key to value; package-private so that {@link SpaceFile} can fill a space without copies. */
    void store(String keyText, String valueText) {
        byte[] previous = pairs.put(utf8(keyText), utf8(valueText));
        if (previous != null) {
            digest.remove(keyText, previous);
        }
        digest.add(keyText, valueText);
    }

    boolean containsKey(String keyText) {
        return pairs.containsKey(utf8(keyText));
    }

    private void remove(String keyText) {
        byte[] previous = pairs.remove(utf8(keyText));
        if (previous != null) {
            digest.remove(keyText, previous);
        }
    }

    /** How a text form is stored. Tuples hold well-formed UTF-16 only (a lone surrogate is no letter). */
    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A stored text form as a string: for ASCII a check and a copy (the JDK's fast path). */
    private static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** A pair for an answer; the stored text forms were validated when they came in, so parsing takes its fast path. */
    private static Pair pair(Map.Entry<byte[], byte[]> entry) {
        return new Pair(Tuple.parse(text(entry.getKey())), Tuple.parse(text(entry.getValue())));
    }

    private static Collection<Pair> asPairs(TreeMap<byte[], byte[]> map) {
        Collection<Map.Entry<byte[], byte[]>> entries = Collections.unmodifiableMap(map).entrySet();
        return new AbstractCollection<>() {
            @Override
            public Iterator<Pair> iterator() {
                Iterator<Map.Entry<byte[], byte[]>> iterator = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return iterator.hasNext();
                    }

                    @Override
                    public Pair next() {
                        return pair(iterator.next());
                    }
                };
            }

            @Override
            public int size() {
                return entries.size();
            }
        };
    }
}
