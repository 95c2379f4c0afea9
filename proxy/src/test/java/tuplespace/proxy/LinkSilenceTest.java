package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;

/**
 * A primary link's silence judged against the proxy's own punctuality ({@link PrimaryLinkPinger#stoodStillWithin}):
 * a link is closed as dead after a silence the proxy watched, not after one during which its own loop stood still.
 */
class LinkSilenceTest {

    private static final Duration PING = Duration.ofMillis(200);
    private static final int MISSES = 5;

    private final EmbeddedChannel control = new EmbeddedChannel();
    private final ProxyConfig config = ProxyConfig.withDefaults(new Sap("127.0.0.1", 0), new Sap("127.0.0.1", 0),
            new Sap("127.0.0.1", 0)).withPing(PING, MISSES);
    private final ClientSessions sessions = new ClientSessions(config.maxClients(), 0x5107);
    private final ProxyContext context = new ProxyContext(config, 4242, sessions,
            new PrimaryRegistry(4242, sessions, Duration.ofMillis(200), Duration.ZERO),
            control.eventLoop(), ProxyInitializer.refusedPeers(), new RefusalLog());
    private final PrimaryLinkPinger pinger = new PrimaryLinkPinger(PING.toNanos());
    private final EmbeddedChannel primary = new EmbeddedChannel(pinger, new PrimaryBackendHandler(context, pinger));

    @Test
    void aSilenceWhileTheProxysLoopRanOnTimeClosesTheLinkAndTheLossSaysWhy() {
        ch.qos.logback.classic.Logger registryLog =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PrimaryRegistry.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        registryLog.addAppender(lines);
        try {
            register();
            long now = System.nanoTime();
            for (int i = 10; i >= 0; i--) {
                pinger.checkedAt(now - i * PING.toNanos()); // every check on time
            }

            primary.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);

            assertThat(primary.isActive()).isFalse();
            assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                    .filteredOn(line -> line.startsWith("primary_lost: "))
                    .singleElement().asString().contains("(silent for 5 × 200ms)");
        } finally {
            registryLog.detachAppender(lines);
        }
    }

    @Test
    void aSilenceDuringWhichTheProxysLoopStoodStillIsJudgedAgainAfterAnotherWindow() {
        register();
        long now = System.nanoTime();
        pinger.checkedAt(now - 3_000_000_000L);
        pinger.checkedAt(now - 100_000_000L); // 2.9 s without a check: the loop ran nothing, nor read the link

        primary.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);

        assertThat(primary.isActive()).as("the silence was the proxy's own").isTrue();
        assertThat(pinger.stoodStillWithin(PING.toNanos() * MISSES, now + PING.toNanos() * MISSES)).isFalse();
    }

    @Test
    void aStandstillLongerAgoThanTheWindowExcusesNothing() {
        register();
        long now = System.nanoTime();
        long window = PING.toNanos() * MISSES;
        pinger.checkedAt(now - window - 3_000_000_000L);
        pinger.checkedAt(now - window - 100_000_000L); // stood still, then ran on time for a whole window
        for (long at = now - window; at <= now; at += PING.toNanos()) {
            pinger.checkedAt(at);
        }

        primary.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);

        assertThat(primary.isActive()).isFalse();
    }

    private void register() {
        primary.writeInbound(new Frame.Register(1, 101, 101, new Sap("127.0.0.1", 9), 0, 0));
        assertThat((Object) primary.readOutbound()).isEqualTo(new Frame.Registered(4242));
    }
}
