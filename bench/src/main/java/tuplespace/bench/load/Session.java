package tuplespace.bench.load;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One connection of a {@link Target}. Used by one driver at a time. */
public interface Session extends AutoCloseable {

    /**
     * Sends {@code batch} pipelined (all written before any answer is awaited). The future completes with each
     * operation's completion time ({@link System#nanoTime()}), in batch order, or fails when any of them fails.
     * A blocking implementation may do the whole round trip in the caller and return a completed future.
     */
    CompletableFuture<long[]> execute(List<Operation> batch);

    @Override
    void close();
}
