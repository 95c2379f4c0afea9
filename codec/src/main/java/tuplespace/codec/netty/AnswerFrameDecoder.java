package tuplespace.codec.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tuplespace.codec.Status;

/**
 * Client side: groups the bytes from the proxy into whole answers, one {@code String} message per answer, so a
 * client can read both modes on one connection (docs/protocol.md). An answer whose first line starts with
 * <code>{</code> is that one JSON line; any other answer runs up to and including a line {@code end}
 * (docs/internals.md), but a first line that does not start with a status word is handed on alone: it is no answer,
 * and no {@code end} is coming. Each message is the answer text with every line ending in {@code \n}
 * ({@code \r\n} becomes {@code \n}).
 *
 * <p>The bytes already scanned are remembered, so a long text answer arriving in many reads is scanned once.
 * An answer longer than {@code maxAnswerBytes} fails with {@link TooLongFrameException}; the stream cannot be
 * resynchronised after that, so the caller should close the connection.
 */
public final class AnswerFrameDecoder extends ByteToMessageDecoder {

    /** Large enough for a GET that lists a big space; bounded so a broken peer cannot exhaust memory. */
    public static final int DEFAULT_MAX_ANSWER_BYTES = 256 * 1024 * 1024;

    private static final byte[] END = {'e', 'n', 'd'};

    private final int maxAnswerBytes;
    /** Bytes from the reader index already scanned for line ends in the current answer. */
    private int scanned;

    public AnswerFrameDecoder() {
        this(DEFAULT_MAX_ANSWER_BYTES);
    }

    public AnswerFrameDecoder(int maxAnswerBytes) {
        if (maxAnswerBytes <= 0) {
            throw new IllegalArgumentException("expected a positive maximum answer length, found " + maxAnswerBytes);
        }
        this.maxAnswerBytes = maxAnswerBytes;
        setCumulator(LargeMessageCumulator.INSTANCE); // a 40 MB answer is not copied 4 MiB at a time as it arrives
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int length = answerLength(in);
            if (length < 0) {
                if (in.readableBytes() > maxAnswerBytes) {
                    int found = in.readableBytes();
                    in.skipBytes(found); // drop what cannot be an answer, so it is not decoded again
                    scanned = 0;
                    throw new TooLongFrameException("expected an answer of at most " + maxAnswerBytes
                            + " bytes, found " + found + " bytes without its end");
                }
                return;
            }
            if (length > maxAnswerBytes) { // whole in one read: as long as one that came in many
                in.skipBytes(length);
                scanned = 0;
                throw new TooLongFrameException("expected an answer of at most " + maxAnswerBytes + " bytes, found"
                        + " one of " + length + " bytes");
            }
            out.add(normalize(in.readCharSequence(length, StandardCharsets.UTF_8).toString()));
            scanned = 0;
        }
    }

    /** The length in bytes of the whole answer at the reader index, or -1 while it is incomplete. */
    private int answerLength(ByteBuf in) {
        int start = in.readerIndex();
        boolean json = in.getByte(start) == '{';
        int lineStart = start + scanned;
        while (true) {
            int lineFeed = in.indexOf(lineStart, in.writerIndex(), (byte) '\n');
            if (lineFeed < 0) {
                // A JSON answer is one line: none of these bytes ends it, so they are never scanned again (a 40 MB
                // answer in 64 KB reads was scanned from its start at every read). A text answer's partial last
                // line is scanned again: it may turn out to be "end".
                scanned = (json ? in.writerIndex() : lineStart) - start;
                return -1;
            }
            if (json || isEndLine(in, lineStart, lineFeed)
                    || lineStart == start && !startsWithStatusWord(in, start, lineFeed)) {
                return lineFeed + 1 - start;
            }
            lineStart = lineFeed + 1;
        }
    }

    /**
     * Whether a text answer's first line starts with a status word ({@code ok 2 pairs}, {@code malformed: ...}). A line
     * that does not is no answer, and no {@code end} line is coming: it is handed on alone, for the client to say what
     * it found (a client pointed at an admin port waited its whole timeout for an {@code end} after its error line).
     */
    private static boolean startsWithStatusWord(ByteBuf in, int lineStart, int lineFeed) {
        // a status word and the character after it are ASCII; so is what tells a longer word from one
        int length = Math.min(lineFeed - lineStart, Status.TEXT_ANSWER_PREFIX);
        return Status.ofTextAnswer(in.getCharSequence(lineStart, length, StandardCharsets.ISO_8859_1)).isPresent();
    }

    private static boolean isEndLine(ByteBuf in, int lineStart, int lineFeed) {
        int end = lineFeed > lineStart && in.getByte(lineFeed - 1) == '\r' ? lineFeed - 1 : lineFeed;
        if (end - lineStart != END.length) {
            return false;
        }
        for (int i = 0; i < END.length; i++) {
            if (in.getByte(lineStart + i) != END[i]) {
                return false;
            }
        }
        return true;
    }

    private static String normalize(String answer) {
        return answer.indexOf('\r') < 0 ? answer : answer.replace("\r\n", "\n");
    }
}
