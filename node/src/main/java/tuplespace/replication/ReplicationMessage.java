package tuplespace.replication;

import java.util.List;
import java.util.Objects;
import tuplespace.tuple.Pair;

/**
 * What travels between primary and backup (docs/internals.md "Primary ⇄ backup"). On the replication link
 * the primary sends a snapshot ({@link SnapshotBegin}, {@link SnapshotPairs}..., {@link SnapshotEnd})
 * interleaved with and followed by {@link Entries}; the backup answers {@link Ack}s once it has caught up.
 * On the heartbeat link both sides send {@link Heartbeat}s.
 */
public sealed interface ReplicationMessage permits ReplicationMessage.SnapshotBegin, ReplicationMessage.SnapshotPairs,
        ReplicationMessage.SnapshotEnd, ReplicationMessage.Entries, ReplicationMessage.Ack, ReplicationMessage.Stop,
        ReplicationMessage.Heartbeat {

    /** The snapshot starts at {@code index}; the answer table is copied whole (it is small). */
    record SnapshotBegin(long epoch, long index, long primaryPid, List<AnswerTable.Entry> answers)
            implements ReplicationMessage {
        public SnapshotBegin {
            answers = List.copyOf(answers);
        }
    }

    /** The next slice of pairs in key order, as they are now (a fuzzy snapshot: later entries fix it up). */
    record SnapshotPairs(List<Pair> pairs) implements ReplicationMessage {
        public SnapshotPairs {
            pairs = List.copyOf(pairs);
        }
    }

    /** Every pair was sent and every entry up to {@code index}: the copies are now equal ({@code digest}). */
    record SnapshotEnd(long index, long digest) implements ReplicationMessage {
    }

    /** Consecutive log entries; {@code digestAfter} is the primary's space digest after the last one. */
    record Entries(List<Replicated> entries, long digestAfter) implements ReplicationMessage {
        public Entries {
            entries = List.copyOf(entries);
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("expected at least one entry in a batch, found none");
            }
        }
    }

    /** Cumulative: the backup applied everything up to {@code index}; its own digest and pid for STATUS. */
    record Ack(long index, long digest, long backupPid) implements ReplicationMessage {
    }

    /** The service shuts down: the backup exits with status 0 (SPEC §4). */
    record Stop(String reason) implements ReplicationMessage {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Liveness on the heartbeat link; {@code pid} identifies the sender. */
    record Heartbeat(long pid) implements ReplicationMessage {
    }
}
