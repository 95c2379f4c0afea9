package tuplespace.pattern;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded cache of compile outcomes keyed by pattern source, without a lock: every thread that compiles patterns
 * (a node's event loop, its scan thread) reads it on every GET and DELETE, so it must cost a hash and one array read,
 * not a monitor. Direct-mapped: a source has one slot (by its hash); a new source in a taken slot replaces the old
 * one. Entries are immutable and published whole, so a reader sees either the old or the new entry, never a torn
 * one; two threads compiling the same new source at once both compile it (the same outcome) and one entry stays.
 * Refusals are cached too, since a client that sends a bad pattern tends to send it again.
 */
final class PatternCache {
    /** Either a compiled pattern or the refusal; exactly one is non-null. */
    record Outcome(PyPattern pattern, PatternException refusal) { }

    private record Entry(String source, Outcome outcome) { }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;

    /** A cache of {@code capacity} slots, rounded up to a power of two. */
    PatternCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: expected at least 1, found " + capacity);
        }
        int slotCount = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        this.slots = new AtomicReferenceArray<>(slotCount);
        this.mask = slotCount - 1;
    }

    /** The outcome cached for {@code source}, or null. */
    Outcome get(String source) {
        Entry entry = slots.getAcquire(slot(source));
        return entry != null && entry.source.equals(source) ? entry.outcome : null;
    }

    void put(String source, Outcome outcome) {
        slots.setRelease(slot(source), new Entry(source, outcome));
    }

    /** Sources cached now. */
    int size() {
        int size = 0;
        for (int i = 0; i < slots.length(); i++) {
            size += slots.getAcquire(i) != null ? 1 : 0;
        }
        return size;
    }

    private int slot(String source) {
        int hash = source.hashCode();
        return (hash ^ (hash >>> 16)) & mask;
    }
}
