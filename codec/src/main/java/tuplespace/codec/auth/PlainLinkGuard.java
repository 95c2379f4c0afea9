package tuplespace.codec.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First on an internal link of a process run without a cluster secret: it tells the two sides' settings apart from
 * garbage. Connecting, a peer that requires the secret refuses this side's first frame with one line
 * {@code refused: WHY}, which the frame decoder would read as a length of about 1.9 GB ("frame too long"); accepting,
 * a peer started with the secret begins with {@code TSAUTH1 HELLO}. Either ends the link with a reason that says so
 * (and names the option missing, when the refusal is the secret handshake's), told to the
 * {@link LinkAuthHandler.RefusalListener} (the {@code auth_refused} operator event) and kept for
 * {@link LinkAuthHandler#refusal}, as a failed handshake is; the accepting side also sends the peer a
 * {@code refused:} line. Anything else goes on untouched, and the guard removes itself once it has seen enough of the
 * first bytes.
 */
final class PlainLinkGuard extends ByteToMessageDecoder {

    /** The pipeline name it is added under. */
    static final String NAME = "plainLinkGuard";
    private static final byte[] REFUSED = LinkHandshake.REFUSED.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HELLO = LinkHandshake.HELLO.getBytes(StandardCharsets.US_ASCII);

    private final LinkRole role;
    private final boolean connecting;
    private final LinkAuthHandler.RefusalListener listener;
    private boolean refused;

    private PlainLinkGuard(LinkRole role, boolean connecting, LinkAuthHandler.RefusalListener listener) {
        this.role = role;
        this.connecting = connecting;
        this.listener = listener;
    }

    /** For a connection this side opens. */
    static PlainLinkGuard connecting(LinkRole role, LinkAuthHandler.RefusalListener listener) {
        return new PlainLinkGuard(role, true, listener);
    }

    /** For a connection this side accepted on a listening port. */
    static PlainLinkGuard accepting(LinkRole role, LinkAuthHandler.RefusalListener listener) {
        return new PlainLinkGuard(role, false, listener);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (refused) {
            in.skipBytes(in.readableBytes()); // the link is closing: nothing of it is read
            return;
        }
        byte[] handshakeStart = connecting ? REFUSED : HELLO;
        int compared = Math.min(in.readableBytes(), handshakeStart.length);
        for (int i = 0; i < compared; i++) {
            if (in.getByte(in.readerIndex() + i) != handshakeStart[i]) {
                ctx.pipeline().remove(this); // not the other setting: what was read goes on to the handlers behind
                return;
            }
        }
        if (compared < handshakeStart.length) {
            return; // too few bytes yet to tell
        }
        int lineFeed = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        int length = lineFeed < 0 ? in.readableBytes() : lineFeed - in.readerIndex();
        if (lineFeed < 0 && length <= LinkAuthHandler.MAX_LINE_BYTES) {
            return; // the rest of the line is still to come
        }
        // past the start matched: what the peer said, if anything
        String said = in.toString(in.readerIndex() + handshakeStart.length,
                Math.min(length, LinkAuthHandler.MAX_LINE_BYTES) - handshakeStart.length, StandardCharsets.ISO_8859_1)
                .strip();
        in.skipBytes(in.readableBytes());
        refused = true;
        if (connecting) {
            // the secret's handshake names its option in its refusal; a TLS port, or a timeout, says something else
            refuse(ctx, "the peer refused the link (" + said + ")" + (said.contains(ClusterSecret.OPTION)
                    ? ": it is started with " + ClusterSecret.OPTION + " and this process without; give both the same"
                    + " one" : ""));
            ctx.close();
        } else {
            refuse(ctx, "the peer began the cluster secret handshake, and this process is started without "
                    + ClusterSecret.OPTION + "; give both the same one, or neither");
            String answer = LinkHandshake.REFUSED + "this side is started without " + ClusterSecret.OPTION + "\n";
            ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        LinkAuthHandler.recordRefusal(ctx.channel(), reason);
        listener.refused(ctx.channel().remoteAddress(), role, connecting, reason);
    }
}
