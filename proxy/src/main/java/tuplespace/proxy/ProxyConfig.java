package tuplespace.proxy;

import java.time.Duration;
import java.util.Objects;
import tuplespace.codec.Durations;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.FrameCodec;

/**
 * Everything a proxy needs to run: its three SAPs (README "Running it") and its limits and timeouts.
 *
 * @param maxClients clients served at once; one more is refused (docs/protocol.md "Limits and failures")
 * @param primaryTimeout how long a request may be held with no primary registered (counted from max(arrival, primary
 *     lost)) before it is answered {@code unavailable} (docs/protocol.md "Limits and failures"), and its connection's
 *     other requests with it, until a primary registers; a registered primary's requests never expire here
 * @param maxLineBytes longest request line; a longer one is answered {@code malformed} and closes
 *     (docs/protocol.md "Limits and failures")
 * @param pingInterval a PING goes out on a primary's or follower's link idle this long; a link silent for
 *     {@code pingInterval × pingMisses} is dead (1 s by default, like the backup's hang detection): a lost primary
 *     whose replica follows here is replaced by it, a primary whose link closed registers again
 * @param networkTimeout bound on connecting to and hearing from the primary's shutdown SAP, on a new primary link's
 *     REGISTER, and on an idle shutdown-port connection
 * @param shutdownWait how long SHUTDOWN waits for the primary's answer (it saves its file first, for up to 30 s), and
 *     then for it to close its link before the proxy stops anyway
 * @param maxFrameBytes largest frame taken from the primary; a longer one is skipped and its request answered an error
 * @param ioThreads event loops for clients; the first also serves the primary link
 * @param clientBufferBytes per client, about how many bytes of answers waiting for its socket, of answers still to
 *     come and of request lines the proxy holds before it stops reading the client ({@code ClientBounds})
 * @param clientIdleTimeout a client connection with no request under way and nothing read or written for this long is
 *     told so and closed (docs/protocol.md "Limits and failures"); zero: never
 * @param answerMemoryBytes how many bytes of answers the proxy may hold for clients that do not read them before it
 *     closes the one holding the most ({@code AnswerMemoryGuard}); 0: a quarter of the JVM's direct memory limit
 * @param security who may talk to the proxy: the cluster secret of its PRIMARY_SAP and SHUTDOWN_SAP
 */
public record ProxyConfig(
        Sap clientSap,
        Sap primarySap,
        Sap shutdownSap,
        int maxClients,
        Duration primaryTimeout,
        int maxLineBytes,
        Duration pingInterval,
        int pingMisses,
        Duration networkTimeout,
        Duration shutdownWait,
        int maxFrameBytes,
        int ioThreads,
        int clientBufferBytes,
        Duration clientIdleTimeout,
        long answerMemoryBytes,
        ProxySecurity security) {

    /** Default PING interval. */
    public static final String DEFAULT_PING_INTERVAL = "200ms";
    /**
     * Default silent intervals before a primary link is closed: 1 s in all, what the backup allows its primary's
     * heartbeats too. A primary's loop is never held that long (long requests run beside it), so silence means a hung
     * or cut-off process.
     */
    public static final int DEFAULT_PING_MISSES = 5;

    /** Default longest request line: 1 MiB ({@code --max-line 1MiB}). */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    /**
     * Default largest inbound frame: 257 MiB, above the largest ANSWER a primary may send
     * ({@link FrameCodec#MAX_ANSWER_FRAME_LENGTH}, docs/internals.md); a longer one is skipped, not fatal.
     */
    public static final int DEFAULT_MAX_FRAME_BYTES = 257 << 20;

    /**
     * Default per-client buffer bound: 512 KiB. Far more than a client that reads needs in flight (8 answers of 64 KB,
     * 1024 small ones), and small enough that 64 clients that never read cost the proxy about 64 MiB and the primary
     * about 32 MiB, and make it compute about 20 answers each for nothing ({@code ClientBounds}).
     */
    public static final int DEFAULT_CLIENT_BUFFER_BYTES = 512 << 10;
    /** Smallest per-client buffer bound: below this a client is stopped and resumed all the time. */
    public static final int MIN_CLIENT_BUFFER_BYTES = 4 << 10;

    public ProxyConfig {
        Objects.requireNonNull(clientSap, "clientSap");
        Objects.requireNonNull(primarySap, "primarySap");
        Objects.requireNonNull(shutdownSap, "shutdownSap");
        requirePositive("maxClients", maxClients);
        Durations.requirePositive("primaryTimeout", primaryTimeout);
        requirePositive("maxLineBytes", maxLineBytes);
        Durations.requirePositive("pingInterval", pingInterval);
        requirePositive("pingMisses", pingMisses);
        Durations.requirePositive("networkTimeout", networkTimeout);
        Durations.requirePositive("shutdownWait", shutdownWait);
        if (maxFrameBytes <= maxLineBytes) {
            throw new IllegalArgumentException("maxFrameBytes: expected more than maxLineBytes " + maxLineBytes
                    + " (a frame carries a whole line), found " + maxFrameBytes);
        }
        requirePositive("ioThreads", ioThreads);
        if (clientBufferBytes < MIN_CLIENT_BUFFER_BYTES) {
            throw new IllegalArgumentException("clientBufferBytes: expected at least " + MIN_CLIENT_BUFFER_BYTES
                    + " bytes, found " + clientBufferBytes);
        }
        Objects.requireNonNull(clientIdleTimeout, "clientIdleTimeout");
        if (clientIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("clientIdleTimeout: expected zero (never) or a positive duration, found "
                    + Durations.text(clientIdleTimeout));
        }
        if (answerMemoryBytes < 0) {
            throw new IllegalArgumentException("answerMemoryBytes: expected zero (a quarter of the direct memory limit)"
                    + " or a positive number, found " + answerMemoryBytes);
        }
        Objects.requireNonNull(security, "security");
    }

    /** Defaults of {@link ProxyCommand} for the given SAPs. */
    public static ProxyConfig withDefaults(Sap clientSap, Sap primarySap, Sap shutdownSap) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, 64, Duration.ofSeconds(5), DEFAULT_MAX_LINE_BYTES,
                Durations.parse(DEFAULT_PING_INTERVAL), DEFAULT_PING_MISSES, Duration.ofSeconds(5),
                Duration.ofSeconds(45), DEFAULT_MAX_FRAME_BYTES, 1, DEFAULT_CLIENT_BUFFER_BYTES, Duration.ZERO, 0,
                ProxySecurity.none());
    }

    public ProxyConfig withMaxClients(int newMaxClients) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, newMaxClients, primaryTimeout, maxLineBytes,
                pingInterval, pingMisses, networkTimeout, shutdownWait, maxFrameBytes, ioThreads, clientBufferBytes,
                clientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withPrimaryTimeout(Duration newPrimaryTimeout) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, newPrimaryTimeout, maxLineBytes,
                pingInterval, pingMisses, networkTimeout, shutdownWait, maxFrameBytes, ioThreads, clientBufferBytes,
                clientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withMaxLineBytes(int newMaxLineBytes) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, newMaxLineBytes,
                pingInterval, pingMisses, networkTimeout, shutdownWait, maxFrameBytes, ioThreads, clientBufferBytes,
                clientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withPing(Duration newPingInterval, int newPingMisses) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, maxLineBytes,
                newPingInterval, newPingMisses, networkTimeout, shutdownWait, maxFrameBytes, ioThreads,
                clientBufferBytes, clientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withNetworkTimeout(Duration newNetworkTimeout) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, maxLineBytes,
                pingInterval, pingMisses, newNetworkTimeout, shutdownWait, maxFrameBytes, ioThreads, clientBufferBytes,
                clientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withShutdownWait(Duration newShutdownWait) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, maxLineBytes,
                pingInterval, pingMisses, networkTimeout, newShutdownWait, maxFrameBytes, ioThreads, clientBufferBytes,
                clientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withMaxFrameBytes(int newMaxFrameBytes) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, maxLineBytes,
                pingInterval, pingMisses, networkTimeout, shutdownWait, newMaxFrameBytes, ioThreads, clientBufferBytes,
                clientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withIoThreads(int newIoThreads) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, maxLineBytes,
                pingInterval, pingMisses, networkTimeout, shutdownWait, maxFrameBytes, newIoThreads, clientBufferBytes,
                clientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withClientBufferBytes(int newClientBufferBytes) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, maxLineBytes,
                pingInterval, pingMisses, networkTimeout, shutdownWait, maxFrameBytes, ioThreads, newClientBufferBytes,
                clientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withClientIdleTimeout(Duration newClientIdleTimeout) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, maxLineBytes,
                pingInterval, pingMisses, networkTimeout, shutdownWait, maxFrameBytes, ioThreads, clientBufferBytes,
                newClientIdleTimeout, answerMemoryBytes, security);
    }

    public ProxyConfig withAnswerMemoryBytes(long newAnswerMemoryBytes) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, maxLineBytes,
                pingInterval, pingMisses, networkTimeout, shutdownWait, maxFrameBytes, ioThreads, clientBufferBytes,
                clientIdleTimeout, newAnswerMemoryBytes, security);
    }

    public ProxyConfig withSecurity(ProxySecurity newSecurity) {
        return new ProxyConfig(clientSap, primarySap, shutdownSap, maxClients, primaryTimeout, maxLineBytes,
                pingInterval, pingMisses, networkTimeout, shutdownWait, maxFrameBytes, ioThreads, clientBufferBytes,
                clientIdleTimeout, answerMemoryBytes, newSecurity);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": expected a positive number, found " + value);
        }
    }
}
