package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static tuplespace.proxy.ProxyRelayTest.PRIMARY_SHUTDOWN_SAP;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;
import tuplespace.codec.frame.Frame;

/**
 * A real proxy whose primary port the tests of its witness role talk to with {@link FakePrimary} links, playing
 * primaries and backups ({@code @RegisterExtension final WitnessFixture witness = new WitnessFixture();}): it pings
 * every 100 ms, records what the primary registry logs at ERROR, and stops after each test.
 */
final class WitnessFixture implements BeforeEachCallback, AfterEachCallback {

    /** The server ids the tests give the primary and the backup it names its replica. */
    static final long PRIMARY = 0x1111;
    static final long BACKUP = 0x2222;

    private final Logger registryLog = (Logger) LoggerFactory.getLogger(PrimaryRegistry.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private ProxyServer proxy;

    @Override
    public void beforeEach(ExtensionContext context) {
        lines.start();
        registryLog.addAppender(lines);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            stop();
        } finally {
            registryLog.detachAppender(lines);
        }
    }

    /**
     * A proxy that counts a link lost after 3 s of silence: longer than any wait here in which a peer reads nothing.
     */
    ProxyServer start() throws IOException {
        return start(30);
    }

    /** A proxy that counts a link lost after {@code pingMisses} PINGs unanswered, 100 ms apart. */
    ProxyServer start(int pingMisses) throws IOException {
        proxy = ProxyServer.start(config(pingMisses));
        return proxy;
    }

    /**
     * A proxy whose registry's waits (seconds in a proxy: the late follower's grace, PROMOTE refused after the start,
     * the returning followers' window) are {@code each}, for the tests that wait one out. Whole seconds: PROMOTE's
     * refusal names the wait in seconds.
     */
    ProxyServer startWaiting(int pingMisses, Duration each) throws IOException {
        proxy = ProxyRelayTest.startWithWaits(config(pingMisses), each);
        return proxy;
    }

    /** Stops the proxy started last, if any (a test may start another after it). */
    void stop() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    private static ProxyConfig config(int pingMisses) {
        return ProxyRelayTest.testConfig().withPing(Duration.ofMillis(100), pingMisses);
    }

    /** What the registry logged at ERROR: where nobody serves until the operator (or a server's start) acts. */
    List<String> operatorAlerts() {
        synchronized (lines) { // appended to on the proxy's loops, under the appender's lock
            return lines.list.stream().filter(line -> line.getLevel() == Level.ERROR)
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /**
     * A primary of {@code epoch} that names {@code backup} (server {@link #BACKUP}) its replica registers, the backup
     * follows it, and the primary's link closes: what the backup receives next (its PROMOTE).
     */
    Frame lostWhileFollowed(FakePrimary backup, long epoch) throws IOException {
        try (FakePrimary primary = FakePrimary.connect(proxy.primaryAddress())) {
            assertThat(register(primary, epoch, PRIMARY, BACKUP)).isInstanceOf(Frame.Registered.class);
            backup.send(new Frame.Follow(epoch, BACKUP));
            nothingWithin(backup);
        }
        return backup.receive();
    }

    /** Registers {@code link} as primary {@code server} of {@code epoch} naming {@code replica}; the proxy's answer. */
    static Frame register(FakePrimary link, long epoch, long server, long replica) throws IOException {
        link.send(new Frame.Register(epoch, 4000 + server, server, PRIMARY_SHUTDOWN_SAP, 0, replica));
        return link.receive();
    }

    /** Waits until the proxy's STATUS counts {@code followers} backups that follow. */
    static void awaitFollowers(LineClient admin, int followers) {
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.send("STATUS").readLine()
                .contains("\"followers\":" + followers + ","));
    }

    /**
     * The first frame other than a PING (answered) that {@code link} receives within {@code limit}; an AssertionError
     * once it is over (the proxy's PINGs keep a plain read from ever timing out).
     */
    static Frame receiveWithin(FakePrimary link, Duration limit) throws IOException {
        return nextFrameWithin(link, limit).orElseThrow(() -> new AssertionError("expected a frame within " + limit
                + ", found only PINGs"));
    }

    /** True if nothing but PINGs (answered, as a live peer does) arrives for half a second. */
    static boolean nothingWithin(FakePrimary link) throws IOException {
        return nothingWithin(link, Duration.ofMillis(500));
    }

    /** True if nothing but PINGs (answered) comes on {@code link} within {@code limit}; an AssertionError otherwise. */
    static boolean nothingWithin(FakePrimary link, Duration limit) throws IOException {
        Optional<Frame> frame = nextFrameWithin(link, limit);
        if (frame.isPresent()) {
            throw new AssertionError("expected nothing, found " + frame.get());
        }
        return true;
    }

    /** The first frame other than a PING (answered) that {@code link} receives within {@code limit}; empty if none. */
    private static Optional<Frame> nextFrameWithin(FakePrimary link, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                link.readTimeout(Duration.ofNanos(Math.max(left, 1_000_000)));
                Frame frame;
                try {
                    frame = link.receiveAny();
                } catch (SocketTimeoutException quiet) {
                    return Optional.empty();
                }
                if (frame instanceof Frame.Ping ping) {
                    link.send(new Frame.Pong(ping.nanos()));
                } else {
                    return Optional.of(frame);
                }
            }
            return Optional.empty();
        } finally {
            link.readTimeout(Duration.ofSeconds(5));
        }
    }
}
