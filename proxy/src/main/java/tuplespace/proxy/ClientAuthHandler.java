package tuplespace.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Answers;
import tuplespace.codec.Format;
import tuplespace.codec.Lines;
import tuplespace.codec.Requests;
import tuplespace.codec.Status;

/**
 * With {@code --client-auth-file}: the first thing on a client connection, before the line decoder. It takes the
 * client's first line, which must be {@code AUTH <token>} (text mode) or {@code {"op":"AUTH","token":"..."}} (JSON
 * mode, {@code id} echoed), answers it {@code ok} and removes itself; a wrong or missing token is answered
 * {@code refused} with the reason, in the line's mode, and the connection closes. It is a connection matter, not an
 * operation of the space: the primary never sees it. Until then {@code channelActive} is held back, so an
 * unauthenticated connection takes none of the {@code --max-clients} slots, and one that has not authenticated within
 * {@link #LIMIT} is closed.
 */
final class ClientAuthHandler extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ClientAuthHandler.class);
    /** A client that has not authenticated by then is refused and closed. */
    static final Duration LIMIT = Duration.ofSeconds(5);
    /** Longest AUTH line: a token is short; a client that sends more is not authenticating. */
    static final int MAX_LINE_BYTES = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClientToken token;
    private ScheduledFuture<?> timer;
    private boolean done;

    ClientAuthHandler(ClientToken token) {
        this.token = token;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // held back from the front end until the client authenticated: no session, no client slot
        timer = ctx.executor().schedule(() -> {
            if (!done) {
                int unfinished = internalBuffer().readableBytes();
                refuse(ctx, null, "expected AUTH <token> as the first line within " + LIMIT.toMillis() + " ms, found "
                        + (unfinished == 0 ? "nothing" : unfinished + " bytes without a newline after them"));
            }
        }, LIMIT.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int lineFeed = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lineFeed < 0) {
            if (in.readableBytes() > MAX_LINE_BYTES) {
                in.skipBytes(in.readableBytes());
                refuse(ctx, null, "expected AUTH <token> as the first line, found a line longer than "
                        + MAX_LINE_BYTES + " bytes");
            }
            return;
        }
        Optional<String> notUtf8 = Requests.notUtf8(in.slice(in.readerIndex(), lineFeed - in.readerIndex()));
        if (notUtf8.isPresent()) { // named, as any request line's would be, not shown as U+FFFD
            in.skipBytes(in.readableBytes());
            refuse(ctx, null, notUtf8.get());
            return;
        }
        String line = in.readCharSequence(lineFeed - in.readerIndex(), StandardCharsets.UTF_8).toString();
        in.skipBytes(1);
        line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        String request = line.startsWith("\uFEFF") ? line.substring(1).strip() : line.strip();
        if (Format.of(line) == Format.JSON) { // as every answer to the line decides it (Answers)
            onJsonLine(ctx, line, request);
        } else {
            onTextLine(ctx, line, request);
        }
    }

    private void onTextLine(ChannelHandlerContext ctx, String line, String request) {
        String[] words = request.split("[ \t]+", 2);
        if (!words[0].equalsIgnoreCase("AUTH")) {
            refuse(ctx, line, "expected AUTH <token> as the first line, found " + describe(words[0]));
        } else if (words.length < 2 || !token.matches(unquote(words[1].strip()))) {
            refuse(ctx, line, "the token is wrong");
        } else {
            accept(ctx, Answers.authenticated(line));
        }
    }

    private void onJsonLine(ChannelHandlerContext ctx, String line, String request) {
        JsonNode node;
        try {
            node = JSON.readTree(request);
        } catch (IOException e) {
            refuse(ctx, line, "expected {\"op\":\"AUTH\",\"token\":\"...\"} as the first line, found a line that"
                    + " is not JSON");
            return;
        }
        JsonNode op = node.get("op");
        if (op == null || !op.isTextual() || !op.asText().equalsIgnoreCase("AUTH")) {
            refuse(ctx, line, "expected {\"op\":\"AUTH\",\"token\":\"...\"} as the first line, found "
                    + (op == null || !op.isTextual() ? "no \"op\"" : describe(op.asText())));
        } else if (!node.path("token").isTextual() || !token.matches(node.get("token").asText())) {
            refuse(ctx, line, "the token is wrong");
        } else {
            accept(ctx, Answers.authenticated(line));
        }
    }

    private void accept(ChannelHandlerContext ctx, String answer) {
        done = true;
        cancelTimer();
        ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8));
        ctx.fireChannelActive(); // the front end admits the client now (or refuses it when the proxy is full)
        ctx.pipeline().remove(this); // what followed AUTH in this read goes on to the line decoder
    }

    /** Answers {@code refused} in the mode of {@code line} (JSON when there is no line) and closes. */
    private void refuse(ChannelHandlerContext ctx, String line, String why) {
        done = true;
        cancelTimer();
        LOG.warn("client {} refused: {}", ctx.channel().remoteAddress(), why);
        String error = "service refused: " + why;
        String answer = line == null ? Answers.refused(error) : Answers.error(line, Status.REFUSED, error);
        ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static String describe(String op) {
        return "a " + Lines.shortened(op.toUpperCase(Locale.ROOT), 20) + " request";
    }

    private static String unquote(String text) {
        return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
                ? text.substring(1, text.length() - 1) : text;
    }
}
