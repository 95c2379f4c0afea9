package tuplespace.codec.netty;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Installs the line framing of the client protocol (docs/protocol.md): UTF-8, one request per line ending {@code \n} or
 * {@code \r\n}, at most {@link #DEFAULT_MAX_LINE_BYTES} by default.
 *
 * <p>A longer line makes {@link LineBasedFrameDecoder} fire a {@code TooLongFrameException} at once (fail-fast);
 * the handler after it must answer {@code malformed} and close the connection (docs/protocol.md "Limits and failures").
 * Lines arrive without their terminator.
 */
public final class LineCodecs {

    /** The default limit on a request line, 1 MiB (docs/protocol.md "Limits and failures"). */
    public static final int DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

    public static final String LINE_DECODER = "lineDecoder";
    public static final String STRING_DECODER = "stringDecoder";
    public static final String STRING_ENCODER = "stringEncoder";
    public static final String ANSWER_DECODER = "answerDecoder";

    private LineCodecs() {
    }

    /** Server side with the default limit: request lines in as {@code String}s, answers out as {@code String}s. */
    public static void addRequestLineCodec(ChannelPipeline pipeline) {
        addRequestLineCodec(pipeline, DEFAULT_MAX_LINE_BYTES);
    }

    /** Server side: request lines of at most {@code maxLineBytes} in as {@code String}s, answers out as UTF-8. */
    public static void addRequestLineCodec(ChannelPipeline pipeline, int maxLineBytes) {
        pipeline.addLast(LINE_DECODER, new LineBasedFrameDecoder(maxLineBytes, true, true));
        pipeline.addLast(STRING_DECODER, new StringDecoder(StandardCharsets.UTF_8));
        pipeline.addLast(STRING_ENCODER, new StringEncoder(StandardCharsets.UTF_8));
    }

    /** Client side: whole answers in as {@code String}s ({@link AnswerFrameDecoder}), request lines out as UTF-8. */
    public static void addAnswerCodec(ChannelPipeline pipeline) {
        pipeline.addLast(ANSWER_DECODER, new AnswerFrameDecoder());
        pipeline.addLast(STRING_ENCODER, new StringEncoder(StandardCharsets.UTF_8));
    }
}
