package tuplespace.node;

import io.netty.channel.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.frame.Frame;
import tuplespace.ops.OperatorEvent;
import tuplespace.replication.AnswerRelease;
import tuplespace.replication.Change;
import tuplespace.replication.ReplicatedState;
import tuplespace.replication.ReplicationBatch;
import tuplespace.replication.Replicated;
import tuplespace.replication.ReplicationInvariantException;
import tuplespace.replication.ReplicationMessage;

/**
 * The acting primary: evaluates the proxy's requests, remembers update answers (exactly once, SPEC §4),
 * replicates every change to its backup and releases answers by the rule of {@link AnswerRelease}.
 * Runs entirely on the node's event loop.
 */
final class PrimaryNode {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryNode.class);
    /** How long a fresh primary waits for its first backup before registering anyway (SPEC §3 order). */
    private static final Duration FIRST_BACKUP_WAIT = Duration.ofSeconds(10);
    /**
     * After a takeover, how long the new primary serves before starting its new backup: a JVM starting up
     * takes both cores of a small machine for a while, and the clients' first answers come first.
     */
    static final Duration NEW_BACKUP_DELAY = Duration.ofMillis(500);
    /**
     * How the proxy's frames are served (DESIGN "Threads"): 256 frames or about 10 ms per event-loop turn, then
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
    private final long pid = ProcessHandle.current().pid();
    private final ReplicationBatch batch = new ReplicationBatch();
    private final AnswerRelease<Frame.Answer> release;
    private final Set<Long> clients = new HashSet<>();
    private final BackupSupervisor backup;
    private final ProxyLink proxy;
    private final FairTurns fromProxy;
    private final List<Channel> listeners = new ArrayList<>();
    private final ScanThread scans;
    private long lastIndex;
    private boolean flushScheduled;
    private boolean registered;
    private boolean stopping;

    PrimaryNode(ServerNode node, NodeConfig config, ReplicatedState state, long lastIndex,
                Optional<TakeoverTimeline> takeover) {
        this.node = node;
        this.config = config;
        this.state = state;
        this.requests = new ExactlyOnceRequests(state, node.evaluator(), config.matchLimits());
        this.scans = new ScanThread(config.matchLimits());
        this.lastIndex = lastIndex;
        this.takeover = takeover;
        this.release = new AnswerRelease<>(this::sendAnswer);
        this.backup = new BackupSupervisor(node, config, this);
        this.proxy = new ProxyLink(node, config, this);
        // schedule, not execute: Netty runs tasks executed from a task in the same batch, before any I/O.
        this.fromProxy = new FairTurns(this::serve, task -> node.loop().schedule(task, 0, TimeUnit.NANOSECONDS),
                proxy.reading(), System::nanoTime, SERVING);
    }

    void start() {
        if (takeover.isPresent()) {
            // Register first: clients wait for us (DESIGN "Failover": nothing slow before registering).
            proxy.connect();
        }
        NodeNetwork network = node.network();
        long deadline = NodeNetwork.deadline(Duration.ofSeconds(5));
        network.bind(config.heartbeatSap(), LinkRole.HEARTBEAT, backup.heartbeatInitializer(), deadline,
                this::listening,
                cause -> startFailed("HEARTBEAT_SAP " + NodeNetwork.describe(config.heartbeatSap()), cause));
        network.bind(config.shutdownSap(), LinkRole.ADMIN, new ShutdownServer(this).initializer(), deadline,
                this::listening,
                cause -> startFailed("SHUTDOWN_SAP " + NodeNetwork.describe(config.shutdownSap()), cause));
        if (takeover.isEmpty()) {
            // The serving path is warmed first, off the loop and before any backup or client exists: the first
            // requests must not pay for class loading (a cold GET can run out of its match budget).
            Thread warmUp = new Thread(() -> {
                try {
                    ServingWarmUp.runLoggingFailure(node.evaluator(), config.matchLimits());
                } finally {
                    node.loop().execute(this::startFirstBackup);
                }
            }, "serving-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        }
    }

    /** SPEC §3: the first backup is brought up to date before the primary joins the proxy (bounded wait). */
    private void startFirstBackup() {
        if (!stopping) {
            backup.start();
            node.loop().schedule(this::registerIfNotYet, FIRST_BACKUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void listening(Channel listener) {
        listeners.add(listener);
        if (listeners.size() == 2) {
            takeoverStep("HEARTBEAT_SAP and SHUTDOWN_SAP bound");
        }
    }

    void takeoverStep(String what) {
        takeover.ifPresent(timeline -> timeline.step(what));
    }

    private void startFailed(String what, Throwable cause) {
        LOG.error("primary cannot bind {}: {}", what, cause.toString());
        stopWithoutSaving(1);
    }

    /** The first backup is live (or could not start in time): now join the proxy (SPEC §3). */
    void registerIfNotYet() {
        if (!proxy.started() && !stopping) {
            proxy.connect();
        }
    }

    void onRegistered(long proxyPid) {
        if (registered) {
            // The same (epoch, pid) again after a lost link: the proxy resends what it has not had answered.
            LOG.warn("primary epoch {} registered again with proxy pid {} at index {}", node.epoch(), proxyPid, lastIndex);
            return;
        }
        registered = true;
        LOG.info("primary epoch {} registered with proxy pid {} at index {}", node.epoch(), proxyPid, lastIndex);
        if (takeover.isPresent()) {
            takeoverStep("REGISTERED by the proxy");
            node.notifyOperator(OperatorEvent.FAILOVER_COMPLETE, "serving as primary pid " + pid + " from index " + lastIndex);
            // DESIGN "Failover" step 6, a little later: the resent requests are answered first, without a backup.
            node.loop().schedule(this::startBackupUnlessStopping, NEW_BACKUP_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The proxy link closed; the link registers again. What it had queued, the proxy will send again. */
    void onProxyLinkLost() {
        // A connection parked for its long request stays parked: the request is answered on the next link (the proxy
        // ignores a second answer to a request it sent again), and its completion unparks the connection.
        fromProxy.clear();
    }

    private void startBackupUnlessStopping() {
        if (!stopping) {
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
            // queued behind the connection's requests: its answers are settled before its table entries go
            fromProxy.add(new Frame.Closed(conn));
        }
    }

    /** True while requests are queued and the proxy link is not read (its silence is ours, not the proxy's). */
    boolean servingBacklog() {
        return fromProxy.paused();
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
        } catch (RuntimeException e) {
            // Not an evaluation failure (ExactlyOnceRequests answers those): a bug of ours; keep serving the others.
            LOG.error("primary failed to serve {}; serving goes on", frame, e);
        }
    }

    private void serveRequest(Frame.Request request) {
        clients.add(request.conn());
        requests.handleOnTheLoop(request, this::startLongRequest)
                // An update depends on its own index; anything else on what it may have seen (DESIGN "Answering").
                .ifPresent(handled -> answer(request, handled, lastIndex));
    }

    private void answer(Frame.Request request, ExactlyOnceRequests.Handled handled, long readIndex) {
        handled.changes().forEach(this::append);
        long dependsOn = handled.changes().isEmpty() ? readIndex : lastIndex;
        release.offer(dependsOn, new Frame.Answer(request.conn(), request.seq(), handled.answer()));
    }

    /**
     * A GET or DELETE too big for the loop: to the scan thread, against the space as it is at this point. Its
     * connection is parked meanwhile (SPEC §2: answers in request order; and exactly-once keeps a connection's reads
     * before its updates); every other connection is served.
     */
    private void startLongRequest(Frame.Request request) {
        Optional<LongRequest> started = LongRequest.start(request, state.space(), lastIndex);
        if (started.isEmpty()) {
            // Only a GET or DELETE is ever cut off; anything else would be a bug in the evaluator.
            throw new IllegalStateException("expected a GET or DELETE to evaluate on the scan thread, found " + request);
        }
        fromProxy.park(request.conn());
        scans.submit(started.get(), done -> node.loop().execute(() -> longRequestDone(done)));
    }

    /** Back on the loop: the long request's answer (and a DELETE's effect, now); then its connection is served again. */
    private void longRequestDone(LongRequest done) {
        if (stopping) {
            done.abandon();
            return;
        }
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

    private void clientClosed(long conn) {
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

    /** Sends the entries appended so far to the backup's link, if one is connected; else they are dropped. */
    void flushEntries() {
        if (batch.isEmpty()) {
            return;
        }
        backup.replicate(new ReplicationMessage.Entries(batch.drain(), state.space().digest()));
    }

    private void sendAnswer(Frame.Answer answer) {
        proxy.write(answer);
        takeover.ifPresent(TakeoverTimeline::answerSent);
        scheduleFlush();
    }

    // --- the backup's view, called by BackupSupervisor -------------------------------------------------

    void backupLive(long acknowledgedIndex) {
        if (config.replication() == ReplicationMode.SYNC) {
            release.startHolding(acknowledgedIndex);
        }
        registerIfNotYet();
    }

    /**
     * The snapshot's end went down the link: a backup that has it may take over, so from now on answers wait for
     * its acknowledgement (sync), or a takeover could lose an update answered meanwhile.
     */
    void backupSnapshotEnded(long index) {
        if (config.replication() == ReplicationMode.SYNC) {
            release.startHolding(index);
        }
    }

    void backupAcknowledged(long index) {
        release.acknowledged(index);
    }

    /** No live backup: SPEC §4 says keep serving, so nothing waits for acknowledgements any more. */
    void backupLost() {
        release.stopHolding();
    }

    void backupLostUnderShutdownPolicy() {
        shutdown("the backup was lost and --on-backup-loss is shutdown");
    }

    // --- stopping ---------------------------------------------------------------------------------------

    /** SHUTDOWN, or the proxy is gone: stop the backup, save SAVE_FILE, exit 0 (SPEC §4). */
    void shutdown(String reason) {
        if (stopping) {
            return;
        }
        stopping = true;
        node.changeRole(NodeRole.STOPPING);
        node.notifyOperator(OperatorEvent.SHUTDOWN, reason);
        flushEntries();
        backup.stop(() -> {
            int status = save() ? 0 : 1;
            if (status == 0) {
                // Every update is in SAVE_FILE now: answers still held for the backup's acknowledgement may leave
                // (those it acknowledged while stopping left already). Dropping them would answer saved updates
                // `unavailable`.
                release.stopHolding();
                proxy.flush();
            }
            closeLinks();
            node.exit(status);
        });
    }

    /** The proxy refused us (stale epoch): exit at once, write nothing (DESIGN "Failover"). */
    void onStaleEpoch(long currentEpoch) {
        node.notifyOperator(OperatorEvent.STALE_EPOCH, "the proxy has seen epoch " + currentEpoch
                + "; this primary (epoch " + node.epoch() + ") stops without saving");
        stopWithoutSaving(1);
    }

    /**
     * No registration with the proxy within --primary-register-timeout. A primary that served, or took over a
     * space, counts the proxy as failed: it saves SAVE_FILE, stops the backup and exits 0 (SPEC §4). A fresh primary
     * that never registered has served nothing (its space is INIT_FILE's): it stops the backup and exits 1 without
     * overwriting SAVE_FILE.
     */
    void onProxyUnreachable(String why) {
        if (stopping) {
            return;
        }
        if (registered || takeover.isPresent()) {
            node.notifyOperator(registered ? OperatorEvent.PROXY_LOST : OperatorEvent.PROXY_UNREACHABLE, why);
            shutdown("the proxy failed: " + why);
            return;
        }
        node.notifyOperator(OperatorEvent.PROXY_UNREACHABLE, why + "; nothing was served, SAVE_FILE is left as it is");
        stopping = true;
        backup.stop(() -> {
            closeLinks();
            node.exit(1);
        });
    }

    private void stopWithoutSaving(int status) {
        stopping = true;
        backup.abandon();
        closeLinks();
        node.exit(status);
    }

    private boolean save() {
        if (config.saveFile().isEmpty()) {
            return true;
        }
        try {
            node.persistence().save(config.saveFile().get(), state.space());
            LOG.info("saved {} pairs to {}", state.space().size(), config.saveFile().get());
            return true;
        } catch (IOException | RuntimeException e) {
            node.notifyOperator(OperatorEvent.SAVE_FAILED, "SAVE_FILE " + config.saveFile().get() + ": " + e.getMessage());
            return false;
        }
    }

    private void closeLinks() {
        listeners.forEach(Channel::close);
        proxy.close();
        scans.stop();
    }

    // --- what STATUS and the supervisor read ----------------------------------------------------------

    NodeStatus status() {
        return new NodeStatus(node.role().word(), pid, node.epoch(), config.replication().word(), lastIndex,
                state.space().size(), state.space().digest(), backup.status(), clients.size(),
                config.saveFile().map(Object::toString).orElse(null));
    }

    ReplicatedState state() {
        return state;
    }

    long lastIndex() {
        return lastIndex;
    }

    long pid() {
        return pid;
    }

    boolean stopping() {
        return stopping;
    }
}
