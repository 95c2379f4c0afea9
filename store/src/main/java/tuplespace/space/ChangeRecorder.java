package tuplespace.space;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The keys written or removed in a {@link TupleSpace} since a snapshot of it: what a DELETE whose candidates were
 * found on that snapshot must look at again when it takes effect ({@link TupleSpace#deleteFound}). Made by
 * {@link TupleSpace#recordChanges()}, which takes the snapshot and starts recording at the same point; from then on
 * every key that {@code apply} or {@code applyEffect} writes or removes is recorded, until {@link #close()}. While no
 * recorder is open, writes pay nothing for this.
 *
 * <p>Owner thread only, like the space: only {@link #snapshot()} may be handed to another thread.
 */
public final class ChangeRecorder implements AutoCloseable {

    private final TupleSpace space;
    private final SpaceSnapshot snapshot;
    private final NavigableSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
    private boolean open = true;

    ChangeRecorder(TupleSpace space, SpaceSnapshot snapshot) {
        this.space = space;
        this.snapshot = snapshot;
    }

    /** The space as it was when recording started: the point the recorded changes are counted from. */
    public SpaceSnapshot snapshot() {
        return snapshot;
    }

    /** How many distinct keys were written or removed since the snapshot. */
    public int changedKeyCount() {
        return keys.size();
    }

    public boolean isOpen() {
        return open;
    }

    /** Stops recording (the space forgets this recorder). Closing twice is harmless. */
    @Override
    public void close() {
        if (open) {
            open = false;
            space.stopRecording(this);
        }
    }

    boolean belongsTo(TupleSpace owner) {
        return space == owner;
    }

    void record(byte[] keyUtf8) {
        keys.add(keyUtf8);
    }

    boolean changed(byte[] keyUtf8) {
        return keys.contains(keyUtf8);
    }

    /** The changed keys (UTF-8 text forms), ascending. */
    Collection<byte[]> keys() {
        return Collections.unmodifiableSet(keys);
    }
}
