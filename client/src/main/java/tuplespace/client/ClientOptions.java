package tuplespace.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TupleSpaceClient} connects and waits.
 *
 * @param connectTimeout how long {@code connect} waits for the TCP connection
 * @param requestTimeout how long each request waits for its answer; longer than the proxy's
 *     {@code --primary-timeout} so that a failover shows as a late answer, not as a timeout
 * @param maxAnswerLength the longest answer accepted, in bytes (a longer one closes the connection)
 */
public record ClientOptions(Duration connectTimeout, Duration requestTimeout, int maxAnswerLength) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ANSWER_LENGTH = 64 * 1024 * 1024;

    public ClientOptions {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("requestTimeout", requestTimeout);
        if (maxAnswerLength < 1) {
            throw new IllegalArgumentException("maxAnswerLength: expected a positive number of bytes, found " + maxAnswerLength);
        }
    }

    public static ClientOptions defaults() {
        return new ClientOptions(DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_ANSWER_LENGTH);
    }

    public ClientOptions withConnectTimeout(Duration timeout) {
        return new ClientOptions(timeout, requestTimeout, maxAnswerLength);
    }

    public ClientOptions withRequestTimeout(Duration timeout) {
        return new ClientOptions(connectTimeout, timeout, maxAnswerLength);
    }

    public ClientOptions withMaxAnswerLength(int bytes) {
        return new ClientOptions(connectTimeout, requestTimeout, bytes);
    }

    private static void requirePositive(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + ": expected a positive duration, found " + duration);
        }
    }
}
