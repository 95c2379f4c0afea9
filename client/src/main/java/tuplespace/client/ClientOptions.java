package tuplespace.client;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import tuplespace.codec.Durations;
import tuplespace.codec.frame.FrameCodec;

/**
 * How a {@link TupleSpaceClient} connects and waits.
 *
 * @param connectTimeout how long {@code connect} waits for the TCP connection
 * @param requestTimeout how long each request waits for its answer; longer than the proxy's
 *     {@code --primary-timeout} so that a failover shows as a late answer, not as a timeout
 * @param maxAnswerLength the longest answer accepted, in bytes (a longer one closes the connection)
 * @param eventLoopGroup the Netty event loops that run the connection's I/O, an NIO group ({@code NioIoHandler});
 *     empty: a process-wide group of daemon threads shared by all clients. A group given here stays the caller's
 *     to shut down: {@code close} never does (requests sent once it is shut down fail with
 *     {@link ConnectionLostException}).
 * @param authToken the token a proxy started with {@code --client-auth-file} requires; sent first on connecting
 * @param tls TLS to a proxy started with {@code --tls-cert}; empty: plain TCP
 */
public record ClientOptions(Duration connectTimeout, Duration requestTimeout, int maxAnswerLength,
                            Optional<EventLoopGroup> eventLoopGroup, Optional<String> authToken,
                            Optional<ClientTls> tls) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The largest answer the service sends (256 MiB, about six million one-field pairs): past it the service answers
     * {@code unavailable: answer too large} instead, so by default every answer the service sends is accepted.
     */
    public static final int DEFAULT_MAX_ANSWER_LENGTH = FrameCodec.MAX_ANSWER_BYTES;

    public ClientOptions {
        Durations.requirePositive("connectTimeout", connectTimeout);
        Durations.requirePositive("requestTimeout", requestTimeout);
        if (maxAnswerLength < 1) {
            throw new IllegalArgumentException("maxAnswerLength: expected a positive number of bytes, found " + maxAnswerLength);
        }
        Objects.requireNonNull(eventLoopGroup, "eventLoopGroup");
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(tls, "tls");
    }

    /** Options that use the shared event loops. */
    public ClientOptions(Duration connectTimeout, Duration requestTimeout, int maxAnswerLength) {
        this(connectTimeout, requestTimeout, maxAnswerLength, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static ClientOptions defaults() {
        return new ClientOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_ANSWER_LENGTH);
    }

    public ClientOptions withConnectTimeout(Duration timeout) {
        return new ClientOptions(timeout, requestTimeout, maxAnswerLength, eventLoopGroup, authToken, tls);
    }

    public ClientOptions withRequestTimeout(Duration timeout) {
        return new ClientOptions(connectTimeout, timeout, maxAnswerLength, eventLoopGroup, authToken, tls);
    }

    public ClientOptions withMaxAnswerLength(int bytes) {
        return new ClientOptions(connectTimeout, requestTimeout, bytes, eventLoopGroup, authToken, tls);
    }

    /** Runs the connection on {@code group} (which the caller shuts down, after closing its clients). */
    public ClientOptions withEventLoopGroup(EventLoopGroup group) {
        return new ClientOptions(connectTimeout, requestTimeout, maxAnswerLength, Optional.of(group), authToken, tls);
    }

    /** Sends {@code AUTH} with {@code token} first on every connection (a proxy with {@code --client-auth-file}). */
    public ClientOptions withAuthToken(String token) {
        return new ClientOptions(connectTimeout, requestTimeout, maxAnswerLength, eventLoopGroup, Optional.of(token), tls);
    }

    /** Connects with TLS, trusting as {@code tls} says. */
    public ClientOptions withTls(ClientTls newTls) {
        return new ClientOptions(connectTimeout, requestTimeout, maxAnswerLength, eventLoopGroup, authToken,
                Optional.of(newTls));
    }
}
