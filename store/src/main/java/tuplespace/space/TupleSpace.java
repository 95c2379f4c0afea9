package tuplespace.space;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import tuplespace.pattern.CutOff;
import tuplespace.pattern.MatchBudget;
import tuplespace.tuple.Pair;
import tuplespace.tuple.Tuple;

/**
 * The tuple space: a pure, deterministic, single-threaded state machine
 * (docs/internals.md "The state machine (store)").
 *
 * <p>{@link #apply} evaluates a command and applies it; {@link #applyEffect} replays what an update changed,
 * which is all the backup ever does. Neither does I/O, reads a clock (the match budget's clock is the
 * caller's) or takes a lock: one thread, the owner, calls every method of an instance. Other threads read the space
 * only through a {@link SpaceSnapshot}, which {@link #snapshot()} takes in O(1) and which never changes afterwards.
 *
 * <p>Pairs are kept in a sorted map ({@link ByteTree}, a copy-on-write B+-tree) from the key's text form to the
 * value's, both in UTF-8 ({@link StoredPairs}), in code-point order of the key: the order GET and DELETE answer in,
 * and one that lets a pattern with a literal key (or literal key prefix) look up one key (or scan one range) instead
 * of the whole space ({@link Query}, shared with snapshots).
 *
 * <p>Memory: two byte arrays per pair and two references in a tree leaf, about 82 bytes for a key {@code
 * bench,123456} and a 20-letter value (72 of them the two arrays; a {@code TreeMap} entry cost 40 more).
 */
public final class TupleSpace {

    /** {@link #applyEffect(NetEffect)} walks the pairs when it changes at least one in this many (one per leaf). */
    static final int WALK_EVERY = ByteTree.CAPACITY;

    private final ByteTree pairs;
    private final SpaceDigest digest;
    /** Open {@link ChangeRecorder}s, each told of every key written or removed. Usually none. */
    private final List<ChangeRecorder> recorders = new ArrayList<>(0);

    public TupleSpace() {
        this(new ByteTree(), new SpaceDigest());
    }

    /** A space over pairs already stored, and their digest: {@link SpaceLoader}'s. */
    TupleSpace(ByteTree pairs, SpaceDigest digest) {
        this.pairs = pairs;
        this.digest = digest;
    }

    public Outcome apply(Command command, MatchBudget budget) {
        if (command instanceof Command.Get get) {
            return new Outcome(Query.of(get.keyexp(), get.valexp()).find(pairs.view(), budget), Effect.NONE);
        }
        if (command instanceof Command.Delete delete) {
            // Decide the whole effect before changing anything: a request cut off half-way removes nothing.
            return remove(Query.of(delete.keyexp(), delete.valexp()).find(pairs.view(), budget));
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
            removed(key.utf8(), pairs.remove(key.utf8()));
        }
        for (Pair pair : effect.written()) {
            store(pair.key(), pair.value());
        }
    }

    /**
     * Applies a {@link NetEffect}: the state is what applying the effects it sums up one by one would leave. When it
     * touches at least one key in {@value #WALK_EVERY} of the space's, walks the pairs and the effect's keys side by
     * side, in key order ({@link TreeCursor#seek}: a leaf that ends before the next key is stepped over whole, the
     * leaf it is in searched), and sets each present key's new value in place, with no search from the root; then
     * writes the keys it adds, and the present keys of leaves a snapshot holds, and removes the keys it removes that
     * are present, one by one (a walk cannot change a tree's shape). A sparser effect is applied key by key: a walk
     * would step through more pairs than its searches cost. How a restart replays its log over its snapshot: mostly
     * updates of present keys.
     */
    public void applyEffect(NetEffect effect) {
        NetEffect.Cursor keys = effect.cursor();
        List<byte[]> laterKeys = new ArrayList<>();
        List<byte[]> laterValues = new ArrayList<>();
        boolean walk = (long) effect.keys() * WALK_EVERY >= pairs.size();
        TreeCursor stored = pairs.cursor();
        boolean more = walk && stored.next();
        for (; keys.more(); keys.next()) {
            byte[] key = keys.key();
            byte[] value = keys.value();
            int order = more ? Arrays.compareUnsigned(stored.key(), key) : -1;
            if (order < 0 && more) {
                more = stored.seek(key);
                order = more ? Arrays.compareUnsigned(stored.key(), key) : -1;
            }
            boolean present = more && order == 0;
            if (present && value != null && pairs.setValue(stored, value)) {
                changed(key, value, stored.value());
            } else if (!walk || present || value != null) { // the walk showed a removed key absent: nothing to do
                laterKeys.add(key);
                laterValues.add(value);
            }
        }
        for (int i = 0; i < laterKeys.size(); i++) {
            byte[] key = laterKeys.get(i);
            byte[] value = laterValues.get(i);
            if (value != null) {
                changed(key, value, pairs.put(key, value));
            } else {
                removed(key, pairs.remove(key));
            }
        }
    }

    public int size() {
        return pairs.size();
    }

    public Optional<Tuple> valueOf(Tuple key) {
        byte[] value = pairs.get(key.utf8());
        return value == null ? Optional.empty() : Optional.of(Tuple.parse(StoredPairs.text(value)));
    }

    /** Every pair, in ascending order of the key's text form. A read-only view: do not hold it across updates. */
    public Collection<Pair> pairs() {
        return StoredPairs.asCollection(pairs::view);
    }

    /** The tree as it is now, for the owner thread (tests look at its shape: how full its leaves are). */
    TreeView view() {
        return pairs.view();
    }

    /**
     * A digest of the whole state, kept up to date on every change in O(1): equal spaces have equal
     * digests whatever order they were built in. Replication tests compare primary and backup with it.
     */
    public long digest() {
        return digest.value();
    }

    /**
     * The space as it is now, in O(1), for any thread to read while this one goes on applying updates. Writes after it
     * copy the tree nodes they change (once per node and snapshot), so holding a snapshot costs memory in proportion
     * to what changed since.
     */
    public SpaceSnapshot snapshot() {
        return new SpaceSnapshot(pairs.snapshot(), digest.value());
    }

    /**
     * Takes a snapshot and records, from that point on, every key written or removed, until the recorder is closed:
     * what {@link #deleteFound} needs to apply a DELETE whose candidates were found on the snapshot.
     */
    public ChangeRecorder recordChanges() {
        ChangeRecorder recorder = new ChangeRecorder(this, snapshot());
        recorders.add(recorder);
        return recorder;
    }

    /**
     * DELETE in two steps, for one too large to evaluate on the owner thread. {@code found} is what
     * {@code changes.snapshot().find(delete.keyexp(), delete.valexp(), ...)} answered (on any thread); now, at one point
     * of the serving order, the DELETE takes effect and removes exactly the pairs that match <em>now</em>: those found
     * whose key has not changed since the snapshot (their value is the same, so they still match), and the keys changed
     * since that are present and match now, checked again within {@code budget}. The answer lists them in key order
     * with their values now. An answer found cut off or with a refused pattern is the answer, and removes nothing; so
     * does a cut-off while checking again. Once the DELETE takes effect (even removing nothing) {@code changes} is
     * closed before anything is removed: its own removals need no recording (a DELETE of a million pairs put each of
     * them in its set). After a cut-off it stays open: the caller closes it.
     *
     * @throws IllegalArgumentException when {@code changes} records another space
     * @throws IllegalStateException when {@code changes} was closed (changes since would be missed)
     */
    public Outcome deleteFound(Command.Delete delete, Result.Matched found, ChangeRecorder changes, MatchBudget budget) {
        if (!changes.belongsTo(this)) {
            throw new IllegalArgumentException("expected a recorder of this space, found one of another");
        }
        if (!changes.isOpen()) {
            throw new IllegalStateException("expected an open recorder, found a closed one: changes since were missed");
        }
        if (found.cutOff() != CutOff.NONE) {
            return new Outcome(found, Effect.NONE);
        }
        if (changes.changedKeyCount() == 0) {
            // nothing changed since the snapshot (the usual case): what was found is what matches now, as it is
            changes.close();
            return remove(found);
        }
        // A refused pattern was refused on the snapshot too (found is empty): the refusal is all there is to answer.
        Result.Matched changed = Query.of(delete.keyexp(), delete.valexp())
                .findAmong(pairs.view(), changes.keys(), budget);
        if (changed.cutOff() != CutOff.NONE) {
            return new Outcome(changed, Effect.NONE);
        }
        List<Pair> unchanged = new ArrayList<>(found.pairs().size());
        for (Pair pair : found.pairs()) {
            if (!changes.changed(pair.key().utf8())) {
                unchanged.add(pair);
            }
        }
        changes.close();
        return remove(new Result.Matched(inKeyOrder(unchanged, changed.pairs()), changed.warning(), found.note(), CutOff.NONE));
    }

    /**
     * Removes the pairs of {@code matched}, which are present; the outcome answers them. Straight from the stored bytes
     * where the match holds them: no value is parsed, no {@code Pair} made.
     */
    private Outcome remove(Result.Matched matched) {
        List<Tuple> removed = new ArrayList<>(matched.pairs().size());
        matched.forEachUtf8((key, value) -> {
            removed.add(Tuple.parseUtf8(key)); // the stored array: never changed, so the tuple may keep it
            removed(key, pairs.remove(key));
        });
        return new Outcome(matched, new Effect(removed, List.of()));
    }

    /** Two lists of pairs in key order, with no key in both, as one. */
    private static List<Pair> inKeyOrder(List<Pair> a, List<Pair> b) {
        List<Pair> merged = new ArrayList<>(a.size() + b.size());
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            boolean takeA = j == b.size() || i < a.size() && a.get(i).key().compareTo(b.get(j).key()) < 0;
            merged.add(takeA ? a.get(i++) : b.get(j++));
        }
        return merged;
    }

    /** PUT ({@code addAbsent}) adds pairs whose key is absent; POST updates pairs whose key is present. */
    private Outcome write(List<Optional<Pair>> given, boolean addAbsent) {
        List<Integer> notUsed = new ArrayList<>();
        List<Pair> written = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            Optional<Pair> pair = given.get(i);
            // docs/protocol.md "The data": PUT uses a pair whose key is absent, POST one whose key is present, in list
            // order, so a key given twice in one PUT is added once and the second is not used.
            if (pair.isEmpty() || !write(pair.get().key(), pair.get().value(), addAbsent)) {
                notUsed.add(i);
                continue;
            }
            written.add(pair.get());
        }
        return new Outcome(new Result.NotUsed(notUsed), new Effect(List.of(), written));
    }

    /** Adds an absent key ({@code addAbsent}) or updates a present one, in one lookup; true when it did. */
    private boolean write(Tuple key, Tuple value, boolean addAbsent) {
        // The tuples' own UTF-8 arrays are stored: a tuple never changes them (encoded once, when it was made).
        byte[] previous = addAbsent ? pairs.putIfAbsent(key.utf8(), value.utf8()) : pairs.replace(key.utf8(), value.utf8());
        if ((previous == null) != addAbsent) {
            return false;
        }
        changed(key.utf8(), value.utf8(), previous);
        return true;
    }

    /** Sets key to value; package-private so that {@link SpaceFile} can fill a space without copies. */
    void store(Tuple key, Tuple value) {
        changed(key.utf8(), value.utf8(), pairs.put(key.utf8(), value.utf8()));
    }

    /** Keeps the digest and the open recorders up to date with a key now set to a value (replacing {@code previous}). */
    private void changed(byte[] key, byte[] value, byte[] previous) {
        if (previous != null) {
            digest.remove(key, previous);
        }
        digest.add(key, value);
        recordChange(key);
    }

    boolean containsKey(String keyText) {
        return pairs.get(StoredPairs.utf8(keyText)) != null;
    }

    /** Keeps the digest and the open recorders up to date with a key removed ({@code previous}: its value, or null). */
    private void removed(byte[] key, byte[] previous) {
        if (previous != null) {
            digest.remove(key, previous);
            recordChange(key);
        }
    }

    private void recordChange(byte[] key) {
        for (int i = 0; i < recorders.size(); i++) {
            recorders.get(i).record(key);
        }
    }

    void stopRecording(ChangeRecorder recorder) {
        recorders.remove(recorder);
    }
}
