package tuplespace.replication;

import java.util.List;
import java.util.Objects;
import tuplespace.tuple.Pair;

/**
 * What travels between primary and backup (docs/internals.md "Primary ⇄ backup"). On the replication link
 * the primary sends a snapshot ({@link SnapshotBegin}, {@link SnapshotAnswers}..., {@link SnapshotPairs}...,
 * {@link SnapshotEnd})
 * interleaved with and followed by {@link Entries}; the backup answers {@link Ack}s once it has caught up.
 * On the heartbeat link both sides send {@link Heartbeat}s.
 */
public sealed interface ReplicationMessage permits ReplicationMessage.SnapshotBegin, ReplicationMessage.SnapshotAnswers,
        ReplicationMessage.SnapshotPairs,
        ReplicationMessage.SnapshotEnd, ReplicationMessage.Entries, ReplicationMessage.Ack, ReplicationMessage.Stop,
        ReplicationMessage.Heartbeat {

    /**
     * The snapshot starts at {@code index}; the answer table as of that index follows in {@link SnapshotAnswers}.
     * {@code heartbeatSap} is where the primary listens for the backup's heartbeat link (on its own host). With
     * {@code resume} (after a switchover) no table and no pairs follow: the backup is the old primary, which holds the
     * state at {@code index} already; the entries after it and the {@link SnapshotEnd} do.
     */
    record SnapshotBegin(long epoch, long index, long primaryPid, String heartbeatSap, boolean resume)
            implements ReplicationMessage {
        public SnapshotBegin {
            Objects.requireNonNull(heartbeatSap, "heartbeatSap");
        }
    }

    /**
     * Part of the answer table as of the snapshot's index, right after {@link SnapshotBegin} and before anything
     * else: an answer may hold up to 256 MiB, so the table goes in bounded chunks ({@link #chunks}).
     */
    record SnapshotAnswers(List<AnswerTable.Entry> answers) implements ReplicationMessage {
        public SnapshotAnswers {
            answers = List.copyOf(answers);
        }

        /** Splits {@code answers} into messages of at most {@code maxBytes} encoded, unless one entry alone is larger. */
        public static List<SnapshotAnswers> chunks(List<AnswerTable.Entry> answers, long maxBytes) {
            List<SnapshotAnswers> chunks = new java.util.ArrayList<>();
            List<AnswerTable.Entry> chunk = new java.util.ArrayList<>();
            long bytes = 0;
            for (AnswerTable.Entry entry : answers) {
                long size = ReplicationCodec.encodedSize(entry);
                if (!chunk.isEmpty() && bytes + size > maxBytes) {
                    chunks.add(new SnapshotAnswers(chunk));
                    chunk = new java.util.ArrayList<>();
                    bytes = 0;
                }
                chunk.add(entry);
                bytes += size;
            }
            if (!chunk.isEmpty()) {
                chunks.add(new SnapshotAnswers(chunk));
            }
            return chunks;
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

    /**
     * Cumulative: the backup applied everything up to {@code index}; its own digest and pid for STATUS, and its server
     * id, which the primary names to the proxy as its replica once the backup is live.
     */
    record Ack(long index, long digest, long backupPid, long backupServer) implements ReplicationMessage {
    }

    /** The service shuts down: the backup exits with status 0 (SPEC §4). */
    record Stop(String reason) implements ReplicationMessage {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Liveness on both links; {@code server} is the sender's server id. */
    record Heartbeat(long server) implements ReplicationMessage {
    }
}
