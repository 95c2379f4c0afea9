package tuplespace.codec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * How a decoder gathers the reads of a message: small messages are merged into one buffer as Netty does by default,
 * but once the bytes waiting for their message's end reach {@link #LARGE_BYTES} the reads are kept as they came, as
 * the components of one {@link CompositeByteBuf}, and never copied.
 *
 * <p>Why: Netty's merging cumulator grows its buffer 4 MiB at a time past 4 MiB, and each growth allocates a new
 * direct buffer, which the JDK zeroes and the kernel faults in page by page, then copies everything read so far. A
 * 40 MB answer (a GET of a million pairs) allocated, zeroed and copied some 220 MB that way, on the event loop: on the
 * proxy that was most of its CPU time for a big answer, and every other client's answer waited behind each step.
 * Kept as components, the reads cost nothing more; the message is a slice of the composite, and a socket writes it
 * as it is (a gathering write), so the proxy relays a big answer without copying it at all.
 *
 * <p>Stateless; one instance per decoder is as good as a shared one.
 */
public final class LargeMessageCumulator implements ByteToMessageDecoder.Cumulator {

    /** From this many bytes waiting in the cumulation on, reads are kept as components instead of copied. */
    public static final int LARGE_BYTES = 1024 * 1024;

    /** The one instance: it holds no state. */
    public static final LargeMessageCumulator INSTANCE = new LargeMessageCumulator();

    private LargeMessageCumulator() {
    }

    /** Installs this cumulator on {@code decoder}; returns it for chaining. */
    public static <T extends ByteToMessageDecoder> T on(T decoder) {
        decoder.setCumulator(INSTANCE);
        return decoder;
    }

    @Override
    public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        long waiting = (long) cumulation.readableBytes() + in.readableBytes();
        if (waiting >= LARGE_BYTES) {
            return ByteToMessageDecoder.COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in);
        }
        if (cumulation instanceof CompositeByteBuf) {
            // The end of a large message left a few bytes behind in the composite: back to one buffer for the small
            // messages that follow (a copy of less than LARGE_BYTES), so they are not read through components.
            return merged(alloc, cumulation, in, (int) waiting);
        }
        return ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
    }

    private static ByteBuf merged(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in, int bytes) {
        ByteBuf merged = alloc.buffer(Math.max(bytes, 256));
        try {
            merged.writeBytes(cumulation).writeBytes(in);
        } catch (RuntimeException | Error e) {
            merged.release();
            in.release();
            throw e;
        }
        cumulation.release();
        in.release();
        return merged;
    }
}
