package tuplespace.replication;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import tuplespace.tuple.Pair;

/**
 * What travels between primary and backup (docs/internals.md "Primary ⇄ backup"). On the replication link
 * the primary sends a snapshot ({@link SnapshotBegin}, {@link SnapshotAnswers}..., {@link SnapshotPairs}...,
 * {@link SnapshotEnd})
 * interleaved with and followed by {@link Entries}; the backup answers {@link Ack}s once it has caught up, or
 * {@link Refused} instead when it holds a newer copy than that primary. On the heartbeat link both sides send {@link Heartbeat}s.
 */
public sealed interface ReplicationMessage permits ReplicationMessage.SnapshotBegin, ReplicationMessage.SnapshotAnswers,
        ReplicationMessage.SnapshotPairs,
        ReplicationMessage.SnapshotEnd, ReplicationMessage.Entries, ReplicationMessage.Ack, ReplicationMessage.Stop,
        ReplicationMessage.Refused,
        ReplicationMessage.Heartbeat, ReplicationMessage.Busy {

    /**
     * The snapshot starts at {@code index}; the answer table as of that index follows in {@link SnapshotAnswers}.
     * {@code primaryServer} is the sending primary's server id: an epoch number names one primary only while the proxy
     * remembers it, so a backup tells the primary it follows from another of the same epoch by it.
     * {@code heartbeatSap} is where the primary listens for the backup's heartbeat link (on its own host). With
     * {@code resume} (after a switchover) no table and no pairs follow: the backup is the old primary, which holds the
     * state at {@code index} already; the entries after it and the {@link SnapshotEnd} do. With {@code mayLackAnswered}
     * the primary's state was recovered from a log that was not forced before each answer ({@code --fsync everysec} or
     * {@code no}): after a power cut it may end before updates that were answered, which a backup that outlived it may
     * hold (it refuses such a snapshot when it holds more).
     *
     * <p>{@code history} names the line of states the primary's data directory belongs to (0: no data directory): a
     * backup that outlived its primary refuses the state of another history, which a directory taken from another
     * service holds. {@code recoveredIndex} is the index the primary's state was recovered to from its data directory
     * when it started (-1: not started from one, as after a takeover): a backup that outlived a primary whose log was
     * forced before each answer knows how far that log was forced ({@link Entries#forcedIndex()}), and refuses a
     * recovery that falls short of it: the directory is not as that primary left it (restored from an older copy).
     * {@code recoveredEpoch} is the epoch of the last entry so recovered (0: none), and {@code recoveredServer} the
     * server id of that epoch's primary as the directory recorded it (0: unknown): a backup that recovered a copy from
     * its own data directory, on another machine, compares the two by their last entries, and refuses a state older
     * than its own.
     */
    record SnapshotBegin(long epoch, long index, long primaryPid, long primaryServer, String heartbeatSap,
                         boolean resume, boolean mayLackAnswered, long history, long recoveredIndex,
                         long recoveredEpoch, long recoveredServer)
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

    /**
     * The next pairs of the snapshot, in key order after those before, as the space stores them: the UTF-8 bytes of
     * each key's and value's text form, which a backup loads as they are (no tuple parsed, no string made). The primary
     * writes these frames straight from its snapshot's tree ({@link SnapshotStream}); this is their decoded form.
     * The arrays become the receiver's: nobody changes them afterwards.
     */
    final class SnapshotPairs implements ReplicationMessage {
        private final byte[][] keys;
        private final byte[][] values;

        SnapshotPairs(byte[][] keys, byte[][] values) {
            if (keys.length != values.length) {
                throw new IllegalArgumentException("expected as many values as keys, found " + values.length
                        + " values for " + keys.length + " keys");
            }
            this.keys = keys;
            this.values = values;
        }

        /** The pairs' stored form. */
        public static SnapshotPairs of(List<Pair> pairs) {
            byte[][] keys = new byte[pairs.size()][];
            byte[][] values = new byte[pairs.size()][];
            for (int i = 0; i < pairs.size(); i++) {
                keys[i] = pairs.get(i).key().utf8().clone();
                values[i] = pairs.get(i).value().utf8().clone();
            }
            return new SnapshotPairs(keys, values);
        }

        public int size() {
            return keys.length;
        }

        /** The UTF-8 text form of the {@code i}-th key. */
        public byte[] key(int i) {
            return keys[i];
        }

        /** The UTF-8 text form of the {@code i}-th value. */
        public byte[] value(int i) {
            return values[i];
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SnapshotPairs that && Arrays.deepEquals(keys, that.keys)
                    && Arrays.deepEquals(values, that.values);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.deepHashCode(keys) + Arrays.deepHashCode(values);
        }

        @Override
        public String toString() {
            return "SnapshotPairs[" + keys.length + " pairs]";
        }
    }

    /** Every pair was sent and every entry up to {@code index}: the copies are now equal ({@code digest}). */
    record SnapshotEnd(long index, long digest) implements ReplicationMessage {
    }

    /**
     * Consecutive log entries; {@code digestAfter} is the primary's space digest after the last one. {@code forcedIndex}
     * is the highest index the primary's log has forced to its disk when its answers wait for that ({@code --fsync
     * always}; -1 otherwise): a restart of that primary's directory must recover at least that far.
     */
    record Entries(List<Replicated> entries, long digestAfter, long forcedIndex) implements ReplicationMessage {
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

    /** The service shuts down: the backup exits with status 0 (docs/using.md "Status and shutdown"). */
    record Stop(String reason) implements ReplicationMessage {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * backup → primary, instead of taking the snapshot that {@code SnapshotBegin} announced, and the link closes: the
     * backup holds a complete copy newer than that primary's state (a higher epoch, or the same one at a higher index),
     * which the snapshot would have replaced. {@code reason} names both, for the operator.
     */
    record Refused(String reason) implements ReplicationMessage {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Liveness on both links; {@code server} is the sender's server id. From the primary, {@code forcedIndex} is as in
     * {@link Entries}, so that a backup learns how far the log was forced after the last batch too; -1 from a backup.
     */
    record Heartbeat(long server, long forcedIndex) implements ReplicationMessage {
    }

    /**
     * primary → backup, on both links: a long piece of work starts on the primary's one serving thread (a request of
     * megabytes), and it sends no heartbeat for up to {@code millis}: silence that long is not a failure.
     */
    record Busy(long millis) implements ReplicationMessage {
    }
}
