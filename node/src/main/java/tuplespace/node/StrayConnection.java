package tuplespace.node;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Lines;

/**
 * A connection to a node's replication or heartbeat port that is none of its peers' (a port scanner, garbage, a peer
 * of another version) and failed to decode: one WARN line naming the port, the peer, what was expected and what was
 * found, then it is closed. It harms nothing else; the line is what tells an operator it happened.
 */
final class StrayConnection {

    private static final Logger LOG = LoggerFactory.getLogger(StrayConnection.class);

    private StrayConnection() {
    }

    /** Logs and closes {@code context}'s connection, which {@code cause} broke; {@code role} is this node's. */
    static void close(ChannelHandlerContext context, String role, String port, String expected, Throwable cause) {
        String found = cause instanceof TooLongFrameException
                ? "a frame length beyond the limit, so no tuplespace frame (" + cause.getMessage() + ")"
                : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        LOG.warn("{} closes a connection from {} on {}: expected {}, found {}", role, context.channel().remoteAddress(),
                port, expected, Lines.oneLine(found));
        context.close();
    }
}
