package tuplespace.node;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;
import tuplespace.codec.netty.LoopPunctuality;
import tuplespace.failure.HeartbeatMonitor;
import tuplespace.replication.ReplicationMessage;

/**
 * The heartbeats a server exchanges with its peer, the same for both roles (docs/design.md "Processes and links"): from
 * the moment the replication link is up, a heartbeat on each of the peer's links every {@code --heartbeat-interval},
 * and the peer counted failed once it was silent past {@code --heartbeat-misses} intervals (or past the first-contact
 * grace before its first heartbeat: a starting JVM is slow). One per peer followed or supervised; {@link #stop} ends it.
 * On the node's event loop; the time it judges by is the node's {@code Ticker}.
 *
 * <p>A silence during which this node's own loop stood still ({@link LoopPunctuality}: its heartbeat ticks, scheduled
 * in real time, ran late) is judged again once the loop has run on time for a whole miss allowance: the loop read
 * nothing from the peer meanwhile. Counted failed, a live backup would drop its links and be restarted and resynced
 * by its primary, a whole copy of the space sent again, with one copy meanwhile.
 */
final class PeerHeartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(PeerHeartbeats.class);

    /** A cold backup JVM needs far longer for its first heartbeat than the miss allowance. */
    static final Duration FIRST_CONTACT_GRACE = Duration.ofSeconds(10);

    private final ServerNode node;
    private final Duration interval;
    private final HeartbeatMonitor monitor;
    private final String peer;
    private final Supplier<List<Channel>> links;
    private final BooleanSupplier quiet;
    private final LongSupplier forcedIndex;
    private final Consumer<String> failed;
    private final ScheduledFuture<?> task;
    private final LoopPunctuality punctuality;
    /** How long after a standstill of this loop a silence is not judged: the miss allowance. */
    private final long standstillWindowNanos;
    /** A verdict is being put off for a standstill: logged when it begins. */
    private boolean deferring;
    private boolean stopped;

    /**
     * Starts beating and watching now.
     *
     * @param peer what the peer is called in the failure's reason ("primary", "backup")
     * @param links the peer's links to beat on (those not active are skipped)
     * @param quiet while true, no heartbeat goes out and no failure is judged (the node is stopping or taking over)
     * @param forcedIndex what each heartbeat says of this node's log ({@code Heartbeat#forcedIndex})
     * @param failed gets the reason once the peer counts as failed (it may be told again: the caller ignores repeats)
     */
    PeerHeartbeats(ServerNode node, NodeConfig config, String peer, Supplier<List<Channel>> links,
                   BooleanSupplier quiet, LongSupplier forcedIndex, Consumer<String> failed) {
        this.node = node;
        this.interval = config.heartbeatInterval();
        this.monitor = new HeartbeatMonitor(interval, config.heartbeatMisses(), node.ticker().nanos(),
                FIRST_CONTACT_GRACE);
        this.peer = peer;
        this.links = links;
        this.quiet = quiet;
        this.forcedIndex = forcedIndex;
        this.failed = failed;
        long nanos = interval.toNanos();
        this.punctuality = new LoopPunctuality(nanos, System.nanoTime());
        this.standstillWindowNanos = interval.multipliedBy(config.heartbeatMisses()).toNanos();
        this.task = node.loop().scheduleAtFixedRate(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** A heartbeat from the peer: its own timer runs (this ends the first-contact grace). */
    void heard() {
        monitor.onHeartbeat(node.ticker().nanos());
    }

    /** Other traffic from the peer: alive, but it says nothing about its timer (the grace goes on). */
    void active() {
        monitor.onActivity(node.ticker().nanos());
    }

    /**
     * The peer, or this node, starts work that keeps it silent for up to {@code millis}: no failure is judged until
     * then.
     */
    void busy(long millis) {
        monitor.busyUntil(node.ticker().nanos() + TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /**
     * This node starts such work: the peer hears it on each of its links, where the heartbeats go, before the work, and
     * this node judges no silence of the peer's meanwhile either (it reads the peer's heartbeats only after the work).
     */
    void announceBusy(long millis) {
        for (Channel link : links.get()) {
            if (link != null && link.isActive()) {
                link.writeAndFlush(new ReplicationMessage.Busy(millis), link.voidPromise());
            }
        }
        busy(millis);
    }

    void stop() {
        stopped = true;
        task.cancel(false);
    }

    private void tick() {
        // the ticks run in the loop's time, which is real time whatever the ticker says (a test's ticker jumps)
        long tickedNanos = System.nanoTime();
        punctuality.checkedAt(tickedNanos);
        if (stopped || quiet.getAsBoolean()) {
            return;
        }
        ReplicationMessage.Heartbeat beat = new ReplicationMessage.Heartbeat(node.serverId(), forcedIndex.getAsLong());
        for (Channel link : links.get()) {
            if (link != null && link.isActive()) {
                link.writeAndFlush(beat, link.voidPromise());
            }
        }
        long now = node.ticker().nanos();
        if (!monitor.failed(now)) {
            deferring = false;
            return;
        }
        String silence = monitor.missed(now) + " intervals of " + Durations.text(interval);
        if (punctuality.stoodStillWithin(standstillWindowNanos, tickedNanos)) {
            if (!deferring) {
                deferring = true;
                LOG.info("no heartbeat from the {} for {}, but this node's own loop stood still meanwhile (its"
                        + " heartbeat ticks ran late): judged again after {} of ticks on time", peer, silence,
                        Durations.text(Duration.ofNanos(standstillWindowNanos)));
            }
            return;
        }
        failed.accept("no heartbeat from the " + peer + " for " + silence);
    }
}
