package tuplespace.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tuplespace.codec.netty.Transport;

/**
 * {@link JsonConnection} over a {@link Transport}: a client on a host of a {@code SimulatedNetwork}. Its channel
 * lives on {@code group}; the pending answers are touched on that loop only.
 */
final class SimulatedLineClient implements JsonConnection {

    private static final int MAX_ANSWER_BYTES = 16 << 20;

    private final Channel channel;
    private final Duration requestTimeout;
    private final Deque<CompletableFuture<String>> pending; // the channel's loop only

    private SimulatedLineClient(Channel channel, Deque<CompletableFuture<String>> pending, Duration requestTimeout) {
        this.channel = channel;
        this.pending = pending;
        this.requestTimeout = requestTimeout;
    }

    /** Connects from a host ({@code transport}, whose loops {@code group} are) to the proxy's CLIENT_SAP. */
    static SimulatedLineClient connect(Transport transport, EventLoopGroup group, InetSocketAddress clientSap,
                                       Duration requestTimeout) {
        Deque<CompletableFuture<String>> answers = new ArrayDeque<>();
        Bootstrap bootstrap = new Bootstrap().group(group).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new LineBasedFrameDecoder(MAX_ANSWER_BYTES),
                        new StringDecoder(StandardCharsets.UTF_8), new StringEncoder(StandardCharsets.UTF_8),
                        new Answers(answers));
            }
        });
        var connected = transport.connect(bootstrap, clientSap, Duration.ofSeconds(5)).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            throw new IllegalStateException("cannot connect to " + clientSap, connected.cause());
        }
        return new SimulatedLineClient(connected.channel(), answers, requestTimeout);
    }

    @Override
    public CompletableFuture<JsonNode> send(JsonNode request) {
        return sendLine(request.toString()).thenApply(LineClient::parse);
    }

    /** Sends one line (a {@code \n} is added); the future completes with the next line the service answers. */
    CompletableFuture<String> sendLine(String request) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        String line = request + "\n";
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                answer.completeExceptionally(new IOException("connection closed by the service"));
                return;
            }
            pending.addLast(answer);
            channel.writeAndFlush(line);
        });
        return answer.orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Completes the oldest pending request with each line; fails the rest when the connection closes. */
    private static final class Answers extends SimpleChannelInboundHandler<String> {
        private final Deque<CompletableFuture<String>> pending;

        Answers(Deque<CompletableFuture<String>> pending) {
            this.pending = pending;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            CompletableFuture<String> head = pending.pollFirst();
            if (head != null) {
                head.complete(line);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            for (CompletableFuture<String> future : pending) {
                future.completeExceptionally(new IOException("connection closed by the service before the answer"));
            }
            pending.clear();
        }
    }
}
