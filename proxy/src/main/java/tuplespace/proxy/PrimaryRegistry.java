package tuplespace.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;

/**
 * Which primary the proxy serves (SPEC §4, DESIGN "Failover" step 4). Mutated only on the control event loop,
 * where every primary connection lives; client loops only read {@link #current()} (volatile) and hop here with
 * {@code execute} to report a closed client.
 */
final class PrimaryRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryRegistry.class);

    /** Conns closed while no primary was registered, told to the next one; bounded so it cannot grow forever. */
    private static final int MAX_CLOSED_BACKLOG = 100_000;

    /**
     * Conns closed while a primary was registered, told again to the next primary: the old one may have crashed
     * before it replicated the CLOSED, which would leave their answer-table entries on the new one for ever.
     * Bounded by count and age (a CLOSED replicated long ago needs no repeat; a repeat is harmless).
     */
    private static final int MAX_RECENTLY_CLOSED = 4096;
    private static final long RECENTLY_CLOSED_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** A conn told CLOSED to the primary at a time. */
    private record ClosedConn(long conn, long closedAtNanos) {
    }

    private final ArrayDeque<ClosedConn> recentlyClosed = new ArrayDeque<>();
    private final String self;
    private final long proxyPid;
    private final ClientSessions sessions;
    private final ArrayDeque<Long> closedBacklog = new ArrayDeque<>();
    private volatile PrimaryLink current;
    /** The shutdown SAP of the primary registered last, kept when its link goes. */
    private volatile Sap lastShutdownSap;
    private volatile long highestEpoch = -1;
    private long highestEpochPid = -1; // control loop only
    private boolean stopping;

    PrimaryRegistry(String self, long proxyPid, ClientSessions sessions) {
        this.self = self;
        this.proxyPid = proxyPid;
        this.sessions = sessions;
    }

    /** The registered primary, or null while there is none. Any thread. */
    PrimaryLink current() {
        return current;
    }

    /**
     * The shutdown SAP of the primary registered last, even when its link is gone (it keeps its space and may still
     * be there), if one ever registered. Any thread.
     */
    Optional<Sap> lastShutdownSap() {
        return Optional.ofNullable(lastShutdownSap);
    }

    /** The highest epoch any primary registered with, if one did. Any thread. */
    Optional<Long> highestEpoch() {
        long epoch = highestEpoch;
        return epoch < 0 ? Optional.empty() : Optional.of(epoch);
    }

    /**
     * A primary says REGISTER on {@code channel}: accept an epoch higher than any seen, or the same (epoch, pid) as
     * the primary registered last (that primary reconnecting after it lost its link); else STALE_EPOCH and close.
     * Drops the older link, answers REGISTERED, then has every client resend its unanswered requests.
     * Returns the new link, or empty when refused.
     */
    Optional<PrimaryLink> register(Channel channel, Frame.Register register) {
        if (stopping) {
            LOG.warn("{} refused primary registration (epoch {}, pid {}): the proxy is shutting down", self,
                    register.epoch(), register.pid());
            channel.close();
            return Optional.empty();
        }
        boolean reconnecting = register.epoch() == highestEpoch && register.pid() == highestEpochPid;
        if (register.epoch() <= highestEpoch && !reconnecting) {
            // SPEC §4: a primary with a stale epoch is refused
            LOG.warn("{} stale_epoch: refused primary pid {} with epoch {}: epoch {} was already seen", self,
                    register.pid(), register.epoch(), highestEpoch);
            channel.writeAndFlush(new Frame.StaleEpoch(highestEpoch)).addListener(ChannelFutureListener.CLOSE);
            return Optional.empty();
        }
        if (reconnecting) {
            LOG.info("{} primary pid {} of epoch {} registers again on a new link", self, register.pid(),
                    register.epoch());
        }
        highestEpoch = register.epoch();
        highestEpochPid = register.pid();
        PrimaryLink older = current;
        PrimaryLink link = new PrimaryLink(channel, register);
        // REGISTERED goes first: client loops write requests only once they see the link published below
        link.send(new Frame.Registered(proxyPid));
        tellClosedBacklog(link);
        current = link;
        lastShutdownSap = link.shutdownSap();
        if (older != null) {
            LOG.info("{} dropping older {} for {}", self, older, link);
            older.channel().close();
        }
        LOG.info("{} primary_registered: {}", self, link);
        sessions.forEach(session -> session.executor().execute(session::resendUnansweredIfLinkChanged));
        return Optional.of(link);
    }

    /** The connection of a primary closed (or was found dead): it is lost at once (SPEC §4). */
    void linkClosed(Channel channel) {
        PrimaryLink link = current;
        if (link != null && link.channel() == channel) {
            current = null;
            if (stopping) {
                LOG.info("{} primary closed its link while the proxy shuts down: {}", self, link);
            } else {
                LOG.info("{} primary_lost: {}; holding client requests until a primary registers", self, link);
                // SPEC §4: the primary timeout of a request it had starts now
                sessions.forEach(session -> session.executor().execute(session::onPrimaryLost));
            }
        }
    }

    /** A client left: tell the primary its answers may go, or tell the next one. Control loop only. */
    void clientClosed(long conn) {
        PrimaryLink link = current;
        if (link != null) {
            link.send(new Frame.Closed(conn));
            if (recentlyClosed.size() == MAX_RECENTLY_CLOSED) {
                recentlyClosed.removeFirst();
            }
            recentlyClosed.addLast(new ClosedConn(conn, System.nanoTime()));
            return;
        }
        if (closedBacklog.size() == MAX_CLOSED_BACKLOG) {
            closedBacklog.removeFirst();
        }
        closedBacklog.addLast(conn);
    }

    /** From now on no primary may register (SHUTDOWN is under way). Control loop only. */
    void stopAcceptingRegistrations() {
        stopping = true;
    }

    private void tellClosedBacklog(PrimaryLink link) {
        long now = System.nanoTime();
        while (!recentlyClosed.isEmpty() && now - recentlyClosed.peekFirst().closedAtNanos() > RECENTLY_CLOSED_NANOS) {
            recentlyClosed.removeFirst();
        }
        for (ClosedConn closed : recentlyClosed) {
            link.send(new Frame.Closed(closed.conn()));
        }
        while (!closedBacklog.isEmpty()) {
            link.send(new Frame.Closed(closedBacklog.removeFirst()));
        }
    }
}
