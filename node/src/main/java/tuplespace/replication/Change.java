package tuplespace.replication;

import java.util.Objects;
import tuplespace.codec.Utf8Text;
import tuplespace.space.Effect;

/**
 * What one replication entry changes in a node's state: the space (an {@link Effect}, pattern-free, as the primary
 * decided it) and the answer table that makes updates exactly-once across a failover
 * (docs/design.md "What is replicated"). Every change is absolute (sets or removes by key), so replaying a suffix over
 * a fuzzy snapshot is exact.
 */
public sealed interface Change permits Change.Applied, Change.Closed {

    /**
     * An update on client connection {@code conn}, request {@code seq}: its effect and the answer it got. It
     * also carries the request's {@code floor} (the proxy delivered every answer up to it on {@code conn}), so
     * the remembered answers up to it go with no entry of their own: one entry per update. A read's answer that
     * an update on its connection follows before it is known delivered travels as an {@code Applied} with an
     * empty effect, just before that update (docs/design.md "What is replicated": the same answer after a failover).
     */
    record Applied(long conn, long seq, long floor, Effect effect, Utf8Text answer) implements Change {
        public Applied {
            Objects.requireNonNull(effect, "effect");
            Objects.requireNonNull(answer, "answer");
            checkRequest(seq, floor);
        }

        /** A request's seq is at least 1, and its floor below it. */
        static void checkRequest(long seq, long floor) {
            if (seq < 1) {
                throw new IllegalArgumentException("expected a request seq >= 1, found " + seq);
            }
            if (floor < 0 || floor >= seq) {
                throw new IllegalArgumentException("expected a floor from 0 to seq - 1 (" + (seq - 1) + "), found " + floor);
            }
        }
    }

    /** The client connection {@code conn} closed: all its entries may go. */
    record Closed(long conn) implements Change {
    }
}
