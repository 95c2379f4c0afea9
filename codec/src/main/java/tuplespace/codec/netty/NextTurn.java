package tuplespace.codec.netty;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on an event loop's next turn: after the reads the loop does first, never in the batch of tasks it is
 * running. What continues itself in tasks on a loop goes through here: a node's turns of serving, the parts of a long
 * answer and the frames of a snapshot; a client's writing of a long run of requests.
 *
 * <p>Netty runs a task submitted with {@code execute} from a task in the same batch, before any I/O, and a loop runs
 * a batch for up to a second (Netty 4.2's task quantum) before it reads again. A chain of such tasks kept every other
 * connection waiting for all of it: the parts of one 40 MB answer went out back to back, and each small request on
 * the node waited 80-140 ms to be read. A task scheduled with no delay joins the queue only when the next batch
 * starts, after the loop's I/O.
 */
public final class NextTurn {

    private NextTurn() {
    }

    /** An executor that runs each task on {@code loop}'s next turn. */
    public static Executor of(EventExecutor loop) {
        return task -> loop.schedule(task, 0, TimeUnit.NANOSECONDS);
    }
}
