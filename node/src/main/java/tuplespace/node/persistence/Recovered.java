package tuplespace.node.persistence;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tuplespace.replication.ReplicatedState;

/**
 * A node directory's state after {@link Recovery}: the space and answer table after entry {@code lastIndex} (of
 * {@code lastEpoch}; 0 and 0 when the directory was empty), the server id of that epoch's primary as the metadata
 * recorded it with the epoch (0 when it did not: it recorded a later epoch since, or none), the highest epoch the node
 * served or saw (its metadata's, or the last entry's when higher), the snapshot it started from, and the warnings it
 * logged (a torn tail truncated). The state is handed over: from now on it belongs to the thread that serves.
 */
public record Recovered(ReplicatedState state, long lastIndex, long lastEpoch, long lastEpochServer, long highestEpoch,
                        Optional<SnapshotInfo> snapshot, List<String> warnings) {

    public Recovered {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(snapshot, "snapshot");
        warnings = List.copyOf(warnings);
    }

    /** Where the log goes on: {@link WriteAheadLog#open}'s {@code nextIndex}. */
    public long nextIndex() {
        return lastIndex + 1;
    }
}
