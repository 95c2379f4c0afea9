package tuplespace.node;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;
import tuplespace.codec.Sap;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.frame.Frame;
import tuplespace.node.persistence.Recovered;
import tuplespace.node.persistence.RecoveredTo;
import tuplespace.node.persistence.SnapshotContent;
import tuplespace.ops.OperatorEvent;
import tuplespace.replication.Change;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicatedState;
import tuplespace.replication.ReplicationFrames;
import tuplespace.replication.ReplicationInvariantException;
import tuplespace.replication.ReplicationMessage;
import tuplespace.space.IoFailure;

/**
 * The backup (docs/design.md "Failover"): listens on BACKUP_SAP, applies its primary's snapshot and entries (never
 * evaluating a pattern), acknowledges them, exchanges heartbeats, and once it holds a complete copy follows its primary
 * at the proxy ({@link FollowLink}). It takes over when the proxy promotes it: the proxy has lost the primary too, and
 * that primary named this backup its replica (or served on one copy from the node directory this backup recovered);
 * on the same machine it kills the primary's pid first. A backup that loses
 * its primary on its own view (a crash, a hang, or only a cut link between the two) waits for the proxy; a new primary
 * connecting meanwhile (the link healed, or the primary restarting its backup) starts it over with a fresh snapshot.
 * A broken invariant (gap, stale epoch, digest mismatch) stops the process with status 1.
 *
 * <p>With a data directory ({@link NodeStorage}) the backup writes the state its snapshot ends with as a snapshot file,
 * then logs every entry after it; with {@code always} it acknowledges an index only once it is forced, so that a sync
 * answer is on both disks. With {@code everysec} and {@code no} it acknowledges what it applied and checked, its log
 * written beside (the primary's answers wait for the primary's own write). A disk that fails stops the backup (status
 * 1): its primary serves on and starts a new one.
 */
final class BackupNode implements NodeStorage.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(BackupNode.class);
    static final Duration FENCING_LIMIT = Duration.ofSeconds(5);
    /** How long a refused primary's link stays open after the reason went, for the primary to read it and close. */
    static final Duration REFUSED_LINGER = Duration.ofSeconds(10);
    /** Set on a connection whose snapshot this backup refused: what it sends from then on is dropped. */
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("tuplespace.backup.refused");

    private final ServerNode node;
    private final NodeConfig config;
    /**
     * The primary on this machine, killed before a takeover; empty when it runs on another (the proxy fences). It
     * changes when another primary syncs this backup ({@link #followAnotherPrimary}).
     */
    private Optional<Long> primaryPid;
    private Optional<ProcessHandle> primaryProcess;
    private final long pid = ProcessHandle.current().pid();
    private BackupCopy copy;
    private final FollowLink follow;
    /** The primary followed was lost on this backup's own view; it waits for PROMOTE or a new primary. */
    private boolean primaryGone;
    /** A primary began a snapshot on the replication link once: from then on this backup waits for good. */
    private boolean primaryConnected;
    private Channel server;
    private Channel replication;
    private Channel heartbeat;
    private PeerHeartbeats heartbeats;
    /**
     * The acknowledgement of the snapshot's end was written: only now may this backup take over (it follows at the
     * proxy). The proxy promotes it only once its primary named it the replica, which that primary does once this
     * backup has acknowledged what every answer it sent depends on (docs/design.md "Nothing leaves before the backup
     * has it"); before, this copy may lack acknowledged writes.
     */
    private boolean mayTakeOver;
    private boolean stopping;
    private boolean takingOver;
    /** A standby ({@code --standby}) that was not told to serve yet: a signal changes nothing for the service. */
    private boolean waitingAsStandby;
    /**
     * Entries were applied since the last acknowledgement: one cumulative {@code Ack} goes at the end of the read
     * batch that carried them ({@code channelReadComplete}), not one per message, and never waits for a timer.
     */
    private boolean acknowledgementDue;
    private final Optional<NodeStorage> storage;
    /** The index of the last acknowledgement sent; -1 before the first. */
    private long acknowledged = -1;
    /**
     * How many times the copy started over: a snapshot's state still being written when a new snapshot began belongs
     * to the copy before, and what becomes of it must not touch the new one's log.
     */
    private long startsOver;

    BackupNode(ServerNode node, NodeConfig config) {
        this.node = node;
        this.config = config;
        this.primaryPid = config.primaryPid();
        this.primaryProcess = primaryPid.flatMap(Fencing::handleOf);
        this.follow = new FollowLink(node, config, this::promoted, () -> copy.lastIndex());
        this.storage = node.storage();
        this.copy = new BackupCopy(storage);
        storage.ifPresent(disk -> disk.attach(this));
    }

    /**
     * The backup a primary becomes after it stepped down (docs/design.md "Switchover"): it keeps {@code state}, which
     * its replica, now the primary, holds too at {@code index} of {@code epoch}, and waits for that primary to resume
     * it.
     */
    static BackupNode afterStepDown(ServerNode node, NodeConfig config, ReplicatedState state, long epoch, long index) {
        BackupNode backup = new BackupNode(node, config);
        backup.copy = BackupCopy.afterStepDown(backup.storage, state, epoch, index);
        return backup;
    }

    /**
     * A backup started on a data directory that holds a state ({@code recovered}): it keeps that state as its copy
     * until a primary whose state is not older replaces it ({@link BackupCopy#recovered}).
     */
    static BackupNode withRecoveredCopy(ServerNode node, NodeConfig config, Recovered recovered) {
        BackupNode backup = new BackupNode(node, config);
        backup.copy = BackupCopy.recovered(backup.storage, recovered.state(), recovered.lastEpoch(),
                recovered.lastIndex(), recovered.lastEpochServer(),
                backup.storage.map(NodeStorage::highestEpoch).orElse(0L),
                backup.storage.map(NodeStorage::epochServer).orElse(0L),
                backup.storage.map(NodeStorage::recoveredCopyOf).orElse(RecoveredTo.NONE));
        return backup;
    }

    void start() {
        node.stopsOnSignalBy(() -> {
            if (!stopping) {
                node.warnStopsOnSignal(waitingAsStandby ? "it was a standby JVM kept for the next backup: the"
                        + " service is unchanged" : takingOver ? "it was taking over as the primary the proxy"
                        + " promoted: nothing serves until a server is started again" : "its primary goes on as after"
                        + " a crash of this process (one that started it starts another)");
                stop(1);
            }
        });
        if (config.standby()) {
            waitForRelease();
            return;
        }
        listen();
    }

    /**
     * A standby (docs/design.md "Failover", {@link Standby}) binds nothing until the server that started it, needing a
     * backup now, tells it to serve on its standard input; if that input ends first, its starter is gone and it exits.
     * Its JVM has started meanwhile, so a primary that needs a backup gets one without waiting for a JVM to start.
     */
    private void waitForRelease() {
        waitingAsStandby = true;
        LOG.info("standby for pid {}: waiting until it needs a backup", primaryPid.map(String::valueOf).orElse("?"));
        Thread reader = new Thread(() -> {
            boolean released;
            try {
                released = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine() != null;
            } catch (IOException e) {
                released = false;
            }
            boolean serve = released;
            node.loop().execute(() -> {
                waitingAsStandby = false;
                if (serve) {
                    LOG.info("standby released: serving as the backup of pid {}", primaryPid.orElse(-1L));
                    listen();
                } else {
                    LOG.info("standby: the process that started it is gone; exiting");
                    stop(0);
                }
            });
        }, "standby-release");
        reader.setDaemon(true);
        reader.start();
    }

    private void listen() {
        // Listen at once: the resync (and the primary's time on one copy) starts when we are connected. The
        // serving path is warmed once we have caught up (prepareToServe).
        node.network().bind(config.backupSap(), LinkRole.REPLICATION, replicationInitializer(),
                NodeNetwork.deadline(Duration.ofSeconds(5)), bound -> server = bound,
                cause -> {
                    // not a broken invariant: another process listens there, often a backup that outlived an earlier
                    // primary, which the primary that started this one keeps when it reaches it there
                    LOG.error("the backup cannot bind BACKUP_SAP {}: {}; it exits (a backup that outlived an earlier"
                            + " primary may hold it: the primary that started this one then keeps that backup)",
                            NodeNetwork.describe(config.backupSap()), IoFailure.describe(cause));
                    stop(1);
                });
        if (primaryPid.isEmpty()) {
            // a backup on its own machine waits for a primary as long as it takes (an operator started it); with a copy
            // of its own, maybe the only one left, it waits where an operator can promote it
            if (copy.recovered() && !copy.holdsNothing()) {
                LOG.info("backup holds a copy of epoch {} up to index {} ({} pairs) from its data directory: it follows"
                        + " at the proxy with it while it waits for a primary to judge it, so that PROMOTE can serve"
                        + " it if that primary's machine is lost for good", copy.epoch(), copy.lastIndex(),
                        copy.size());
                followWithRecoveredCopy();
            }
            return;
        }
        // A child whose primary never reached it has nothing to keep. One that was reached holds what the primary
        // sent, maybe every acknowledged write: after losing its primary it waits for PROMOTE (an operator's, where
        // the proxy knows no replica) or a new primary as long as it takes; exiting lost the only copy.
        node.loop().schedule(() -> {
            if (!primaryConnected && !stopping && !takingOver) {
                LOG.error("backup: no primary connected within {} (--backup-orphan-timeout); exiting",
                        Durations.text(config.backupOrphanTimeout()));
                stop(1);
            }
        }, config.backupOrphanTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    // --- replication ----------------------------------------------------------------------------------

    private void onMessage(Channel channel, ReplicationMessage message) {
        if (channel.hasAttr(REFUSED)) {
            return; // what a refused primary sent before it read why: dropped until it closes
        }
        if (channel != replication) {
            adoptOrReject(channel, message);
            return;
        }
        if (message instanceof ReplicationMessage.Heartbeat beat) {
            heartbeats.heard(); // the primary beats on this link too, from the moment it is up
            copy.primaryForced(beat.forcedIndex());
            return;
        }
        if (message instanceof ReplicationMessage.Busy busy) {
            heartbeats.busy(busy.millis());
            return;
        }
        heartbeats.active(); // alive, but only a heartbeat ends the first-contact grace
        if (message instanceof ReplicationMessage.Entries entries) {
            onEntries(entries);
        } else if (message instanceof ReplicationMessage.SnapshotAnswers chunk) {
            copy.answers(chunk);
        } else if (message instanceof ReplicationMessage.SnapshotPairs pairs) {
            copy.pairs(pairs);
        } else if (message instanceof ReplicationMessage.SnapshotEnd end) {
            onSnapshotEnd(end);
        } else if (message instanceof ReplicationMessage.Stop stop) {
            LOG.info("backup told to stop: {}", stop.reason());
            stop(0);
        } else {
            LOG.warn("backup ignores an unexpected {} on the replication link", message.getClass().getSimpleName());
        }
    }

    /** The first connection that opens with a snapshot is the primary's; any other is a stray and is closed. */
    private void adoptOrReject(Channel channel, ReplicationMessage message) {
        if (message instanceof ReplicationMessage.Stop && replication == null && primaryGone) {
            // a primary that never synced this backup (its own child still starting at SHUTDOWN) reached it instead:
            // its stop is not for the copy this backup holds, maybe the only one
            LOG.warn("backup ignores a stop from a primary that never synced it: it holds a copy of epoch {} up to"
                    + " index {}, and waits for PROMOTE or its primary", copy.epoch(), copy.lastIndex());
            channel.close();
            return;
        }
        if (message instanceof ReplicationMessage.Stop stop && replication == null && !takingOver) {
            // SHUTDOWN while this backup was still starting: the primary connects only to say so (exit 0).
            LOG.info("backup told to stop before its snapshot began: {}", stop.reason());
            stop(0);
            return;
        }
        if (!(message instanceof ReplicationMessage.SnapshotBegin begin) || replication != null || stopping || takingOver) {
            LOG.warn("backup closes a connection that is not its primary's replication link");
            channel.close();
            return;
        }
        // a copy to keep: its primary lost, or it stepped down, or recovered from its own directory
        boolean holdsCopy = primaryGone || copy.resumable() || copy.recovered();
        Optional<String> newer = holdsCopy && !begin.resume() ? copy.newerThan(begin) : Optional.empty();
        if (newer.isPresent()) {
            refuseOlderPrimary(channel, begin, newer.get());
            return;
        }
        if (begin.resume()) {
            Optional<String> refused = primaryGone ? Optional.of("lost its primary since")
                    : copy.refusesResumeAt(begin.index());
            if (refused.isPresent()) {
                LOG.warn("backup refuses to resume at index {}: it {}", begin.index(), refused.get());
                channel.close();
                return;
            }
            LOG.info("backup resumes at index {} with the {} pairs it holds: no snapshot needed", begin.index(),
                    copy.size());
        } else if (holdsCopy) {
            startOver(begin);
        }
        if (primaryPid.isPresent() && begin.primaryPid() != primaryPid.get()) {
            followAnotherPrimary(begin);
        }
        replication = channel;
        primaryConnected = true;
        copy.begin(begin);
        node.setEpoch(begin.epoch());
        storage.ifPresent(disk -> disk.recordEpoch(begin.epoch(), begin.primaryServer()).whenComplete((done, failure) -> {
            if (failure != null && !stopping && !takingOver) {
                exitOnDiskFailure("record epoch " + begin.epoch() + " in its data directory", failure);
            }
        }));
        // Both links: the primary hears us from the moment the replication link is up, before the heartbeat link is.
        heartbeats = new PeerHeartbeats(node, config, "primary", () -> java.util.Arrays.asList(heartbeat, replication),
                () -> stopping || takingOver || primaryGone, () -> -1, this::primaryLost);
        connectHeartbeat(sapOf(begin.heartbeatSap()));
        LOG.info("backup following primary epoch {} from index {}", begin.epoch(), begin.index());
    }

    /**
     * A primary other than PRIMARY_HANDLE's pid syncs this backup (it outlived that primary, and the same command lines
     * ran again): the pid to fence at a takeover is the new one's, if it is a server on this machine (its HEARTBEAT_SAP
     * is an address of this machine, and the pid a tuplespace process here); never the old pid, which another process
     * may have by now. Otherwise the proxy alone fences.
     */
    private void followAnotherPrimary(ReplicationMessage.SnapshotBegin begin) {
        long pid = begin.primaryPid();
        Optional<ProcessHandle> process = onThisMachine(begin.heartbeatSap())
                ? Fencing.handleOf(pid).filter(handle -> handle.info().commandLine()
                        .map(line -> line.contains("tuplespace")).orElse(false))
                : Optional.empty();
        LOG.warn("backup: the snapshot comes from pid {}, PRIMARY_HANDLE is {}; following it, and fencing {} at a"
                + " takeover", pid, primaryPid.orElseThrow(), process.isPresent() ? "pid " + pid : "by the proxy alone");
        primaryPid = process.map(ProcessHandle::pid);
        primaryProcess = process;
    }

    /** {@code sap}'s host is an IP address of this machine (a name is not resolved here: then false). */
    private static boolean onThisMachine(String sap) {
        try {
            InetAddress host = NetUtil.createInetAddressFromIpAddressString(Sap.parse(sap).host());
            return host != null && (host.isLoopbackAddress() || NetworkInterface.getByInetAddress(host) != null);
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A primary whose state is older than this backup's copy connects (a fresh server started beside a restarted proxy,
     * where the proxy remembers no epoch): its snapshot would replace acknowledged writes that only this copy holds. It
     * is told why, and stops (PrimaryNode); this backup keeps waiting for PROMOTE or a newer primary.
     */
    private void refuseOlderPrimary(Channel channel, ReplicationMessage.SnapshotBegin begin, String why) {
        String discard = copy.recovered()
                ? "stop it and move its node directory " + storage.map(NodeStorage::nodeId).map(id -> "DIR/node-" + id)
                        .orElse("") + " away to discard it"
                : "stop it to discard it";
        String reason = "backup pid " + pid + " at " + NodeNetwork.describe(config.backupSap()) + " " + why
                + ", and keeps it: promote it (./tuplespace promote PROXY_SHUTDOWN_SAP) to serve that copy, or "
                + discard + " (when this server's INIT_FILE holds the newer state, such as one saved by SHUTDOWN"
                + " while that backup was cut off)";
        LOG.warn("backup refuses the snapshot of primary pid {} (epoch {}, index {}): it {}", begin.primaryPid(),
                begin.epoch(), begin.index(), why);
        if (copy.recovered() && !primaryGone) {
            followWithRecoveredCopy();
        }
        // Closed at once, the frames still coming would reset the link, and a primary may lose the reason unread.
        // Its own side is shut instead (the primary reads the reason, then the end), and the link closes when the
        // primary closes it, or after REFUSED_LINGER; what comes meanwhile is dropped.
        channel.attr(REFUSED).set(Boolean.TRUE);
        channel.writeAndFlush(new ReplicationMessage.Refused(reason)).addListener(written -> {
            if (written.isSuccess() && channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                channel.close();
            }
        });
        channel.eventLoop().schedule(() -> channel.close(), REFUSED_LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Follows at the proxy with the copy recovered from this backup's own directory, complete as of its last entry, so
     * that an operator can promote it, and waits there as a backup that outlived its primary does, however long. A
     * primary that connects later is still judged against it ({@link BackupCopy#newerThan}); one that is not older
     * replaces it ({@link #startOver}), and the backup follows again once it holds that primary's copy.
     */
    private void followWithRecoveredCopy() {
        primaryGone = true;
        primaryConnected = true;
        mayTakeOver = true;
        follow.follow(copy.epoch(), copy.followedServer(), true);
    }

    /**
     * A primary connects after the one followed was lost (a healed link, a new primary): what this backup holds is
     * dropped, and the new snapshot makes it a copy again. Until that snapshot ends it may not take over, and it
     * follows at the proxy only once it does.
     */
    private void startOver(ReplicationMessage.SnapshotBegin begin) {
        LOG.info("backup starts over: primary pid {} of epoch {} sends a new snapshot from index {}", begin.primaryPid(),
                begin.epoch(), begin.index());
        follow.stop();
        closeFollowedLinks();
        copy.clear();
        mayTakeOver = false;
        primaryGone = false;
        acknowledgementDue = false;
        acknowledged = -1;
        startsOver++;
    }

    private static java.net.InetSocketAddress sapOf(String sap) {
        return Sap.parse(sap).toSocketAddress();
    }

    private void onSnapshotEnd(ReplicationMessage.SnapshotEnd end) {
        CompletableFuture<?> stored = copy.end(end);
        LOG.info("backup caught up at index {} with {} pairs", copy.lastIndex(), copy.size());
        long copyOfThisSnapshot = startsOver;
        stored.whenComplete((info, failure) -> {
            if (copyOfThisSnapshot == startsOver) { // else a newer snapshot's state is on its way to the disk
                stateOnDisk(failure);
            }
        });
        prepareToServe();
    }

    /** A backup whose disk fails exits (its primary starts another): {@code what} it could not do, and why. */
    private void exitOnDiskFailure(String what, Throwable failure) {
        node.notifyOperator(OperatorEvent.DISK_ERROR, "the backup could not " + what + " ("
                + IoFailure.describe(failure) + "); it exits");
        stop(1);
    }

    /**
     * The snapshot's state is on disk (or could not be written; without a data directory, at once): log what came after
     * it, and acknowledge.
     */
    private void stateOnDisk(Throwable failure) {
        if (stopping || takingOver) {
            return;
        }
        if (failure != null) {
            exitOnDiskFailure("write its primary's state to its data directory", failure);
            return;
        }
        copy.stateStored();
        acknowledge();
    }

    /**
     * A backup may have to serve: its serving path is warmed (class loading, first compilations) on scratch state,
     * on a thread of its own, so that a takeover's first requests do not pay for it; then it starts a standby, for the
     * first backup it needs if it takes over. One after the other: from now on the primary's answers wait for this
     * backup's acknowledgements, and the warm-up's compilations and a JVM's start at once starved its loop on a small
     * machine (a 68 ms silence for every client). Not before the snapshot: the primary runs on one copy until we are
     * live, and the warm-up's CPU would make that longer.
     */
    private void prepareToServe() {
        ServingWarmUp.start(node.evaluator(), config.matchLimits())
                .thenRun(() -> node.loop().execute(() -> {
                    if (!stopping) {
                        node.standby().ensure(config);
                    }
                }));
    }

    private void onEntries(ReplicationMessage.Entries entries) {
        long pairs = 0;
        for (Replicated entry : entries.entries()) {
            if (entry.change() instanceof Change.Applied applied) {
                pairs += applied.effect().written().size() + applied.effect().removed().size();
            }
        }
        // the effect of a request of megabytes or of a DELETE of many pairs: applying it keeps this loop from the
        // proxy's link for a second or more (the primary announced its own work to the proxy and to us the same way)
        BusyWork.forPairs(pairs).ifPresent(follow::busy);
        if (copy.entries(entries)) {
            acknowledgementDue = true;
        }
        node.setEpoch(copy.epoch());
    }

    /**
     * Acks are cumulative (docs/internals.md), so one per read batch covers every entry in it; it names only
     * indexes already applied and checked, and leaves as the batch ends, so sync answers wait no longer.
     */
    private void acknowledgeReadBatch() {
        if (!acknowledgementDue || stopping || takingOver) {
            return;
        }
        acknowledgementDue = false;
        acknowledge();
    }

    /**
     * Acknowledges every index applied, checked and (with a data directory) logged as the fsync mode requires, unless
     * that was acknowledged already. Once the first acknowledgement (the snapshot's end) is written, this backup may
     * take over.
     */
    private void acknowledge() {
        long index = copy.acknowledgeable();
        if (index <= acknowledged || replication == null) {
            return;
        }
        boolean first = acknowledged < 0;
        acknowledged = index;
        ReplicationMessage.Ack ack = new ReplicationMessage.Ack(index, copy.digest(), pid, node.serverId());
        if (first) {
            long followed = copy.epoch();
            long followedServer = copy.followedServer();
            replication.writeAndFlush(ack).addListener(written -> {
                if (written.isSuccess() && !mayTakeOver && !stopping && !takingOver) {
                    mayTakeOver = true;
                    // the primary names us its replica to the proxy on this acknowledgement
                    follow.follow(followed, followedServer, false);
                }
            });
        } else {
            replication.writeAndFlush(ack, replication.voidPromise());
        }
    }

    // --- the data directory's view, called by NodeStorage ---------------------------------------------

    @Override
    public void logged(long index) {
        if (!stopping && !takingOver) {
            acknowledge();
        }
    }

    @Override
    public void diskFailed(String reason) {
        if (!stopping && !takingOver) {
            LOG.error("backup cannot log what it receives ({}); it exits and its primary starts another", reason);
            stop(1);
        }
    }

    @Override
    public void diskRecovered() {
        // a backup whose disk failed has stopped
    }

    @Override
    public Optional<SnapshotContent> snapshotContent() {
        return stopping || takingOver ? Optional.empty() : copy.snapshotContent();
    }

    // --- heartbeats and failure detection ---------------------------------------------------------------

    private void connectHeartbeat(java.net.InetSocketAddress primaryHeartbeatSap) {
        Channel followed = replication;
        node.network().connect(primaryHeartbeatSap, LinkRole.HEARTBEAT, heartbeatInitializer(),
                NodeNetwork.deadline(Duration.ofSeconds(3)),
                () -> !stopping && !takingOver && replication == followed && followed != null,
                channel -> {
                    if (replication != followed) {
                        channel.close();
                        return;
                    }
                    heartbeat = channel;
                    channel.writeAndFlush(new ReplicationMessage.Heartbeat(node.serverId(), -1));
                },
                cause -> {
                    if (replication == followed) {
                        primaryLost("could not open the heartbeat link to the primary's HEARTBEAT_SAP "
                                + NodeNetwork.describe(primaryHeartbeatSap) + ": " + cause);
                    }
                });
    }

    /**
     * This backup lost its primary. Without a complete copy it can never take over and exits. Otherwise it
     * fences a primary on this machine (kills its pid: that also closes the primary's link at the proxy at once), and
     * either way waits: the proxy promotes it if it lost the primary too (a crash, a hang, a primary cut off from the
     * proxy), and a primary that is alive (only the link between the two was cut) connects again and starts it over.
     */
    private void primaryLost(String why) {
        if (stopping || takingOver || primaryGone) {
            return;
        }
        if (!mayTakeOver) {
            node.notifyOperator(OperatorEvent.TAKEOVER_REFUSED, why + "; this backup had not acknowledged the end of"
                    + " its snapshot, so it holds no complete copy: it neither fences primary "
                    + primaryPid.map(pid -> "pid " + pid).orElse("(another machine)") + " nor takes over, and exits");
            stop(1);
            return;
        }
        primaryGone = true;
        closeFollowedLinks();
        if (primaryPid.isEmpty()) {
            node.notifyOperator(OperatorEvent.PRIMARY_UNREACHABLE, why + "; waiting: " + promotion("the primary", "")
                    + ", and a primary that is alive connects again");
            return;
        }
        // Not fenced now: only the proxy knows whether the primary is gone (a starved machine misses heartbeats), and a
        // primary killed before it named this backup its replica would leave nobody the proxy may promote. The
        // promotion fences it (promoted); a primary that is alive restarts its backup.
        node.notifyOperator(OperatorEvent.PRIMARY_FAILED, why + "; waiting: " + promotion("primary pid "
                + primaryPid.get(), " (that pid is killed then)"));
    }

    /**
     * What a backup that lost {@code primary} waits for: the proxy, which promotes it if it lost that primary too
     * ({@code promoted}: what a promotion does besides). Said so when no link to the proxy is open (none is up, or it
     * cannot be reached from here), since then nothing happens until one is; and when the proxy said a newer epoch
     * serves, since then it promotes nobody here.
     */
    private String promotion(String primary, String promoted) {
        String promotes = "promotes this backup if it lost " + primary + " too" + promoted;
        if (follow.linked()) {
            return "the proxy " + promotes;
        }
        OptionalLong newer = follow.newerEpochSeen();
        if (newer.isPresent()) {
            return "the proxy has seen epoch " + newer.getAsLong() + ", newer than this copy's, and promotes nobody"
                    + " here: a primary of that epoch sends this backup a new snapshot";
        }
        return "no proxy answers at " + NodeNetwork.describe(config.proxySap()) + " now: if it comes back having lost "
                + primary + " too, it promotes this backup" + promoted + "; a proxy started anew knows no replica and"
                + " promotes it only when told to (./tuplespace promote PROXY_SHUTDOWN_SAP)";
    }

    /**
     * PROMOTE: the proxy lost the primary of this backup's epoch and grants {@code epoch} to it. Fence a primary on
     * this machine (it may still run, if only its proxy link was cut), then serve. In a {@code switchover} the primary
     * stepped down for this backup instead, and becomes its backup: it is not fenced, and it is resumed at the index
     * held here.
     */
    private void promoted(long epoch, boolean switchover) {
        if (stopping || takingOver) {
            return;
        }
        if (!mayTakeOver) {
            LOG.error("backup promoted to epoch {} without a complete copy; refusing", epoch);
            return;
        }
        takingOver = true;
        TakeoverTimeline timeline = TakeoverTimeline.startingNow();
        if (switchover && !primaryGone) { // (gone: this backup fenced it on its own view; a failover, then)
            node.notifyOperator(OperatorEvent.SWITCHOVER, "the primary of epoch " + copy.epoch() + " stepped down at index "
                    + copy.lastIndex() + "; this backup is the primary of epoch " + epoch + " and resumes it as its backup");
            closeEverything();
            timeline.step("promoted by the proxy (switchover)");
            node.becomePrimary(copy.state(), epoch, copy.lastIndex(), Optional.of(timeline), true);
            return;
        }
        if (!primaryGone) {
            node.notifyOperator(OperatorEvent.PRIMARY_FAILED, "the proxy lost the primary of epoch " + copy.epoch()
                    + " and promotes this backup to epoch " + epoch
                    + primaryPid.map(pid -> "; fencing primary pid " + pid).orElse(""));
        }
        // Kill first, close the links once it is gone: a primary that is still alive takes a closed link for its
        // backup's failure, and on this machine it would kill us (its child) for it.
        Fencing.killAndAwait(primaryProcess, node.loop(), FENCING_LIMIT, () -> {
            if (stopping) {
                return; // stopped meanwhile, on a signal: it serves no more
            }
            closeEverything();
            timeline.step(primaryPid.map(pid -> "fenced: primary pid " + pid + " is gone")
                    .orElse("promoted by the proxy"));
            node.becomePrimary(copy.state(), epoch, copy.lastIndex(), Optional.of(timeline), false);
        }, node::failStop);
    }

    private void stop(int status) {
        stopping = true;
        closeEverything();
        node.exit(status);
    }

    private void closeEverything() {
        follow.stop();
        closeFollowedLinks();
        if (server != null) {
            server.close();
        }
    }

    /** The links to the primary followed, and their heartbeats; BACKUP_SAP stays open for the next primary. */
    private void closeFollowedLinks() {
        if (heartbeats != null) {
            heartbeats.stop();
            heartbeats = null;
        }
        Channel[] links = {replication, heartbeat};
        replication = null;
        heartbeat = null;
        for (Channel channel : links) {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /**
     * This backup cannot handle what its own link carries (a frame it cannot decode or apply): the fault may well be
     * its own, so it never fences the primary for it (an I/O error, a reset, is the link failing: that closes it and
     * counts as the primary's failure). It exits 1; the primary sees the link close and starts a new backup.
     */
    private void ownLinkBroken(String link, Throwable cause) {
        if (stopping || takingOver) {
            return;
        }
        LOG.error("backup cannot use {} from its primary ({}); it exits and leaves the primary alone", link,
                cause.toString());
        stop(1);
    }

    private void onInvariantBroken(ReplicationInvariantException e) {
        stopping = true;
        closeEverything();
        node.failStop(e.getMessage());
    }

    // --- channels -------------------------------------------------------------------------------------

    private ChannelInitializer<Channel> replicationInitializer() {
        return ReplicationFrames.initializer(ReplicationLinkHandler::new);
    }

    private ChannelInitializer<Channel> heartbeatInitializer() {
        return ReplicationFrames.initializer(HeartbeatLinkHandler::new);
    }

    /** Connections accepted on BACKUP_SAP; on the node's event loop. */
    private final class ReplicationLinkHandler extends SimpleChannelInboundHandler<ReplicationMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, ReplicationMessage message) {
            if (stopping || takingOver) {
                return;
            }
            try {
                onMessage(context.channel(), message);
            } catch (ReplicationInvariantException e) {
                onInvariantBroken(e);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            if (context.channel() == replication) {
                acknowledgeReadBatch();
            }
            context.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            if (context.channel() == replication) {
                primaryLost("the replication link from the primary closed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (context.channel() == replication && !(cause instanceof IOException)) {
                ownLinkBroken("the replication link", cause);
                return;
            }
            if (context.channel() == replication || cause instanceof IOException) {
                // the primary's own link reset (its loss is handled as it closes), or a peer's: no stranger's bytes
                LOG.info("backup closes a connection from {} on BACKUP_SAP: {}", context.channel().remoteAddress(),
                        cause.toString());
                context.close();
                return;
            }
            StrayConnection.close(context, "backup", "BACKUP_SAP", "the primary's frames", cause);
        }
    }

    private final class HeartbeatLinkHandler extends SimpleChannelInboundHandler<ReplicationMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, ReplicationMessage message) {
            if (message instanceof ReplicationMessage.Heartbeat beat && heartbeats != null
                    && context.channel() == heartbeat) {
                heartbeats.heard();
                copy.primaryForced(beat.forcedIndex());
            } else if (message instanceof ReplicationMessage.Busy busy && heartbeats != null
                    && context.channel() == heartbeat) {
                heartbeats.busy(busy.millis());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            if (context.channel() == heartbeat) {
                primaryLost("the heartbeat link from the primary closed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (context.channel() == heartbeat && !(cause instanceof IOException)) {
                ownLinkBroken("the heartbeat link", cause);
                return;
            }
            context.close();
        }
    }
}
