package tuplespace.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops every {@link TupleSpaceClient} uses unless its {@link ClientOptions} name others: one group per
 * process, created on first use, of daemon threads (so a program that forgets {@code close} still exits), one per
 * available processor. Fifty connections share these few selector threads instead of each owning one. The group
 * lives as long as the process; no client shuts it down.
 */
final class ClientEventLoops {

    private ClientEventLoops() {
    }

    static EventLoopGroup shared() {
        return Holder.GROUP;
    }

    /** Lazy holder: the threads start only when the first client connects. */
    private static final class Holder {
        private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
                Math.max(1, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("tuplespace-client", true), NioIoHandler.newFactory());
    }
}
