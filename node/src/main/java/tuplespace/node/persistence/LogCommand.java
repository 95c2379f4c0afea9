package tuplespace.node.persistence;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import tuplespace.replication.Replicated;

/** What the event loop hands the log's writer thread, in order ({@link WriteAheadLog}'s methods, one each). */
sealed interface LogCommand {

    record Append(List<Replicated> entries) implements LogCommand {
    }

    /** The next entries go to a new segment (a snapshot was taken at the last index appended). */
    record Roll() implements LogCommand {
    }

    /** Deletes the closed segments whose every entry is below {@code index}; completes with the progress after it. */
    record CutBefore(long index, CompletableFuture<LogProgress> done) implements LogCommand {
    }

    /** Deletes every segment and goes on at {@code nextIndex} (a durable snapshot holds everything before it). */
    record RestartAt(long nextIndex) implements LogCommand {
    }

    record RecordEpoch(long epoch, long server, CompletableFuture<Long> done) implements LogCommand {
    }

    /** Forces everything appended before it, whatever the mode; mends a failed segment first. */
    record Sync(CompletableFuture<LogProgress> done) implements LogCommand {
    }

    /** Syncs, closes the segment and ends the writer thread. */
    record Close(CompletableFuture<LogProgress> done) implements LogCommand {
    }
}
