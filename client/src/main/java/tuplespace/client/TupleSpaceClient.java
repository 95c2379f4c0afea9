package tuplespace.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import tuplespace.codec.ClientRequests;
import tuplespace.codec.ParsedRequest;
import tuplespace.codec.Sap;
import tuplespace.codec.netty.AnswerFrameDecoder;
import tuplespace.codec.tls.HandshakeFailure;
import tuplespace.tuple.Pair;

/**
 * A connection to the tuple space service (the proxy's client SAP), speaking JSON mode (docs/protocol.md "JSON mode").
 *
 * <pre>{@code
 * try (TupleSpaceClient space = TupleSpaceClient.connect("127.0.0.1", 7700, ClientOptions.defaults())) {
 *     space.put(List.of(Pair.of("user,1", "alice")));          // answers the pairs NOT added
 *     Answer users = space.get("user,.*", ".*");                // ascending key order
 *     users.pairs().forEach(pair -> System.out.println(pair.key() + " = " + pair.value()));
 *     CompletableFuture<Answer> later = space.deleteAsync("user,1", ".*");   // pipelined
 * }
 * }</pre>
 *
 * <p>Thread-safe: any thread may send; requests are written in call order and may be pipelined (many in flight);
 * requests sent in a row go out in one write. Futures complete on the connection's I/O thread, an event loop
 * shared with other clients ({@link ClientOptions#eventLoopGroup()}): chain cheap work on them, never a blocking
 * call of any client. Failures are {@link TupleSpaceException}s ({@link TupleSpaceException} lists them and what to
 * do about each); the blocking methods ({@link #get}, {@link #put}, ...: the async form's future, waited for) throw
 * them, the async ones complete exceptionally with them. A blocking method called on an I/O thread of the client's
 * event loop group throws {@link IllegalStateException}; a {@code null} pattern or pair list, or a {@code null} in
 * the list, a {@link NullPointerException} naming it, before anything is sent.
 */
public final class TupleSpaceClient implements AutoCloseable {
    private static final String TLS_HANDLER = "tls";

    private final EventLoopGroup group;
    private final Channel channel;
    private final AnswerMatcher matcher;
    private final Outbox outbox;
    private final AtomicLong nextId = new AtomicLong(1);

    private TupleSpaceClient(EventLoopGroup group, Channel channel, AnswerMatcher matcher) {
        this.group = group;
        this.channel = channel;
        this.matcher = matcher;
        this.outbox = new Outbox(channel.eventLoop(), matcher);
    }

    /** Connects to a SAP as the command line writes it ({@code Sap.parse("127.0.0.1:7700")}). */
    public static TupleSpaceClient connect(Sap sap, ClientOptions options) {
        return connect(sap.toSocketAddress(), options);
    }

    public static TupleSpaceClient connect(String host, int port, ClientOptions options) {
        return connect(new InetSocketAddress(host, port), options);
    }

    /**
     * Opens the connection, waiting at most {@code options.connectTimeout()}. A proxy that already serves its maximum
     * of clients refuses the connection only once it is made, unasked: the first request then fails with
     * {@link RefusedException} ({@link #isOpen} is false once the refusal has arrived).
     *
     * @throws ConnectFailedException when the address cannot be resolved or reached in time
     */
    public static TupleSpaceClient connect(InetSocketAddress address, ClientOptions options) {
        String peer = Sap.text(address.getHostString(), address.getPort()); // [::1]:7700 for IPv6
        if (address.isUnresolved()) {
            throw new ConnectFailedException("cannot connect to " + peer + ": the host name cannot be resolved");
        }
        EventLoopGroup group = options.eventLoopGroup().orElseGet(ClientEventLoops::shared);
        // Waiting here would stall (or deadlock) the very loop that must complete the connect.
        requireNotOn(group, "connect waits for the connection");
        if (group.isShuttingDown()) { // Netty would also print a stack trace of its own
            throw new ConnectFailedException("cannot connect to " + peer + ": the event loop group of its ClientOptions"
                    + " is shut down (withEventLoopGroup: a group of yours, closed before this client was made)");
        }
        AnswerMatcher matcher = new AnswerMatcher(peer, options.requestTimeout());
        Optional<SslContext> tls = options.tls().map(ClientTls::context);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        tls.ifPresent(context -> channel.pipeline().addLast(TLS_HANDLER,
                                context.newHandler(channel.alloc(), address.getHostString(), address.getPort())));
                        channel.pipeline().addLast(new AnswerFrameDecoder(options.maxAnswerLength()), matcher);
                    }
                });
        ChannelFuture connected = bootstrap.connect(address);
        // The connect timeout option fires first; the extra second only guards against a lost callback.
        boolean done = connected.awaitUninterruptibly(options.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        if (!done || !connected.isSuccess()) {
            connected.channel().close();
            String why = done ? String.valueOf(connected.cause().getMessage())
                    : "no connection within " + options.connectTimeout().toMillis() + " ms";
            throw new ConnectFailedException("cannot connect to " + peer + ": " + why, connected.cause());
        }
        if (tls.isPresent()) {
            awaitTlsHandshake(connected.channel(), peer, options);
        }
        TupleSpaceClient client = new TupleSpaceClient(group, connected.channel(), matcher);
        options.authToken().ifPresent(client::authenticate);
        return client;
    }

    /** An untrusted certificate, or a proxy without TLS, fails here rather than at the first request. */
    private static void awaitTlsHandshake(Channel channel, String peer, ClientOptions options) {
        SslHandler handler = (SslHandler) channel.pipeline().get(TLS_HANDLER);
        io.netty.util.concurrent.Future<Channel> handshake = handler.handshakeFuture();
        boolean done = handshake.awaitUninterruptibly(options.connectTimeout().toMillis());
        if (!done || !handshake.isSuccess()) {
            channel.close();
            String why = !done ? "no TLS handshake within " + options.connectTimeout().toMillis() + " ms"
                    : HandshakeFailure.describe(handshake.cause())
                    + (HandshakeFailure.plainTextAnswer(handshake.cause()).isPresent()
                    ? " (a proxy started without --tls-cert takes plain connections only)" : "");
            throw new ConnectFailedException("cannot connect to " + peer + ": the TLS handshake failed: " + why,
                    handshake.cause());
        }
    }

    /**
     * The proxy's first line with {@code --client-auth-file}: {@code {"op":"AUTH","token":...}}. A wrong token is
     * answered {@code refused} and the proxy closes the connection: {@link RefusedException}.
     */
    private void authenticate(String token) {
        com.fasterxml.jackson.databind.node.ObjectNode auth = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.objectNode().put("op", "AUTH").put("token", token);
        try {
            LineAnswer answer = sendLine(auth.toString());
            if (!answer.isOk()) {
                throw new RefusedException("the proxy did not accept the token: " + answer.text().strip());
            }
        } catch (TupleSpaceException e) {
            close();
            throw e;
        }
    }

    /**
     * GET (docs/protocol.md "The data"): every pair whose key full-matches {@code keyexp} and value full-matches
     * {@code valexp}.
     */
    public CompletableFuture<Answer> getAsync(String keyexp, String valexp) {
        requirePatterns(keyexp, valexp);
        return sendTyped("GET", id -> ClientRequests.get(id, keyexp, valexp));
    }

    /** PUT: adds each pair whose key is absent; the answer lists the pairs that were not added. */
    public CompletableFuture<Answer> putAsync(List<Pair> pairs) {
        List<Pair> copy = copyOfPairs(pairs);
        return sendTyped("PUT", id -> ClientRequests.put(id, copy));
    }

    /** POST: updates each pair whose key is present; the answer lists the pairs that were not used. */
    public CompletableFuture<Answer> postAsync(List<Pair> pairs) {
        List<Pair> copy = copyOfPairs(pairs);
        return sendTyped("POST", id -> ClientRequests.post(id, copy));
    }

    /** DELETE: removes every matching pair; the answer lists the removed pairs. */
    public CompletableFuture<Answer> deleteAsync(String keyexp, String valexp) {
        requirePatterns(keyexp, valexp);
        return sendTyped("DELETE", id -> ClientRequests.delete(id, keyexp, valexp));
    }

    /** A request already parsed by {@code Requests.parse} (e.g. typed at the shell), sent as JSON with a fresh id. */
    public CompletableFuture<Answer> sendAsync(ParsedRequest.Valid request) {
        String operator = request.command().getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT);
        return sendTyped(operator, id -> ClientRequests.encode(request, id));
    }

    /**
     * Sends one request line as it is, text or JSON mode, and hands back the answer as received whatever its
     * status (only a refusal, a timeout or a lost connection fail the future).
     */
    public CompletableFuture<LineAnswer> sendLineAsync(String line) {
        if (line.indexOf('\n') >= 0 && line.indexOf('\n') != line.length() - 1) {
            throw new IllegalArgumentException("expected one request line, found a line break inside: " + line);
        }
        LineRequest request = new LineRequest(line);
        outbox.send(request);
        return request.future();
    }

    /** {@link #getAsync}, waiting for the answer; what it throws is in the class comment. */
    public Answer get(String keyexp, String valexp) {
        requireOffLoop();
        return await(getAsync(keyexp, valexp));
    }

    /** {@link #putAsync}, waiting for the answer. */
    public Answer put(List<Pair> pairs) {
        requireOffLoop();
        return await(putAsync(pairs));
    }

    /** {@link #postAsync}, waiting for the answer. */
    public Answer post(List<Pair> pairs) {
        requireOffLoop();
        return await(postAsync(pairs));
    }

    /** {@link #deleteAsync}, waiting for the answer. */
    public Answer delete(String keyexp, String valexp) {
        requireOffLoop();
        return await(deleteAsync(keyexp, valexp));
    }

    /** {@link #sendAsync}, waiting for the answer. */
    public Answer send(ParsedRequest.Valid request) {
        requireOffLoop();
        return await(sendAsync(request));
    }

    /** {@link #sendLineAsync}, waiting for the answer. */
    public LineAnswer sendLine(String line) {
        requireOffLoop();
        return await(sendLineAsync(line));
    }

    /** Whether the connection is still open (a refusal or a lost connection closes it). */
    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * Closes the connection; requests still pending fail with {@link ConnectionLostException}, and so does every
     * later one. The event loops stay up: they are shared (or the caller's).
     */
    @Override
    public void close() {
        try {
            channel.eventLoop().execute(matcher::closeLocally);
        } catch (RejectedExecutionException loopsShutDown) {
            return;
        }
        if (!channel.eventLoop().inEventLoop()) {
            channel.closeFuture().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }

    private static void requirePatterns(String keyexp, String valexp) {
        Objects.requireNonNull(keyexp, "keyexp");
        Objects.requireNonNull(valexp, "valexp");
    }

    private static List<Pair> copyOfPairs(List<Pair> pairs) {
        Objects.requireNonNull(pairs, "pairs");
        for (int i = 0; i < pairs.size(); i++) {
            Objects.requireNonNull(pairs.get(i), "pairs[" + i + "]");
        }
        return List.copyOf(pairs);
    }

    private CompletableFuture<Answer> sendTyped(String operator, LongFunction<String> encoder) {
        long id = nextId.getAndIncrement();
        TypedRequest request = new TypedRequest(operator, id, encoder.apply(id));
        outbox.send(request);
        return request.future();
    }

    /**
     * A blocking call on any I/O thread of the connection's group (e.g. in a callback of another client) is refused,
     * whichever loop this connection has: on its own loop it would wait for an answer only that thread can read; on
     * another loop of the group it would stall every connection there, and two such waits on each other's loops
     * would never end. Refusing them all makes the rule independent of how connections were spread over the loops.
     */
    private void requireOffLoop() {
        requireNotOn(group, "a blocking call waits for the answer; use the async form on an I/O thread");
    }

    private static void requireNotOn(EventLoopGroup group, String why) {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException(why + ": expected a call from a thread that is not a client I/O"
                        + " thread, found " + Thread.currentThread().getName());
            }
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TupleSpaceException failure) {
                throw failure;
            }
            throw new IllegalStateException("unexpected failure: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestTimeoutException("interrupted while waiting for the answer; "
                    + AnswerMatcher.OUTCOME_UNKNOWN, e);
        }
    }
}
