package tuplespace.node;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Answers;
import tuplespace.codec.Durations;
import tuplespace.codec.Lines;
import tuplespace.codec.Status;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.netty.NextTurn;
import tuplespace.space.IoFailure;
import tuplespace.node.persistence.FsyncMode;
import tuplespace.node.persistence.SnapshotContent;
import tuplespace.ops.OperatorEvent;
import tuplespace.replication.AnswerRelease;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.replication.ReplicationBatch;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicationInvariantException;
import tuplespace.replication.ReplicationMessage;
import tuplespace.space.SpaceSnapshot;

/**
 * The acting primary: evaluates the proxy's requests, remembers update answers (exactly once, docs/design.md "What is
 * replicated"), replicates every change to its backup, logs it with {@code --data-dir} ({@link NodeStorage}), and
 * releases answers by the rule of {@link AnswerRelease}.
 * Runs entirely on the node's event loop.
 */
final class PrimaryNode implements NodeStorage.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryNode.class);
    /** How long a primary stopping on a signal waits for its log's close (force) before it goes all the same. */
    private static final Duration LOG_CLOSE_ON_SIGNAL_LIMIT = Duration.ofSeconds(5);
    /** How long a fresh primary waits for its first backup before registering anyway (backup first). */
    private static final Duration FIRST_BACKUP_WAIT = Duration.ofSeconds(10);
    /**
     * After a takeover, how long the new primary serves before starting its new backup: a JVM starting up
     * takes both cores of a small machine for a while, and the clients' first answers come first.
     */
    static final Duration NEW_BACKUP_DELAY = Duration.ofMillis(500);
    /** From naming a backup the replica to starting the standby for the next one: after that backup's own start-up. */
    static final Duration STANDBY_DELAY = Duration.ofSeconds(1);
    /**
     * How long writing SAVE_FILE before stopping may take; past it the save counts as failed and serving resumes (a
     * disk that does not answer must not freeze the service). Below the proxy's wait for the answer to SHUTDOWN.
     */
    static final Duration SAVE_LIMIT = Duration.ofSeconds(30);
    /** How soon a restarted primary tries again to record its epoch in its data directory after a failure. */
    private static final Duration EPOCH_RECORD_RETRY = Duration.ofSeconds(1);
    /**
     * How the proxy's frames are served (docs/design.md "Threads"): 256 frames or about 10 ms per event-loop turn, then
     * heartbeats and acknowledgements get their turn; at most 32 frames of one connection per turn, so a request that
     * arrives during a turn is read after at most that many of any one connection's; a connection is served up to
     * 0.5 ms at a time (a pipelined batch of cheap requests, one 70 KB GET); a connection that becomes busy again is at
     * most 10 ms of serving ahead of the least-served busy one (one turn's work). The link is not read at
     * 8192 frames or 16 MiB of request lines queued, and read again at 2048 frames and 4 MiB. The resume marks are
     * above what one connection can have queued ({@link Frame.Request#MAX_IN_FLIGHT} requests, and the proxy's
     * per-client bound on request bytes by default), so a parked connection alone never keeps the link paused.
     */
    static final FairTurns.Limits SERVING = new FairTurns.Limits(256, Duration.ofMillis(10), 32,
            Duration.ofNanos(500_000), Duration.ofMillis(10), 8192, 2048, 16L << 20, 4L << 20);

    private final ServerNode node;
    private final NodeConfig config;
    private final ReplicatedState state;
    private final ExactlyOnceRequests requests;
    private final Optional<TakeoverTimeline> takeover;
    /** This primary took over in a switchover: its first backup is the old primary, resumed at once. */
    private final boolean switchover;
    private final long pid = ProcessHandle.current().pid();
    /** The server id of the live backup that holds every update answered so far and from now on; 0 for none. */
    private long replica;
    /** When answers start to wait for a backup that holds a copy, and when it is named the replica (and live). */
    private final ReplicaCatchUp catchUp;
    private final ReplicationBatch batch = new ReplicationBatch();
    private final AnswerRelease<Frame.Answer> release;
    private final Set<Long> clients = new HashSet<>();
    /**
     * Connections the proxy said closed whose CLOSED is still queued behind their requests: their reads are not served
     * (nobody takes the answers), their updates are. Clients that sent GETs of 1 MB answers and closed, over and over,
     * had the primary make those answers for nobody while a live client's request waited 10-26 s behind them.
     */
    private final Set<Long> closing = new HashSet<>();
    /** When answers last moved towards the proxy (a part out, the link's writability changed). */
    private long outputMovedNanos = System.nanoTime();
    private final BackupSupervisor backup;
    private final ProxyLink proxy;
    private final FairTurns fromProxy;
    private final List<Channel> listeners = new ArrayList<>();
    private final ScanThread scans;
    private final Optional<NodeStorage> storage;
    private long lastIndex;
    private boolean flushScheduled;
    /**
     * After a takeover, or a fresh primary's first with {@code --fsync always}: its backup is still to start
     * ({@link #startNewBackup}); at the first answer, if set.
     */
    private boolean newBackupDue;
    private boolean newBackupAfterFirstAnswer;
    private boolean registered;
    /** A backup took this primary's state (its snapshot's end acknowledged) at least once. */
    private boolean backupTookState;
    /** Recording the epoch of this start failed at least once ({@link #recordStartedEpoch}). */
    private boolean epochRecordFailed;
    /** Whether BACKUP_SAP was tried once before registering ({@link #probePeerBackupSap}), and found listening. */
    private boolean peerProbed;
    private boolean peerListens;
    /** The high half of the conns the proxy sends now (-1: none seen yet); a new one means a restarted proxy. */
    private long proxyIncarnation = -1;
    /** {@code proxy_lost} was told for the current loss of the proxy; cleared when registered again. */
    private boolean proxyLossReported;
    private boolean stopping;
    /**
     * SAVE_FILE is being written before stopping: nothing is served until it is written (then stop) or failed (go on).
     */
    private boolean saving;
    /** A signal came while SAVE_FILE was being written: if the save fails, the node stops on the signal then. */
    private boolean signalled;
    /** Stopping on a signal, the log is closing (or closed): nothing more may be logged or recorded. */
    private boolean logClosing;
    /** Why a failed save stops the node all the same (the backup lost under that policy); null: it does not. */
    private String stopEvenIfUnsaved;
    /** What a SHUTDOWN is answered once the node is stopping. */
    private String stoppingAnswer = "ok: shutting down";
    /** Counts saves: the outcome of one that already counted as failed is ignored. */
    private long saves;
    /**
     * How long a STEP_DOWN may wait for the replica to acknowledge every update answered (and the disk, with
     * {@code --data-dir}) before it is refused and serving resumes.
     */
    static final Duration STEP_DOWN_LIMIT = Duration.ofSeconds(5);
    /**
     * How long an applied update's answer waits for a failed disk before it is answered that its outcome is unknown:
     * as long as the proxy holds a request for a primary by default ({@code --primary-timeout}).
     */
    static final Duration DISK_WAIT_LIMIT = Duration.ofSeconds(5);
    /** Counts the disk's failures: a wait limit set for one that has ended is ignored. */
    private long diskFailures;
    /** A STEP_DOWN under way (serving frozen), and whether STEPPED_DOWN went to the proxy; null for none. */
    private StepDown stepDown;

    /** A switchover's step-down (docs/design.md "Switchover"); on the loop only. */
    private static final class StepDown {
        /** STEPPED_DOWN went to the proxy: only its answer (STALE_EPOCH, or taking this primary back) ends it. */
        boolean steppedDown;
    }
    private final List<Consumer<String>> shutdownAnswers = new ArrayList<>();
    private final List<LongRequest> heldWhileFrozen = new ArrayList<>();
    /** Updates that changed the space since this primary started (each may have been acknowledged). */
    private long writesSinceStart;
    /** See {@link ReplicationMessage.SnapshotBegin#mayLackAnswered()}. */
    private final boolean mayLackAnswered;
    /** See {@link ReplicationMessage.SnapshotBegin#recoveredIndex()}. */
    private final long recoveredIndex;

    PrimaryNode(ServerNode node, NodeConfig config, ReplicatedState state, long lastIndex,
                Optional<TakeoverTimeline> takeover, boolean switchover) {
        this.node = node;
        this.config = config;
        this.state = state;
        // ByteBufAllocator.DEFAULT: the allocator of the node's channels (pooled), as the proxy link's buffers
        this.requests = new ExactlyOnceRequests(state, node.evaluator(), config.matchLimits(), ByteBufAllocator.DEFAULT);
        this.scans = new ScanThread(config.matchLimits());
        this.lastIndex = lastIndex;
        this.takeover = takeover;
        this.release = new AnswerRelease<>(this::sendAnswer, Frame.Answer::conn);
        this.catchUp = new ReplicaCatchUp(config.replication() == ReplicationMode.SYNC);
        this.storage = node.storage();
        // Recovered from its directory (not promoted, not handed over); by a log not forced before each answer, a power
        // cut may have taken answered updates, which a backup that outlived this node may hold.
        this.recoveredIndex = takeover.isEmpty() && !switchover && storage.isPresent() ? lastIndex : -1;
        this.mayLackAnswered = recoveredIndex >= 0 && config.fsync() != FsyncMode.ALWAYS;
        storage.ifPresent(disk -> {
            disk.attach(this);
            // every mode: an answer leaves once its entries are logged as the mode counts it (written to the operating
            // system at least), so that a kill -9 of every process keeps it; when the disk fails, that is never
            release.startHoldingForDisk(disk.logged());
        });
        // however the node ends (a test's exit too): once its loop is gone, the read answers it kept go as well
        node.loop().terminationFuture().addListener(terminated -> requests.forgetAllReads());
        this.backup = new BackupSupervisor(node, config, this, takeover.isPresent() || switchover);
        if (switchover) {
            backup.resumeAt(lastIndex); // the old primary holds the state at this index: it is resumed, not resynced
        }
        this.switchover = switchover;
        this.proxy = new ProxyLink(node, config, this);
        this.fromProxy = new FairTurns(this::serve, NextTurn.of(node.loop())::execute,
                proxy.reading(), System::nanoTime, ThreadCpuTime.clockOrWall(), SERVING);
    }

    void start() {
        node.stopsOnSignalBy(this::stopOnSignal);
        if (takeover.isPresent()) {
            // Register first: clients wait for us (docs/design.md "Failover": nothing slow before registering). With a
            // data directory, only once it records the new epoch: a service restarted after a total loss must register
            // above every epoch the proxy may have seen.
            if (storage.isPresent()) {
                storage.get().recordEpoch(node.epoch(), node.serverId()).whenComplete((recorded, failure) -> {
                    if (failure != null) {
                        LOG.error("primary could not record epoch {} in its data directory: {}", node.epoch(),
                                failure.toString());
                        exitWithoutSaving("the primary could not record epoch " + node.epoch() + " in its data directory");
                    } else if (!stopping) {
                        proxy.connect();
                    }
                });
            } else {
                proxy.connect();
            }
        }
        NodeNetwork network = node.network();
        long deadline = NodeNetwork.deadline(Duration.ofSeconds(5));
        network.bind(config.heartbeatSap(), LinkRole.HEARTBEAT, backup.heartbeatInitializer(), deadline,
                this::listening,
                cause -> startFailed("HEARTBEAT_SAP " + NodeNetwork.describe(config.heartbeatSap()), cause));
        network.bind(config.shutdownSap(), LinkRole.ADMIN, new ShutdownServer(this).initializer(), deadline,
                this::listening,
                cause -> startFailed("SHUTDOWN_SAP " + NodeNetwork.describe(config.shutdownSap()), cause));
    }

    /**
     * A fresh primary starts its first backup once its own ports are bound: a second server started by mistake on the
     * ports of a running one exits on them ({@link #startFailed}) before it starts any backup, which would have met the
     * running service's backup on BACKUP_SAP.
     */
    private void startFirstBackupOnceReady() {
        if (takeover.isEmpty() && listeners.size() == 2) {
            startFirstBackup();
        }
    }

    /**
     * The first backup is brought up to date before the primary joins the proxy (bounded wait) — except with
     * {@code --data-dir} and {@code --fsync always}: every answer then waits for this node's own disk too, so serving
     * before the backup is live loses nothing a single fault can take, and a restart after a total loss serves as soon
     * as it has recovered (the backup's start and copy, seconds for millions of pairs, run beside serving) — unless a
     * backup that outlived it listens at BACKUP_SAP ({@link #probePeerBackupSap}): that one judges its state first.
     */
    private void startFirstBackup() {
        if (stopping) {
            return;
        }
        if (judgedByItsPeerFirst()) {
            backup.startForJudgement();
            if (storage.orElseThrow().answersWaitForForce()) {
                // a proxy that stayed up after losing this directory's primary serving alone takes it without the
                // judgement; with a log not forced before each answer, a power cut may have taken answered updates
                // from this directory that the backup's still holds, so only that backup may judge
                proxy.askUnjudged();
            }
            return; // else registers once that backup is live (backupCopied), or stops when it refuses this state
        }
        boolean answersWaitForForce = storage.map(NodeStorage::answersWaitForForce).orElse(false);
        if (answersWaitForForce && recoveredIndex >= 0 && !peerProbed) {
            probePeerBackupSap();
            return;
        }
        if (answersWaitForForce && !peerListens) {
            // Nothing waits for this backup: it starts once the first answers are out (or NEW_BACKUP_DELAY after the
            // proxy accepted this primary), so that its JVM's start does not share the two cores with the registration
            // and first answers; never before: a start the proxy refuses, or never answers, leaves no copy of its new
            // epoch behind (the epoch it records only once accepted, recordStartedEpoch).
            newBackupDue = true;
            registerIfNotYet();
        } else {
            LOG.info("primary starts its backup first and registers with the proxy once that backup is live, or its"
                    + " restarts are spent, or {} from now", Durations.text(FIRST_BACKUP_WAIT));
            backup.start();
            node.loop().schedule(this::registerIfNotYet, FIRST_BACKUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A server started on a data directory whose backup runs on another machine, started by someone else
     * ({@code --backup-start none}): the copy there may be newer than this directory's (a failover or a switchover
     * this directory never saw, and updates answered on one copy after it, which no restarted proxy remembers), and
     * nothing here can tell. So it registers only once a backup there has judged its state and taken it (one holding
     * a newer copy refuses it, and this server stops: {@code stale_epoch}), however long that takes (docs/design.md
     * "Failover"). Started in either order, the two machines' servers serve the newest copy.
     */
    private boolean judgedByItsPeerFirst() {
        return storage.isPresent() && config.backupStart() instanceof BackupStart.None;
    }

    /**
     * A server started on its data directory ({@code --fsync always}) first tries the backup's BACKUP_SAP once.
     * Something listening there is a backup that outlived this server (and the proxy, if both were killed): it may hold
     * updates answered that this directory lacks (one restored from an older copy) and refuse this server's state. So
     * this server takes the path a server without a forced log takes: its backup first, and the proxy once that backup
     * is live, so that it answers nothing before the backup has judged its state. Nothing listening (connection
     * refused): it registers at once.
     */
    private void probePeerBackupSap() {
        peerProbed = true;
        node.network().probe(config.peerBackupSap(), listening -> {
            if (listening) {
                peerListens = true;
                LOG.info("primary found a backup listening at {} before it registered: that backup judges this"
                        + " server's state first", NodeNetwork.describe(config.peerBackupSap()));
            }
            startFirstBackup();
        });
    }

    private void listening(Channel listener) {
        listeners.add(listener);
        if (listeners.size() == 2) {
            takeoverStep("HEARTBEAT_SAP and SHUTDOWN_SAP bound");
            startFirstBackupOnceReady();
        }
    }

    void takeoverStep(String what) {
        takeover.ifPresent(timeline -> timeline.step(what));
    }

    /** Whether a backup took this primary's state since it started (its judgement, with --backup-start none). */
    boolean backupTookState() {
        return backupTookState;
    }

    /**
     * The backup's restarts are spent (backup_degraded): a first backup that never went live will not come soon, and
     * waiting for it only keeps clients waiting. A backup listening before this server registered is still to judge
     * its state: that one is waited for as before.
     */
    void backupDegraded() {
        if (!peerListens) {
            registerIfNotYet();
        }
    }

    /** The first backup is live (or could not start in time): now join the proxy. */
    void registerIfNotYet() {
        if (!proxy.started() && !stopping) {
            proxy.connect();
        }
    }

    void onRegistered(long proxyPid) {
        if (logClosing) {
            registered = true; // the proxy took it and may promote its backup, which the stop leaves alone then
            return; // nothing more is recorded in the closing log, nor served
        }
        if (registered) {
            // The same (epoch, pid) again after a lost link: the proxy resends what it has not had answered.
            LOG.warn("primary epoch {} registered again with proxy pid {} at index {}", node.epoch(), proxyPid, lastIndex);
            if (stepDown != null) {
                // the proxy did not promote the replica (it answers STALE_EPOCH then): serve on
                abandonStepDown("the proxy link was lost during the step-down and the proxy took this primary back");
            }
            if (proxyLossReported) {
                proxyLossReported = false;
                node.notifyOperator(OperatorEvent.PROXY_RESTORED, "registered again with proxy pid " + proxyPid
                        + " as epoch " + node.epoch() + " at index " + lastIndex);
            }
            return;
        }
        proxyLossReported = false;
        registered = true;
        backup.servesUnjudged(); // when a backup has not judged this state yet (ProxyLink#askUnjudged)
        LOG.info("primary epoch {} registered with proxy pid {} at index {}", node.epoch(), proxyPid, lastIndex);
        if (takeover.isEmpty()) {
            newBackupAfterFirstAnswer = newBackupDue; // a first backup that waits for the first answers
            if (newBackupDue) {
                node.loop().schedule(this::startNewBackup, NEW_BACKUP_DELAY.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (storage.isPresent()) {
                recordStartedEpoch();
                logEpochEntryIfDue();
            }
        } else if (switchover) {
            takeoverStep("REGISTERED by the proxy");
            LOG.info("switchover: serving as primary pid {} of epoch {} from index {}", pid, node.epoch(), lastIndex);
            backup.start(); // the old primary, resumed: no JVM to start, nothing to copy
        } else {
            takeoverStep("REGISTERED by the proxy");
            node.notifyOperator(OperatorEvent.FAILOVER_COMPLETE, "serving as primary pid " + pid + " from index " + lastIndex);
            // docs/design.md "Failover" step 6, a little later: the resent requests are answered first, without a
            // backup; with a standby (no JVM to start) right after the first answers, else (or without any request)
            // after NEW_BACKUP_DELAY.
            newBackupDue = true;
            newBackupAfterFirstAnswer = node.standby().ready();
            node.loop().schedule(this::startNewBackup, NEW_BACKUP_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The proxy link closed; the link registers again. What it had queued, the proxy will send again. */
    void onProxyLinkLost() {
        // A connection parked for its long request stays parked: the request is answered on the next link (the proxy
        // ignores a second answer to a request it sent again), and its completion unparks the connection.
        fromProxy.clear();
        closing.clear(); // their CLOSEDs were queued: gone with the rest
    }

    private void startNewBackup() {
        newBackupAfterFirstAnswer = false;
        if (newBackupDue && !stopping) {
            newBackupDue = false;
            backup.start();
        }
    }

    /**
     * A REQUEST or CLOSED frame from the proxy: served in arrival order per connection, the least-served connection
     * first, a bounded amount per loop turn.
     */
    void onRequest(Frame.Request request) {
        if (!stopping) {
            fromProxy.add(request);
        }
    }

    void onClientClosed(long conn) {
        if (!stopping) {
            closing.add(conn);
            // queued behind the connection's requests: its answers are settled before its table entries go
            fromProxy.add(new Frame.Closed(conn));
        }
    }

    /** The answers waiting for the proxy link grew or shrank: serving waits while they pile up, else goes on. */
    void proxyOutputChanged() {
        outputMovedNanos = System.nanoTime();
        fromProxy.waitForOutput(proxy.answersPileUp());
    }

    /**
     * True while requests are queued and the proxy link is not read (its silence is ours, not the proxy's): serving
     * works through them, or waits for answers to go out that did go out within {@code within} (a proxy that takes
     * nothing any more is not to be waited for).
     */
    boolean servingBacklog(Duration within) {
        return fromProxy.paused()
                && (!fromProxy.waitsForOutput() || System.nanoTime() - outputMovedNanos < within.toNanos());
    }

    private void serve(Frame frame) {
        if (stopping) {
            return;
        }
        try {
            if (frame instanceof Frame.Request request) {
                serveRequest(request);
            } else if (frame instanceof Frame.Closed closed) {
                clientClosed(closed.conn());
            }
        } catch (ReplicationInvariantException e) {
            stopping = true;
            node.failStop(e.getMessage());
        } catch (RuntimeException | VirtualMachineError e) {
            // Not an evaluation failure (ExactlyOnceRequests answers those): a bug of ours, or memory that ran out;
            // keep serving the others. Caught here, since this runs as a task whose future nobody reads: left to the
            // loop, even an OutOfMemoryError would vanish unlogged. (Framing answers handles its own: AnswerWriter.)
            LOG.error("primary failed to serve {}; serving goes on", frame, e);
        }
    }

    private void serveRequest(Frame.Request request) {
        if (incarnation(request.conn()) != proxyIncarnation) {
            proxyIncarnation = incarnation(request.conn());
            forgetOtherProxies();
        }
        if (closing.contains(request.conn()) && !ExactlyOnceRequests.isUpdate(request)) {
            return; // its client is gone: the read would be answered to nobody
        }
        clients.add(request.conn());
        if (refusedForDisk(request)) {
            return;
        }
        // a request of megabytes keeps this thread from its links for a second or more: neither the proxy nor the
        // backup may take that silence for a failure (nor the answers of this turn wait behind it)
        BusyWork.forLine(request.line().readableBytes()).ifPresent(this::announceBusy);
        requests.handleOnTheLoop(request, this::startLongRequest)
                // An update depends on its own index; anything else on what it may have seen (docs/design.md "Nothing
                // leaves before the backup has it").
                .ifPresent(handled -> answer(request, handled, lastIndex));
    }

    /**
     * While the disk fails, answers {@code request} {@code unavailable}, not applied, if it is an update not already
     * remembered ({@link ExactlyOnceRequests#refuseUpdate}); true if it did.
     */
    private boolean refusedForDisk(Frame.Request request) {
        Optional<ExactlyOnceRequests.Handled> refused = storage.flatMap(NodeStorage::failure)
                .flatMap(reason -> requests.refuseUpdate(request, reason));
        refused.ifPresent(handled -> release.offer(0, new Frame.Answer(request.conn(), request.seq(),
                handled.answer())));
        return refused.isPresent();
    }

    /** BUSY to the proxy and the backup: this thread starts work that keeps it from its links that long. */
    private void announceBusy(long millis) {
        proxy.busy(millis);
        backup.busy(millis);
    }

    private void answer(Frame.Request request, ExactlyOnceRequests.Handled handled, long readIndex) {
        handled.changes().forEach(this::append);
        Frame.Answer answer = new Frame.Answer(request.conn(), request.seq(), handled.answer());
        if (handled.changedTheSpace()) {
            release.offerUpdate(lastIndex, answer); // a resent one's own index is at most the last
        } else if (handled.changes().isEmpty()) {
            release.offer(readIndexWhileDiskFails(readIndex), answer);
        } else {
            release.offer(lastIndex, answer); // an update that changed nothing: true whatever the disk does
        }
    }

    /**
     * While the disk fails, a read does not wait for the entries the log could not write (reads are served, the issue
     * of a full disk being the updates): it may show an update whose own answer still waits for the disk. Otherwise
     * a read waits for every entry it saw.
     */
    private long readIndexWhileDiskFails(long readIndex) {
        if (storage.isPresent() && storage.get().failure().isPresent()) {
            return Math.min(readIndex, storage.get().logged());
        }
        return readIndex;
    }

    /**
     * A GET or DELETE too big for the loop: to the scan thread, against the space as it is at this point. Its
     * connection is parked meanwhile (docs/protocol.md: answers in request order; and exactly-once keeps a connection's
     * reads before its updates); every other connection is served.
     */
    private void startLongRequest(Frame.Request request) {
        Optional<LongRequest> started = LongRequest.start(request, state.space(), lastIndex, requests.allocator());
        if (started.isEmpty()) {
            // Only a GET or DELETE is ever cut off; anything else would be a bug in the evaluator.
            throw new IllegalStateException("expected a GET or DELETE to evaluate on the scan thread, found " + request);
        }
        fromProxy.park(request.conn());
        scans.submit(started.get(), done -> node.loop().execute(() -> longRequestDone(done)));
    }

    /**
     * Back on the loop: the long request's answer (and a DELETE's effect, now); then its connection is served again.
     */
    private void longRequestDone(LongRequest done) {
        if (stopping) {
            done.abandon();
            return;
        }
        if (saving || stepDown != null) {
            // its effect would come after the saved space, or after what the replica was handed: settled once the save
            // is (or the step-down refused); dropped unanswered if the node stops or steps down (the proxy resends it)
            heldWhileFrozen.add(done);
            return;
        }
        if (refusedForDisk(done.request())) { // the disk failed while the scan ran: a DELETE is not applied now
            done.abandon();
            fromProxy.unpark(done.request().conn(), done.scanNanos());
            return;
        }
        // removing hundreds of thousands of pairs keeps this thread from its links as long as a request of megabytes
        BusyWork.forPairs(done.deleting()).ifPresent(this::announceBusy);
        try {
            answer(done.request(), requests.complete(done), done.snapshotIndex());
        } catch (ReplicationInvariantException e) {
            stopping = true;
            node.failStop(e.getMessage());
            return;
        }
        fromProxy.unpark(done.request().conn(), done.scanNanos());
        scheduleFlush();
    }

    /**
     * A request from a proxy incarnation not seen before: the proxy was restarted (docs/internals.md, "conn"), and the
     * connections of any earlier one are gone for good: nobody will send their CLOSED. They are closed here as if it
     * had come, and the closes replicated, or their answer-table entries would stay forever. A failover keeps the
     * proxy, so a new primary finds the table's connections of the current incarnation and keeps them.
     */
    private void forgetOtherProxies() {
        Set<Long> gone = new HashSet<>(state.answers().connections());
        gone.addAll(clients);
        gone.removeIf(conn -> incarnation(conn) == proxyIncarnation);
        if (!gone.isEmpty()) {
            LOG.info("requests come through another proxy process than before: closing {} client connections of an"
                    + " earlier proxy process (they ended with it; their answers kept for a resend are dropped)",
                    gone.size());
            // as if the proxy had sent CLOSED: behind each connection's own frames (a parked one's long request too)
            gone.forEach(conn -> fromProxy.add(new Frame.Closed(conn)));
        }
    }

    /** The proxy incarnation a conn comes from: its high half (docs/internals.md, "conn"). */
    private static long incarnation(long conn) {
        return conn >>> 32;
    }

    private void clientClosed(long conn) {
        closing.remove(conn);
        clients.remove(conn);
        requests.connectionClosed(conn);
        if (!stopping && state.answers().hasConnection(conn)) {
            state.answers().close(conn);
            append(new Change.Closed(conn));
        }
    }

    /** Adds a change the primary already made to its state to the replication log. */
    private void append(Change change) {
        lastIndex++;
        if (change instanceof Change.Applied applied && !applied.effect().isEmpty()) {
            writesSinceStart++;
        }
        if (batch.add(new Replicated(node.epoch(), lastIndex, change))) {
            flushEntries(); // full by count or bytes: frames stay far below the link's limit
        }
        scheduleFlush();
    }

    /** Flushes at the end of the current burst of work: one frame to the backup and one write to the proxy. */
    void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            node.loop().execute(() -> {
                flushScheduled = false;
                flushEntries();
                proxy.flush();
            });
        }
    }

    /**
     * Logs the entries appended so far (with a data directory) and sends them to the backup's link, if one is
     * connected; else the backup does not get them (a new one starts from a snapshot).
     */
    void flushEntries() {
        if (batch.isEmpty()) {
            return;
        }
        List<Replicated> entries = batch.drain();
        if (storage.isPresent() && storage.get().append(entries)) {
            release.logged(entries.get(entries.size() - 1).index()); // written by the loop: answers need not wait
        }
        backup.replicate(new ReplicationMessage.Entries(entries, state.space().digest(), forcedIndex()));
    }

    // --- the data directory's view, called by NodeStorage ---------------------------------------------

    @Override
    public void logged(long index) {
        release.logged(index);
        stepDownIfCaughtUp();
    }

    @Override
    public void diskFailed(String reason) {
        LOG.error("primary refuses updates: {}", reason);
        long failure = ++diskFailures;
        node.loop().schedule(() -> giveUpOnDisk(failure), DISK_WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The disk still fails {@link #DISK_WAIT_LIMIT} after failure number {@code failure}: until it writes again, the
     * answers of updates that wait for the log say that their outcome is unknown, so that their connections' later
     * requests are answered too. Such updates stay applied, and are logged once the disk writes again.
     */
    private void giveUpOnDisk(long failure) {
        Optional<String> reason = storage.flatMap(NodeStorage::failure);
        if (failure != diskFailures || reason.isEmpty() || stopping) {
            return; // the disk wrote again since (it may have failed again: that failure has its own limit)
        }
        int before = release.heldCount();
        release.giveUpOnDisk(answer -> outcomeUnknown(answer, reason.get()));
        LOG.warn("primary no longer waits for its disk after {} s: {} held answers go, and until the disk writes again"
                + " an update not logged is answered that its outcome is unknown", DISK_WAIT_LIMIT.toSeconds(),
                before - release.heldCount());
        stepDownIfCaughtUp(); // a switchover waited for these answers
    }

    private Frame.Answer outcomeUnknown(Frame.Answer held, String reason) {
        try {
            String error = reason + "; this update is not in the write-ahead log after waiting "
                    + DISK_WAIT_LIMIT.toSeconds() + " s for the disk: the outcome is unknown (it is lost if every"
                    + " server holding it stops before the disk writes again); read before resending";
            return new Frame.Answer(held.conn(), held.seq(), AnswerBuffers.text(requests.allocator(),
                    Answers.error(held.answer().toString(StandardCharsets.UTF_8), Status.UNAVAILABLE, error)));
        } finally {
            held.answer().release();
        }
    }

    @Override
    public void diskRecovered() {
        LOG.warn("primary takes updates again: its write-ahead log writes again");
        release.waitForDiskAgain();
    }

    @Override
    public Optional<SnapshotContent> snapshotContent() {
        if (stopping) {
            return Optional.empty();
        }
        flushEntries(); // the snapshot is of the state after the last entry handed to the log
        return Optional.of(SnapshotContent.take(state, lastIndex, node.epoch()));
    }

    /** Frames the answer for the proxy (a copy of its bytes) and lets the answer's buffer go. */
    private void sendAnswer(Frame.Answer answer) {
        try {
            proxy.write(answer);
        } finally {
            answer.answer().release();
        }
        if (proxy.answersPileUp()) {
            fromProxy.waitForOutput(true); // until they go out: proxyOutputChanged
        }
        takeover.ifPresent(TakeoverTimeline::answerSent);
        if (newBackupAfterFirstAnswer) {
            newBackupAfterFirstAnswer = false;
            NextTurn.of(node.loop()).execute(this::startNewBackup); // after this turn's answers are written
        }
        scheduleFlush();
    }

    // --- the backup's view, called by BackupSupervisor -------------------------------------------------

    /**
     * The backup with server id {@code backupServer} acknowledged its snapshot's end: it holds every update up to
     * {@code acknowledgedIndex}. It catches up with the answers already out before answers wait for it, and is named
     * the replica, and is live, once it holds what they depend on ({@link ReplicaCatchUp}).
     */
    void backupCopied(long acknowledgedIndex, long backupServer) {
        follow(catchUp.copied(acknowledgedIndex, backupServer, release.highestReleased(), System.nanoTime()),
                acknowledgedIndex);
        backupTookState = true;
        logEpochEntryIfDue();
        registerIfNotYet();
    }

    /**
     * A server started on its data directory records the epoch it serves, with its server id, only once the proxy
     * accepted it (docs/design.md "Failover"): a start the proxy refuses leaves the directory as it
     * was, so the next one takes the same epoch number and is refused as well while the proxy knows a newer primary.
     * (Each refused start used to raise it, until one came out above a lost primary's epoch and replaced it.) The
     * record goes through the log in order, before the entries appended after it: with {@code --fsync always} no update
     * applied since is answered before it is on disk. One that fails is tried again every second until it is written;
     * meanwhile an entry of this epoch that reaches the disk records it as well (a restart takes the epoch above its
     * directory's last entry's).
     */
    private void recordStartedEpoch() {
        storage.orElseThrow().recordEpoch(node.epoch(), node.serverId()).whenComplete((recorded, failure) -> {
            if (failure == null) {
                if (epochRecordFailed) {
                    LOG.info("primary recorded epoch {} in its data directory", node.epoch());
                }
            } else if (!stopping) {
                if (!epochRecordFailed) {
                    LOG.error("primary could not record epoch {} in its data directory: {}; it tries again every {} ms",
                            node.epoch(), failure.toString(), EPOCH_RECORD_RETRY.toMillis());
                }
                epochRecordFailed = true;
                node.loop().schedule(this::recordStartedEpoch, EPOCH_RECORD_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * Restarted on a directory that held a state, and logged nothing since: once the proxy accepted this primary and a
     * backup took its state (judged it, if it held a copy of its own), an entry of the new epoch, which changes nothing
     * (no connection 0 exists), so that this directory's last entry names the epoch and primary its state follows, as
     * the snapshot the backup took of it does; without it a restart that logged nothing looked older than that backup's
     * copy at the next one (BackupCopy.recovered). Not sooner: a start refused, by the proxy or by that backup, would
     * have logged one each time, and made the directory look newer than it is.
     */
    private void logEpochEntryIfDue() {
        if (registered && backupTookState && recoveredIndex >= 0 && lastIndex == recoveredIndex
                && (recoveredIndex > 0 || recoveredEpoch() > 0)) {
            append(new Change.Closed(0));
        }
    }

    void backupAcknowledged(long index) {
        follow(catchUp.acknowledged(index, release.highestReleased(), System.nanoTime()), index);
        release.acknowledged(index);
        stepDownIfCaughtUp();
    }

    private void follow(ReplicaCatchUp.Step step, long acknowledgedIndex) {
        if (step.hold()) {
            release.startHolding(acknowledgedIndex);
            LOG.info("backup server {} caught up with the answers out in {} round(s): answers wait for it from index {}",
                    Long.toHexString(catchUp.server()), catchUp.rounds(), acknowledgedIndex);
        }
        if (step.nameReplica() && backup.named()) {
            replica = catchUp.server();
            proxy.replica(replica); // before the answers this acknowledgement releases
            // For the next time this primary loses its backup; not sooner: a JVM starting takes the CPU that the
            // first answers after a takeover, the backup's catch-up and then its warm-up need.
            node.loop().schedule(() -> {
                if (!stopping) {
                    node.standby().ensure(config);
                }
            }, STANDBY_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * No live backup: keep serving (README "Guarantees and their limits"), so nothing waits for acknowledgements any
     * more. The proxy hears it first (before any answer the backup may lack), so it promotes no backup in this
     * primary's place.
     */
    void backupLost() {
        catchUp.lost();
        replica = 0;
        proxy.replica(0);
        release.stopHolding();
        if (stepDown != null && !stepDown.steppedDown) {
            abandonStepDown("the backup was lost during the step-down");
        }
    }

    /** The server id of the backup that holds every update answered (0: none): what REGISTER and REPLICA report. */
    long replica() {
        return replica;
    }

    void backupLostUnderShutdownPolicy() {
        stop("the backup was lost and --on-backup-loss is shutdown");
    }

    // --- switchover ------------------------------------------------------------------------------------

    /**
     * STEP_DOWN (docs/design.md "Switchover"): stop serving (requests queue, unanswered: the proxy resends them to the
     * next primary), and once every answer is out — the replica acknowledged the last update, and the disk has it with
     * {@code --fsync always} — tell the proxy STEPPED_DOWN. Refused (STEP_DOWN_REFUSED, serving resumes) for another
     * epoch, without a replica, while saving, or if the replica does not catch up within {@link #STEP_DOWN_LIMIT}.
     */
    void stepDown(long epoch) {
        String refusal = epoch != node.epoch() ? "the step-down is for epoch " + epoch + ", this primary serves epoch "
                + node.epoch()
                : stopping || saving ? "the primary is saving or stopping"
                : stepDown != null ? "a step-down is under way already"
                : replica == 0 ? "no backup holds every update (the primary serves on one copy)"
                : null;
        if (refusal != null) {
            LOG.warn("primary refuses to step down: {}", refusal);
            proxy.stepDownRefused(refusal);
            return;
        }
        StepDown started = new StepDown();
        stepDown = started;
        LOG.info("primary steps down at index {}: serving stops until backup server {} holds every update", lastIndex,
                Long.toHexString(replica));
        fromProxy.freeze();
        flushEntries();
        node.loop().schedule(() -> {
            if (stepDown == started && !started.steppedDown) {
                abandonStepDown("backup server " + Long.toHexString(replica) + " did not acknowledge index " + lastIndex
                        + " within " + STEP_DOWN_LIMIT.toSeconds() + " s");
            }
        }, STEP_DOWN_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        stepDownIfCaughtUp();
    }

    /** The step-down goes on once nothing is held and the replica has every index; then STEPPED_DOWN. */
    private void stepDownIfCaughtUp() {
        if (stepDown == null || stepDown.steppedDown || release.heldCount() > 0 || backup.acknowledgedIndex() < lastIndex
                || replica == 0) {
            return;
        }
        stepDown.steppedDown = true;
        backup.steppedDown();
        proxy.steppedDown(lastIndex); // behind every answer written: it hands them over and flushes them with it
        LOG.info("primary stepped down at index {}; waiting for the proxy to promote backup server {}", lastIndex,
                Long.toHexString(replica));
    }

    /** The step-down cannot go on: serving resumes, and the proxy hears why (if the link still stands). */
    private void abandonStepDown(String why) {
        StepDown abandoned = stepDown;
        stepDown = null;
        LOG.warn("primary serves on: {}", why);
        if (abandoned.steppedDown) {
            backup.stepDownAbandoned();
        } else {
            proxy.stepDownRefused(why);
        }
        fromProxy.thaw();
        List<LongRequest> held = new ArrayList<>(heldWhileFrozen);
        heldWhileFrozen.clear();
        held.forEach(this::longRequestDone);
    }

    /**
     * The proxy promoted the replica (epoch {@code newEpoch}) after STEPPED_DOWN: this process becomes its backup. The
     * primary's sockets close first (the new primary binds them on this machine), requests never served are dropped
     * (the proxy resends them), and the backup keeps this state, which the new primary resumes.
     */
    private void becomeBackup(long newEpoch) {
        LOG.info("the proxy promoted backup server {} to epoch {}: this primary becomes its backup", Long.toHexString(
                replica), newEpoch);
        stopping = true;
        stepDown = null;
        heldWhileFrozen.forEach(LongRequest::abandon);
        heldWhileFrozen.clear();
        PrimaryHandle newPrimary = backup.handOver();
        closeLinks();
        node.becomeBackupAfterStepDown(state, lastIndex, newPrimary);
    }

    // --- stopping ---------------------------------------------------------------------------------------

    /**
     * SHUTDOWN (docs/using.md "Status and shutdown"): save SAVE_FILE first, then stop the backup and exit 0. Nothing is
     * served while the file is written (requests queue: {@link FairTurns#freeze}), so the file holds every update
     * answered before the process ends. It is written off the loop from a snapshot of the space, so heartbeats and the
     * backup's acknowledgements go on meanwhile. If it cannot be written, or not within {@link #SAVE_LIMIT}, nothing
     * stops: serving resumes with both copies and {@code answered} gets an error line naming the file and the cause;
     * otherwise it gets an {@code ok} line before the backup is stopped. A SHUTDOWN that arrives while the file is
     * being written shares its outcome.
     */
    void shutdown(String reason, Consumer<String> answered) {
        if (stopping) {
            answered.accept(stoppingAnswer);
            return;
        }
        if (stepDown != null) {
            answered.accept("error: a switchover is under way (the primary is stepping down); nothing was stopped, try"
                    + " again once it is done");
            return;
        }
        shutdownAnswers.add(answered);
        save(reason);
    }

    /**
     * The backup is lost under {@code --on-backup-loss shutdown}: like {@link #shutdown}, save first, but stop even if
     * SAVE_FILE cannot be written (exit 1): that is the policy the operator chose.
     */
    private void stop(String reason) {
        if (stopping) {
            return;
        }
        stopEvenIfUnsaved = reason;
        save(reason);
    }

    private void save(String reason) {
        if (saving) {
            return;
        }
        saving = true;
        long thisSave = ++saves;
        fromProxy.freeze();
        flushEntries();
        LOG.info("stopping ({}): saving first", reason);
        SpaceSnapshot space = state.space().snapshot();
        Optional<Path> file = config.saveFile();
        if (file.isEmpty()) {
            saved(thisSave, reason, "no SAVE_FILE to write");
            return;
        }
        if (!holdsAServedSpace()) {
            // one that waits to be judged (or for a proxy) may hold an older state than the service's, which must not
            // overwrite the last export
            saved(thisSave, reason, "SAVE_FILE " + file.get() + " not written: this server never served (no proxy"
                    + " accepted it), so its space may be older than the service's" + storage.map(disk -> "; its data"
                    + " directory " + disk.path() + " keeps it").orElse(""));
            return;
        }
        Thread writer = new Thread(() -> {
            Runnable outcome;
            try {
                node.persistence().save(file.get(), space);
                outcome = () -> saved(thisSave, reason, "saved " + Lines.count(space.size(), "pair") + " to "
                        + file.get());
            } catch (Throwable e) { // an Error too: serving must never stay frozen
                String why = IoFailure.reason(e); // saveFailed names the file
                outcome = () -> saveFailed(thisSave, file.get(), why);
            }
            node.loop().execute(outcome);
        }, "save-file");
        writer.setDaemon(true);
        writer.start();
        node.loop().schedule(() -> saveFailed(thisSave, file.get(), "not written within " + SAVE_LIMIT.toSeconds()
                + " s (the disk does not answer?)"), SAVE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SAVE_FILE holds the space: now stop the backup, let the last answers out and exit 0. */
    private void saved(long save, String reason, String what) {
        if (save != saves || !saving) {
            return; // it already counted as failed (too late), or the node stopped without saving meanwhile
        }
        saving = false;
        LOG.info("{}; stopping the backup", what);
        node.notifyOperator(OperatorEvent.SHUTDOWN, reason + "; " + what);
        stopAndExit(0, "ok: " + what + "; shutting down", "ok: shutting down");
    }

    /**
     * SAVE_FILE could not be written: nothing stops, serving goes on with both copies (unless the policy says stop).
     */
    private void saveFailed(long save, Path file, String why) {
        if (save != saves || !saving) {
            return;
        }
        saving = false;
        if (stopEvenIfUnsaved != null) {
            node.notifyOperator(OperatorEvent.SAVE_FAILED, "SAVE_FILE " + file + ": " + why + "; stopping all the same ("
                    + stopEvenIfUnsaved + ")");
            String error = "error: cannot save SAVE_FILE " + file + ": " + why + "; the primary stops all the same ("
                    + stopEvenIfUnsaved + ")";
            stopAndExit(1, error, error);
            return;
        }
        node.notifyOperator(OperatorEvent.SAVE_FAILED, "SAVE_FILE " + file + ": " + why
                + "; not stopping: the service keeps serving");
        String after = signalled
                ? "; the primary stops all the same, on the signal that came meanwhile (not saved: its backup, if live,"
                        + " takes over)"
                : "; nothing was stopped, the service keeps serving (free space, or fix the file or its directory,"
                        + " then SHUTDOWN again)";
        answerShutdown("error: cannot save SAVE_FILE " + file + ": " + why + after);
        fromProxy.thaw();
        List<LongRequest> held = new ArrayList<>(heldWhileFrozen);
        heldWhileFrozen.clear();
        held.forEach(this::longRequestDone);
        if (signalled) {
            stopOnSignal(); // the signal's hook waits for this stop
        }
    }

    /**
     * Stops: answers the SHUTDOWNs waiting with {@code answer} (and later ones with {@code laterAnswer}), stops the
     * backup, then the links, and exits with {@code status}. The answers still held for the backup's acknowledgement
     * leave first once every update is kept: in SAVE_FILE after a save (status 0), or in the write-ahead log once it is
     * closed (forced) with a data directory; dropping them would answer kept updates {@code unavailable}.
     */
    private void stopAndExit(int status, String answer, String laterAnswer) {
        stopping = true;
        stoppingAnswer = laterAnswer;
        answerShutdown(answer);
        node.changeRole(NodeRole.STOPPING);
        heldWhileFrozen.forEach(LongRequest::abandon);
        heldWhileFrozen.clear();
        backup.stop(() -> {
            if (status == 0 && storage.isEmpty()) {
                release.releaseAll();
                proxy.flush();
            }
            if (storage.isPresent()) {
                // Every update is in the log once it is closed (forced): then the held answers may leave.
                storage.get().close().whenComplete((progress, failure) -> {
                    if (failure == null) {
                        release.releaseAll();
                        proxy.flush();
                    }
                    closeLinks();
                    node.exit(failure == null ? status : 1);
                });
                return;
            }
            closeLinks();
            node.exit(status);
        });
    }

    private void answerShutdown(String line) {
        List<Consumer<String>> waiting = new ArrayList<>(shutdownAnswers);
        shutdownAnswers.clear();
        waiting.forEach(answered -> answered.accept(line));
    }

    /**
     * The proxy refused us (stale epoch): exit at once, write nothing (docs/design.md "Failover"). After STEPPED_DOWN
     * it means the replica was promoted: become its backup.
     */
    void onStaleEpoch(long currentEpoch) {
        if (stepDown != null && stepDown.steppedDown) {
            if (!logClosing) { // else it stops on a signal, its log closing: it cannot be a backup
                becomeBackup(currentEpoch);
            }
            return;
        }
        String seen = currentEpoch == node.epoch()
                ? "epoch " + currentEpoch + " from another server (its primary registered, or a backup follows it)"
                : currentEpoch < node.epoch()
                ? "a primary of epoch " + currentEpoch + " that serves on a live link, or a backup promoted to it that"
                        + " is about to, or one that was lost while it served on one copy, whose data directory alone"
                        + " holds every update it answered: a server started beside it does not replace it whatever its"
                        + " epoch (this server's data directory may never have seen their updates; each start takes the"
                        + " epoch above the highest its directory recorded)"
                : "epoch " + currentEpoch + " (a primary of it registered, or a backup follows it)";
        String advice = registered && currentEpoch > node.epoch()
                // it served, and lost the proxy meanwhile (a cut link): its backup was promoted, most likely
                ? "; that primary took over from this one while the proxy could not reach it, so this server's copy is"
                        + " the older one: if that primary has no backup (the proxy's STATUS), start one on this"
                        + " machine (a backup's command line on this data directory)"
                : "; if a backup follows it, promote that backup, or stop it if this server's state is the newer one"
                        + restartHint(currentEpoch);
        String why = "the proxy has seen " + seen + advice + "; this primary (epoch " + node.epoch() + ") stops without"
                + " saving";
        node.notifyOperator(OperatorEvent.STALE_EPOCH, why);
        exitWithoutSaving(why);
    }

    /**
     * What else a refusal may mean for a server that never registered. With a data directory and the epoch the proxy
     * saw: its own last start may have registered it, as well as another server. Without one: where the
     * proxy has no primary and no backup follows it, it is the service started again (from its SAVE_FILE, say) beside
     * a proxy that stayed up, and such a server always starts at epoch 1, which that proxy has seen. Nothing tells the
     * proxy that this server's space is the newer one, so it stays refused; the operator restarts the proxy, which
     * then knows no epoch. (Where a primary is registered, this is a second server started by mistake, and
     * restarting the proxy could let it in: hence the condition the advice states.)
     */
    private String restartHint(long currentEpoch) {
        if (registered) {
            return "";
        }
        if (storage.isPresent()) {
            // a directory asks for an epoch the proxy saw when another server served it, or when its own last start
            // registered it and was stopped before recording it (recordStartedEpoch: milliseconds)
            if (currentEpoch > node.epoch()) { // another server's directory recorded it, or the proxy granted it
                return "; if the proxy's STATUS shows no primary and no followers, start the server that served epoch "
                        + currentEpoch + " or above again where it ran (its node directory holds updates this one"
                        + " lacks); only if that copy is lost for good, restart the proxy as well (its clients lose"
                        + " their connections), then this server, which serves this directory's older state";
            }
            return currentEpoch != node.epoch() ? "" : "; if the proxy's STATUS shows no primary and no followers,"
                    + " either the primary of epoch " + currentEpoch + " is down (start it again where it ran: it may"
                    + " hold writes nothing else holds) or this data directory's last start registered that epoch and"
                    + " was stopped within milliseconds, before recording it: only then restart the proxy as well"
                    + " (its clients lose their connections), then this server";
        }
        if (node.epoch() != 1) {
            return "";
        }
        return "; if the proxy's STATUS shows no primary and no followers, this is a restart without --data-dir, which"
                + " starts at epoch 1 again: restart the proxy as well (its clients lose their connections), then this"
                + " server, and run the servers with --data-dir from then on (their restarts register above every"
                + " epoch they saw)";
    }

    /**
     * The backup this primary reached refused its snapshot: it holds a newer copy than this primary's state (this is a
     * fresh server, or one restarted on an older data directory, beside a proxy that remembers no epoch). A primary
     * whose space no update changed since it started stops, as a stale one does, and leaves that backup to the
     * operator's PROMOTE: serving would serve the older space. One that has, registered, may have acknowledged writes:
     * the two spaces went apart, and only the operator can choose; it serves on, and the refusal is its backup's
     * failure (returns false then).
     */
    boolean stopsOlderThanBackup(String reason) {
        if (writesSinceStart > 0 && (registered || proxy.registerLeftUnanswered())) {
            return false;
        }
        String why = "this primary (epoch " + node.epoch() + ", index " + lastIndex() + ") may not replace its"
                + " backup's copy: " + reason + "; this primary stops without saving";
        node.notifyOperator(OperatorEvent.STALE_EPOCH, why);
        exitWithoutSaving(why);
        return true;
    }

    /** Exits 1 at once, writing nothing; a save under way is abandoned and a SHUTDOWN waiting is told why. */
    private void exitWithoutSaving(String why) {
        exitWithoutSaving(why, "a newer primary serves");
    }

    /** The same; {@code leaving} says why a live backup the proxy may promote is left alone. */
    private void exitWithoutSaving(String why, String leaving) {
        saving = false;
        stopping = true;
        stoppingAnswer = "error: " + why;
        answerShutdown(stoppingAnswer);
        backup.abandon(registered || proxy.registerLeftUnanswered(), leaving);
        closeLinks();
        node.exit(1);
    }

    /**
     * A signal ends this process ({@link ServerNode}): it goes as after a crash, but on purpose. Its log is closed
     * (forced) first, while the proxy still has it: the proxy's promotion of the backup fences this process. Then its
     * live backup is left to take over, with the links to it let go first (a link this primary saw close would count
     * as the backup's failure, and kill its child); the proxy sees the primary's link close and promotes that backup.
     * A SHUTDOWN under way (saving, or stopping) is left to end; one whose save fails goes on serving, so the node
     * stops on the signal then.
     */
    private void stopOnSignal() {
        if (stopping || saving) {
            signalled = saving && !stopping;
            LOG.info("primary pid {} got a signal while it stops already: the process ends once that stop is done,"
                    + " within a minute{}", pid,
                    signalled ? " (if SAVE_FILE cannot be written, this primary stops on the signal then)" : "");
            return;
        }
        node.warnStopsOnSignal("its backup takes over as after a crash of this process if it is live and this primary"
                + " had registered; otherwise nothing serves until a server is started again");
        stopping = true;
        logClosing = true;
        stoppingAnswer = "error: the primary stops on a signal";
        flushEntries(); // the entries of the turn under way reach the log before it closes, and their answers after
        CompletableFuture<Void> closed = new CompletableFuture<>();
        storage.ifPresentOrElse(disk -> disk.close().whenComplete((progress, failure) -> closed.complete(null)),
                () -> closed.complete(null));
        // a hung disk must not leave a primary that neither serves nor is seen lost: past the limit, it goes anyway
        node.loop().schedule(() -> closed.complete(null), LOG_CLOSE_ON_SIGNAL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        closed.thenRun(() -> exitWithoutSaving("the primary stops on a signal", "this primary stops on a signal"));
    }

    /**
     * Whether this primary's space is one the service served: it registered, or it took over (a failover, a
     * switchover) from a primary that had, registered yet or not. Otherwise it answered no client, and its space is
     * what it started with, which may be older than the service's.
     */
    private boolean holdsAServedSpace() {
        return registered || takeover.isPresent();
    }

    /**
     * No registration with the proxy within --primary-register-timeout. A primary that served, or took over a space,
     * keeps it and keeps trying to register, with back-off, for as long as it takes (docs/design.md "Failover"): the
     * space exists nowhere else, and a proxy that is back (restarted, or a network that healed) accepts this primary
     * again; it is told once per loss ({@code proxy_lost}, or {@code proxy_unreachable} after a takeover). Returns true
     * then. A fresh primary that never registered has served nothing (its space is INIT_FILE's or the one its data
     * directory recovered): it stops the backup it started and exits 1 without overwriting SAVE_FILE (false). A backup
     * the operator started ({@code --backup-start none}) is left as it was, with the state it took: the next start
     * of this command line, once the proxy is back, gives it the same state, which it takes
     * (BackupCopy.holdsOnlyWhatItsPrimaryRecovered).
     */
    boolean onProxyUnreachable(String why) {
        if (stopping || saving) {
            return !stopping;
        }
        if (holdsAServedSpace()) {
            if (!proxyLossReported) {
                proxyLossReported = true;
                node.notifyOperator(registered ? OperatorEvent.PROXY_LOST : OperatorEvent.PROXY_UNREACHABLE, why
                        + "; keeping the space (" + state.space().size() + " pairs, index " + lastIndex
                        + ") and trying to register again, with back-off, until the proxy is back");
            }
            return true;
        }
        // with a data directory, INIT_FILE was taken in as its first snapshot (a start refuses one beside data): the
        // same command line run again would be refused for giving both
        String initFileNow = config.dataDir().isPresent() && config.initFile().isPresent()
                ? ", with INIT_FILE null: the data directory holds INIT_FILE's pairs now, and a start given both"
                        + " refuses"
                : "";
        node.notifyOperator(OperatorEvent.PROXY_UNREACHABLE, why + "; nothing was served, SAVE_FILE is left as it is:"
                + " run this command again once the proxy is up and accepts this server" + initFileNow);
        if (config.backupStart() instanceof BackupStart.None) {
            exitWithoutSaving(why + "; a backup the operator started, if one took this state, is left running with it");
        } else {
            stopAndExit(1, "error: " + why, "error: " + why);
        }
        return false;
    }

    private void startFailed(String what, Throwable cause) {
        LOG.error("primary cannot bind {}: {}", what, IoFailure.describe(cause));
        exitWithoutSaving("the primary could not start: it cannot bind " + what);
    }

    private void closeLinks() {
        listeners.forEach(Channel::close);
        proxy.close();
        scans.stop();
        requests.forgetAllReads();
    }

    // --- what STATUS and the supervisor read ----------------------------------------------------------

    NodeStatus status() {
        return new NodeStatus(node.role().word(), pid, node.epoch(), config.replication().word(), lastIndex,
                state.space().size(), state.space().digest(), backup.status(), clients.size(),
                config.saveFile().map(Object::toString).orElse(null), storage.map(NodeStorage::status).orElse(null),
                proxy.registeredNow());
    }

    ReplicatedState state() {
        return state;
    }

    /** This primary's state may lack updates answered before its restart (see the constructor). */
    boolean mayLackAnswered() {
        return mayLackAnswered;
    }

    /** See {@link ReplicationMessage.Entries#forcedIndex()}: -1 unless answers wait for this node's disk. */
    long forcedIndex() {
        // on every flush: no Optional, no boxed index
        return storage.isPresent() && storage.get().answersWaitForForce() ? storage.get().logged() : -1;
    }

    /** See {@link ReplicationMessage.SnapshotBegin#recoveredEpoch()}. */
    long recoveredEpoch() {
        return recoveredIndex >= 0 ? storage.orElseThrow().recoveredEpoch() : 0;
    }

    /** See {@link ReplicationMessage.SnapshotBegin#recoveredServer()}. */
    long recoveredServer() {
        return recoveredIndex >= 0 ? storage.orElseThrow().recoveredServer() : 0;
    }

    /** See {@link ReplicationMessage.SnapshotBegin#recoveredIndex()}. */
    long recoveredIndex() {
        return recoveredIndex;
    }

    /** See {@link ReplicationMessage.SnapshotBegin#history()}: its data directory's, 0 without one. */
    long history() {
        return storage.map(NodeStorage::history).orElse(0L);
    }

    /** How many updates changed the space since this primary started. */
    long writesSinceStart() {
        return writesSinceStart;
    }

    long lastIndex() {
        return lastIndex;
    }

    long pid() {
        return pid;
    }

    long serverId() {
        return node.serverId();
    }

    boolean stopping() {
        return stopping;
    }
}
