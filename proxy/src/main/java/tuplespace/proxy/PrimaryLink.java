package tuplespace.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Optional;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;

/**
 * One registered primary connection. Identity matters: a client session remembers the link it last resent its
 * requests on, so a new link (even of a primary that reconnects) gets every unanswered request again.
 *
 * <p>Requests are written without a flush each: the first unflushed one schedules one flush at the end of the
 * link loop's current turn, so every request read in that turn (from all clients on the loop) leaves in one write
 * call, and a lone request still leaves in the turn that read it.
 */
final class PrimaryLink {
    private final Channel channel;
    private final long epoch;
    private final long pid;
    private final Sap shutdownSap;
    private final long lastIndex;
    private final long server;
    /** Its data directory's history (0: none) and name ({@code <id>.<instance>}; empty: none). */
    private final long history;
    private final Optional<String> directory;
    /** The server id of the backup that holds every update this primary answered (0: none). Control loop only. */
    private volatile long replica;
    /** Succeeds once the proxy no longer holds this primary; its listeners run on the control loop. */
    private final Promise<Void> ended;
    private final Runnable flushTask = this::flushNow;
    private boolean flushScheduled; // link loop only

    PrimaryLink(Channel channel, Frame.Register register) {
        this.channel = channel;
        this.ended = channel.eventLoop().newPromise();
        this.epoch = register.epoch();
        this.pid = register.pid();
        this.shutdownSap = register.shutdownSap();
        this.lastIndex = register.lastIndex();
        this.server = register.server();
        this.replica = register.replica();
        this.history = register.history();
        this.directory = register.directories().stream().findFirst();
    }

    /**
     * Succeeds once the proxy no longer holds this primary: its link closed or was found dead, it stepped down in a
     * switchover, or a newer primary registered. Listeners run on the control loop, in the middle of that change; one
     * that is done waiting removes itself.
     */
    Future<Void> ended() {
        return ended;
    }

    /** The proxy no longer holds this primary (control loop). */
    void end() {
        ended.trySuccess(null);
    }

    /** Its data directory's history; 0 without one. */
    long history() {
        return history;
    }

    /** The node directory it serves from, if it named one (a server with a data directory): the first it compared. */
    Optional<String> directory() {
        return directory;
    }

    long replica() {
        return replica;
    }

    void replica(long newReplica) {
        replica = newReplica;
    }

    Channel channel() {
        return channel;
    }

    long epoch() {
        return epoch;
    }

    /** The registered primary's server id. */
    long server() {
        return server;
    }

    long pid() {
        return pid;
    }

    Sap shutdownSap() {
        return shutdownSap;
    }

    /**
     * Queues a frame, flushed with the others of this loop turn; a REQUEST's line is copied into the frame's buffer
     * at once (the link's {@code FrameCodec} encodes as it is written), so its owner may release it afterwards. Any thread: from another loop it hops to the link's
     * loop (tasks from one thread run in order, so each client's requests keep their order).
     */
    void send(Frame frame) {
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            // a request's line belongs to its session, which may release it before the hop runs: hold it till then
            ByteBuf line = frame instanceof Frame.Request request ? request.line().retain() : null;
            loop.execute(() -> {
                try {
                    send(frame);
                } finally {
                    if (line != null) {
                        line.release();
                    }
                }
            });
            return;
        }
        channel.write(frame, channel.voidPromise());
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(flushTask); // runs after the I/O of this turn, before the loop waits again
        }
    }

    private void flushNow() {
        flushScheduled = false;
        channel.flush();
    }

    @Override
    public String toString() {
        return "primary(epoch " + epoch + ", pid " + pid + ", server " + Long.toHexString(server) + ", shutdown "
                + shutdownSap + ", registered at index " + lastIndex + ", " + channel.remoteAddress() + ")";
    }
}
