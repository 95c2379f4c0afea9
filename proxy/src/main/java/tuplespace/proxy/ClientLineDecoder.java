package tuplespace.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits client bytes into request lines (UTF-8, {@code \n} or {@code \r\n}; docs/protocol.md): each line a retained
 * slice of the read buffer, without its terminator, never decoded (the proxy relays bytes; whoever takes a line
 * releases it). A line over the limit becomes one {@link OverlongLine} — carrying its first bytes so the answer can be
 * in the line's mode — and everything after it is discarded, since the connection closes
 * (docs/protocol.md "Limits and failures"). At the end of the client's input, bytes after the last newline become one
 * {@link UnterminatedLine}. Never buffers more than the limit plus one read. While the channel's auto-read is off
 * (backpressure) it decodes nothing; the session resumes it ({@link #decodeHeld}).
 */
final class ClientLineDecoder extends ByteToMessageDecoder {

    /** A line longer than the limit; {@code prefix} is its beginning (JSON mode if it starts with '{'). */
    record OverlongLine(String prefix) {
    }

    /** The {@code length} bytes after the last newline when the input ended; {@code prefix} is their beginning. */
    record UnterminatedLine(String prefix, int length) {
    }

    /**
     * The input ended while the session was not reading: {@code lines} whole lines in {@code bytes}, past what the
     * proxy keeps after the end ({@link LinesAfterEnd}), not requests; {@code firstPrefix} is the beginning of the
     * first of them (its mode is the answer's).
     */
    record UnreadLines(String firstPrefix, int lines, int bytes) {
    }

    /**
     * The input ended while the session was not reading (it held the client's limit of unanswered requests): what the
     * decoder had left, decoded, in order — lines ({@link ByteBuf}s, whoever takes one releases it), then at most one
     * {@link OverlongLine}, {@link UnterminatedLine} or {@link UnreadLines} — for the session to take as its limit
     * allows.
     */
    record LinesAfterEnd(List<Object> items) {
        /** Releases the lines not taken (none taken: all of them), for a session that is gone or never was. */
        void release() {
            items.forEach(io.netty.util.ReferenceCountUtil::release);
        }
    }

    private static final int PREFIX_BYTES = 256;

    private final int maxLineBytes;
    /** How many bytes of whole lines left at the end of the input are kept for the session ({@link LinesAfterEnd}). */
    private final int keptAfterEnd;
    /** This handler's place in its pipeline, from when it is added. */
    private ChannelHandlerContext context;
    private boolean discarding;
    /** Bytes from the reader index already searched without finding a newline: never searched again. */
    private int searchedBytes;
    /** Every byte searched for a newline, over the decoder's life (tests check that the work is linear). */
    long bytesSearched;

    ClientLineDecoder(int maxLineBytes, int keptAfterEnd) {
        this.maxLineBytes = maxLineBytes;
        this.keptAfterEnd = keptAfterEnd;
    }

    /**
     * Reading resumed: decodes the lines kept while it was off, as a read of no new bytes would, straight from this
     * handler. An empty read fired from the pipeline's head never got here behind TLS: the TLS
     * handler passes on only bytes it decrypted, and a client whose pipelined requests were kept waited for ever. (No
     * read-complete follows: this decoder's would ask the socket for one more read when the lines taken stopped
     * reading again, and clients that never read their answers grew the proxy by hundreds of MiB.) Nothing before
     * this handler sees it, so the idle timeout does not count it as the client's.
     */
    void decodeHeld() {
        try {
            channelRead(context, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            context.fireExceptionCaught(e);
        }
    }

    /** Whether a whole line is kept undecoded (reading is off): a request the client sent, not idleness. */
    boolean holdsALine() {
        ByteBuf kept = internalBuffer();
        return kept.isReadable() && kept.indexOf(kept.readerIndex(), kept.writerIndex(), (byte) '\n') >= 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
    }

    /** One line per call (ByteToMessageDecoder calls again while bytes are consumed). */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            return; // the session stopped reading this client (backpressure): keep the rest for when it resumes
        }
        decodeLine(in, out);
    }

    /**
     * The client shut its side (a half-close, as {@code nc -N} does): every whole line left, then what is left without
     * a terminator becomes one {@link UnterminatedLine}: never a request, since a client that died mid-line ends its
     * input the same way. While the session does not read this client (it holds the client's limit of unanswered
     * requests: a pipeline longer than its window, or a client that does not read its answers), the lines left go to
     * the session as one {@link LinesAfterEnd}, which it takes as the limit allows: at the end of input the transport
     * reads everything the socket holds, megabytes, so only {@code keptAfterEnd} bytes of them are kept, and the lines
     * past those become one {@link UnreadLines}, never requests.
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!discarding && in.isReadable() && !ctx.channel().config().isAutoRead()) {
            // copied: slices of the whole input would keep all of it
            ByteBuf head = in.copy(in.readerIndex(),
                    (int) Math.min(in.readableBytes(), (long) keptAfterEnd + maxLineBytes + 2));
            List<Object> items = new java.util.ArrayList<>();
            searchedBytes = 0;
            try {
                while (!discarding && head.isReadable() && head.readerIndex() < keptAfterEnd
                        && decodeLine(head, items)) {
                    continue;
                }
            } finally {
                in.skipBytes(head.readerIndex());
                head.release();
            }
            if (!discarding && in.isReadable()) {
                int lines = countLines(in);
                int length = in.readableBytes();
                items.add(lines > 0 ? new UnreadLines(firstPrefix(in), lines, length)
                        : new UnterminatedLine(firstPrefix(in), length));
            }
            in.skipBytes(in.readableBytes());
            out.add(new LinesAfterEnd(items));
            return;
        }
        while (!discarding && in.isReadable() && decodeLine(in, out)) {
            continue;
        }
        if (discarding || !in.isReadable()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int length = in.readableBytes();
        out.add(new UnterminatedLine(in.toString(in.readerIndex(), Math.min(PREFIX_BYTES, length),
                StandardCharsets.UTF_8), length));
        in.skipBytes(length);
    }

    /** The beginning of the first line in {@code in}, up to {@link #PREFIX_BYTES} and never past its newline. */
    private static String firstPrefix(ByteBuf in) {
        int newline = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        int end = newline < 0 ? in.writerIndex() : newline;
        return in.toString(in.readerIndex(), Math.min(PREFIX_BYTES, end - in.readerIndex()), StandardCharsets.UTF_8);
    }

    private static int countLines(ByteBuf in) {
        int lines = 0;
        for (int at = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n'); at >= 0;
                at = in.indexOf(at + 1, in.writerIndex(), (byte) '\n')) {
            lines++;
        }
        return lines;
    }

    /** Takes one line, or an overlong one, off {@code in}; false when no newline is in it yet. */
    private boolean decodeLine(ByteBuf in, List<Object> out) {
        int searchLength = Math.min(in.readableBytes(), maxLineBytes + 2); // room for "\r\n"
        if (searchedBytes >= searchLength) {
            return false; // nothing new to search
        }
        int from = in.readerIndex() + searchedBytes;
        int newline = in.forEachByte(from, searchLength - searchedBytes, ByteProcessor.FIND_LF);
        bytesSearched += newline < 0 ? searchLength - searchedBytes : newline - from + 1;
        if (newline < 0) {
            searchedBytes = searchLength;
            if (in.readableBytes() > maxLineBytes + 1) {
                overlong(in, out);
            }
            return false; // wait for the rest of the line
        }
        searchedBytes = 0;
        int length = newline - in.readerIndex();
        int contentLength = length > 0 && in.getByte(newline - 1) == '\r' ? length - 1 : length;
        if (contentLength > maxLineBytes) {
            overlong(in, out);
            return false;
        }
        out.add(in.readRetainedSlice(contentLength));
        in.skipBytes(length + 1 - contentLength);
        return true;
    }

    private void overlong(ByteBuf in, List<Object> out) {
        int prefixLength = Math.min(PREFIX_BYTES, in.readableBytes());
        out.add(new OverlongLine(in.toString(in.readerIndex(), prefixLength, StandardCharsets.UTF_8)));
        discarding = true;
        in.skipBytes(in.readableBytes());
    }
}
