package tuplespace.pattern;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded LRU of compile outcomes keyed by pattern source. Refusals are cached too, since a client that
 * sends a bad pattern tends to send it again. Thread-safe through a synchronized map: entries are immutable
 * and a lookup is short, so contention is negligible next to matching.
 */
final class PatternCache {
    /** Either a compiled pattern or the refusal; exactly one is non-null. */
    record Outcome(PyPattern pattern, PatternException refusal) { }

    private final Map<String, Outcome> entries;

    PatternCache(int capacity) {
        this.entries = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
                return size() > capacity;
            }
        });
    }

    Outcome get(String source) {
        return entries.get(source);
    }

    void put(String source, Outcome outcome) {
        entries.put(source, outcome);
    }

    int size() {
        return entries.size();
    }
}
