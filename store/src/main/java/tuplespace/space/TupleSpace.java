package tuplespace.space;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import tuplespace.pattern.MatchBudget;
import tuplespace.pattern.MatchBudgetExceededException;
import tuplespace.pattern.PatternException;
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
 */
public final class TupleSpace {

    private final TreeMap<String, Pair> pairs = new TreeMap<>(Tuple::compareCodePoints);
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
            store(pair);
        }
    }

    public int size() {
        return pairs.size();
    }

    public Optional<Tuple> valueOf(Tuple key) {
        Pair pair = pairs.get(key.text());
        return pair == null ? Optional.empty() : Optional.of(pair.value());
    }

    /** Every pair, in ascending order of the key's text form. A read-only view: do not hold it across updates. */
    public Collection<Pair> pairs() {
        return Collections.unmodifiableCollection(pairs.values());
    }

    /**
     * Up to {@code max} pairs whose key's text form follows {@code afterKey} (null: from the start), in
     * order. Lets a snapshot be taken in bounded slices without stopping the owner thread for long.
     */
    public List<Pair> slice(String afterKey, int max) {
        SortedMap<String, Pair> tail = afterKey == null ? pairs : pairs.tailMap(afterKey, false);
        List<Pair> slice = new ArrayList<>(Math.min(max, tail.size()));
        for (Pair pair : tail.values()) {
            if (slice.size() == max) {
                break;
            }
            slice.add(pair);
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
            for (Pair pair : candidates(keyPattern)) {
                if (keyPattern.fullMatches(pair.key().text(), budget)
                        && valuePattern.fullMatches(pair.value().text(), budget)) {
                    found.add(pair);
                }
            }
            return Result.Matched.of(found);
        } catch (MatchBudgetExceededException e) {
            return Result.Matched.warning(e.getMessage());
        }
    }

    /** The pairs a key pattern can match: one key, one range of keys, or all of them. */
    private Collection<Pair> candidates(PyPattern keyPattern) {
        Optional<String> literal = keyPattern.literal();
        if (literal.isPresent()) {
            Pair pair = pairs.get(literal.get());
            return pair == null ? List.of() : List.of(pair);
        }
        String prefix = keyPattern.literalPrefix();
        if (prefix.isEmpty()) {
            return pairs.values();
        }
        return keysStartingWith(prefix).values();
    }

    private SortedMap<String, Pair> keysStartingWith(String prefix) {
        // Every string that starts with prefix sorts between prefix and prefix + U+10FFFF (code-point order).
        return pairs.subMap(prefix, true, prefix + Character.toString(Character.MAX_CODE_POINT), true);
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
            if (pair.isEmpty() || pairs.containsKey(pair.get().key().text()) != !addAbsent) {
                notUsed.add(i);
                continue;
            }
            store(pair.get());
            written.add(pair.get());
        }
        return new Outcome(new Result.NotUsed(notUsed), new Effect(List.of(), written));
    }

    private void store(Pair pair) {
        Pair previous = pairs.put(pair.key().text(), pair);
        if (previous != null) {
            digest.remove(previous);
        }
        digest.add(pair);
    }

    private void remove(String keyText) {
        Pair previous = pairs.remove(keyText);
        if (previous != null) {
            digest.remove(previous);
        }
    }

    /** Test and tooling access to the map's entries without copying. */
    Map<String, Pair> entries() {
        return Collections.unmodifiableMap(pairs);
    }
}
