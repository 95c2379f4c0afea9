package tuplespace.proxy;

import io.netty.channel.Channel;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;

/**
 * One registered primary connection. Identity matters: a client session remembers the link it last resent its
 * requests on, so a new link (even of a primary that reconnects) gets every unanswered request again.
 */
final class PrimaryLink {
    private final Channel channel;
    private final long epoch;
    private final long pid;
    private final Sap shutdownSap;
    private final long lastIndex;

    PrimaryLink(Channel channel, Frame.Register register) {
        this.channel = channel;
        this.epoch = register.epoch();
        this.pid = register.pid();
        this.shutdownSap = register.shutdownSap();
        this.lastIndex = register.lastIndex();
    }

    Channel channel() {
        return channel;
    }

    long epoch() {
        return epoch;
    }

    long pid() {
        return pid;
    }

    Sap shutdownSap() {
        return shutdownSap;
    }

    /** Queues a frame; Netty hands it to the link's own event loop, in the order each thread wrote. */
    void write(Frame frame) {
        channel.write(frame, channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    @Override
    public String toString() {
        return "primary(epoch " + epoch + ", pid " + pid + ", shutdown " + shutdownSap + ", last index " + lastIndex
                + ", " + channel.remoteAddress() + ")";
    }
}
