package tuplespace.node;

import java.util.OptionalLong;
import tuplespace.codec.frame.Frame;

/**
 * Work that may keep a node's event loop from its links for a second or more, which the node announces (BUSY) to the
 * proxy and to its peer before it starts it: the proxy takes a second of silence on a primary's link for a failed
 * primary, and a primary and its backup take a few seconds of each other's for a failed peer. An announcement allows
 * several times the work's time on a busy machine, and at least {@link Frame.Busy#MIN_MILLIS}; a peer that really
 * fails meanwhile is found that much later.
 */
final class BusyWork {

    /**
     * A request line this long: parsing and applying it takes the loop about 0.25 s per MiB, twice that with millions
     * of pairs and a busy machine. Announced for 1 ms per KB: four times that.
     */
    static final int LINE_BYTES = 256 * 1024;
    private static final int LINE_BYTES_PER_MILLI = 1_000;
    /**
     * A DELETE (on the primary) or a batch of entries (on a backup) changing this many pairs: removing 440,000 pairs
     * took a primary's loop 573 ms right after a restart, its code not yet compiled, about 1.3 µs a pair, and several
     * times that on a busy machine. Announced for 1 ms per 100 pairs: about seven times that.
     */
    static final int PAIRS = 50_000;
    private static final int PAIRS_PER_MILLI = 100;

    private BusyWork() {
    }

    /** How long to announce a request line of {@code bytes} for; empty for one the loop serves in passing. */
    static OptionalLong forLine(int bytes) {
        return bytes >= LINE_BYTES ? OptionalLong.of(Math.max(Frame.Busy.MIN_MILLIS, bytes / LINE_BYTES_PER_MILLI))
                : OptionalLong.empty();
    }

    /** How long to announce work changing {@code pairs} pairs for; empty for fewer than {@link #PAIRS}. */
    static OptionalLong forPairs(long pairs) {
        return pairs >= PAIRS ? OptionalLong.of(Math.max(Frame.Busy.MIN_MILLIS, pairs / PAIRS_PER_MILLI))
                : OptionalLong.empty();
    }
}
