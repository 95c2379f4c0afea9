package tuplespace.node;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;
import tuplespace.codec.auth.LinkRole;
import tuplespace.codec.netty.NextTurn;
import tuplespace.ops.OperatorEvent;
import tuplespace.replication.ReplicationBatch;
import tuplespace.replication.ReplicationFrames;
import tuplespace.replication.ReplicationMessage;
import tuplespace.replication.SnapshotStream;
import tuplespace.space.IoFailure;
import tuplespace.space.SpaceSnapshot;

/**
 * The primary's side of its backup: has it started ({@link BackupProcess}: a child process, a command, or
 * with {@code --backup-start none} nothing but connecting to the peer's BACKUP_SAP), brings it up to date with a
 * snapshot in frames while serving, feeds it entries, watches it (link, heartbeats, a child's exit) and on failure
 * restarts it a bounded number of times ({@link RestartPolicy}), then serves degraded and retries with back-off. A
 * backup dropped is fenced: a child is killed before its links close, and the proxy hears that no backup holds what is
 * answered from now on before any such answer leaves.
 *
 * <p>Every attempt has a generation number; callbacks from an older attempt (a late exit, a close) are ignored.
 */
final class BackupSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(BackupSupervisor.class);
    /** A JVM starting on a busy two-core machine was seen to take 14 s to listen; its exit is watched apart. */
    static final Duration CONNECT_WINDOW = Duration.ofSeconds(45);
    static final Duration RESTART_PAUSE = Duration.ofMillis(200);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration STOP_WAIT = Duration.ofSeconds(3);
    /** SHUTDOWN while the backup JVM still starts: it is told to stop once it listens (a JVM was seen to take 14 s). */
    static final Duration STARTING_STOP_WAIT = Duration.ofSeconds(20);
    /** {@code --backup-start none}: how long the first backup may not listen before the primary warns it has none. */
    static final Duration NO_BACKUP_WARNING = Duration.ofSeconds(2);
    /** No deadline: {@link #startForJudgement}'s connecting goes on until a backup listens. */
    private static final Duration UNTIL_CONNECTED = Duration.ofDays(3_650);
    /** How long a new primary tries to reach the old one it resumes after a switchover before it starts a backup. */
    static final Duration RESUME_WINDOW = Duration.ofSeconds(5);
    /** Entry batches kept for the old primary until it is connected; past this it gets a snapshot instead. */
    static final int MAX_RESUME_TAIL = 10_000;
    /** How long one turn of the event loop makes snapshot frames before serving again (about the serving path's turn). */
    private static final long SNAPSHOT_TURN_NANOS = 1_000_000L;

    private final ServerNode node;
    private final NodeConfig config;
    private final PrimaryNode primary;

    private BackupState state = BackupState.NONE;
    /** Why the last backup failed, for STATUS; null once one is live again. Owned by the loop. */
    private String lastFailure;
    /** When a degraded primary starts its next backup, while it waits for that; null otherwise. Owned by the loop. */
    private Instant nextRetry;
    /** The backup being synced acknowledged its snapshot's end: it holds a complete copy, and catches up from there. */
    private boolean copied;
    private long generation;
    /**
     * This primary ran on one copy before its first backup: it took over (a failover or a switchover), or a backup of
     * its failed. Then a backup going live is the service protected again, an operator event; for a primary that
     * started as one (fresh, from INIT_FILE or restarted on its data directory, whatever its epoch) it is start-up.
     */
    private boolean protectionLost;
    private final RestartPolicy restarts;
    private final BackupProcess process;
    private Channel replication;
    private Channel heartbeat;
    /**
     * How many times a backup was started, for the log: {@code generation} counts attempts given up too (each failure
     * retires its attempt at once), so it numbers starts 1, 3, 5.
     */
    private long starts;
    /** The heartbeats with the backup of the current attempt, from its replication link up; null before. */
    private PeerHeartbeats heartbeats;
    /** The snapshot being sent, frame by frame; null when none is. */
    private SnapshotStream snapshot;
    /** How far the snapshot of the backup syncing now has been sent, for STATUS; null when none is syncing from one. */
    private NodeStatus.Sync sync;
    private boolean frameQueued;
    private Long backupPid;
    /** The backup's server id, from its first heartbeat or acknowledgement on the replication link. */
    private Long backupServer;
    private Long backupIndex;
    private Long backupDigest;
    /** SHUTDOWN came while the backup was starting: connect only to tell it to stop. */
    private boolean stopRequested;
    /** The first backup, started by someone else, was not listening: warned once. */
    private boolean warnedNoBackup;
    /** {@link #startForJudgement}: until a backup has taken this primary's state. */
    private boolean awaitingJudgement;
    /**
     * After a switchover: the index the old primary holds, at which it is resumed instead of being sent a snapshot (-1:
     * a backup is started and synced as usual), and the entries appended since, sent to it once it is connected.
     */
    private long resumeFrom = -1;
    private List<ReplicationMessage.Entries> resumeTail;
    /**
     * This primary stepped down (STEPPED_DOWN sent): its replica may be promoted any moment and close its links, which
     * is no failure to act on — nothing is killed or restarted. A failure seen meanwhile is kept, and acted on only if
     * the step-down is abandoned (the proxy took this primary back).
     */
    private boolean handingOver;
    private String failureWhileHandingOver;
    /** The replica a step-down hands over to, as the backup this node becomes will know it. */
    private PrimaryHandle handingOverTo;

    BackupSupervisor(ServerNode node, NodeConfig config, PrimaryNode primary, boolean tookOver) {
        this.node = node;
        this.config = config;
        this.primary = primary;
        this.protectionLost = tookOver;
        this.restarts = new RestartPolicy(config.backupRestarts(), RESTART_PAUSE, FIRST_BACKOFF, MAX_BACKOFF);
        this.process = new BackupProcess(node, config, primary.pid(), new BackupProcess.Events() {
            @Override
            public boolean wanted(long attempt) {
                return attempt == generation && !primary.stopping();
            }

            @Override
            public void started(long attempt) {
                connectToBackup(attempt, CONNECT_WINDOW);
            }

            @Override
            public void failed(long attempt, String reason) {
                BackupSupervisor.this.failed(attempt, reason);
            }

            @Override
            public boolean linkedWithout(long attempt, long pid) {
                return attempt == generation && replication != null && replication.isActive()
                        && (backupPid == null || backupPid != pid);
            }
        });
    }

    void start() {
        launch();
    }

    /**
     * The first backup, started by someone else, judges this unregistered primary's state before it serves
     * ({@code PrimaryNode.judgedByItsPeerFirst}): connected to however long that takes, with no window that fails it
     * and no event for a backup failing before it took the state (nothing is served meanwhile, so no backup is lost),
     * and one WARN saying what it waits for.
     */
    void startForJudgement() {
        awaitingJudgement = true;
        launch();
    }

    /**
     * The proxy took this primary before a backup judged its state (REGISTER's {@code unjudged}: it lost this
     * directory's primary serving on one copy): it serves now, so a backup failing from here on is a backup's failure,
     * with its event and the restart policy, as for any primary; one still awaited is connected to within the usual
     * window from now.
     */
    void servesUnjudged() {
        if (!awaitingJudgement) {
            return;
        }
        awaitingJudgement = false;
        if (state == BackupState.CONNECTING) {
            launch(); // the connecting without a window ends with the generation it belongs to
        }
    }

    /**
     * The first backup will be the old primary of a switchover, which holds the state at {@code index}: it is resumed
     * there (docs/design.md "Switchover"); entries appended before it is connected are kept for it.
     */
    void resumeAt(long index) {
        resumeFrom = index;
        resumeTail = new java.util.ArrayList<>();
    }

    private void launch() {
        if (primary.stopping()) {
            return;
        }
        long attempt = ++generation;
        long start = ++starts;
        nextRetry = null;
        state = BackupState.STARTING;
        if (resumeFrom >= 0) {
            // a child backup runs on this machine: the old primary does too, and its acknowledgements name its pid
            process.adoptOnFirstAcknowledgement();
            LOG.info("primary resumes the old primary as its backup at {} from index {} (start {})",
                    NodeNetwork.describe(config.peerBackupSap()), resumeFrom, start);
            connectToBackup(attempt, RESUME_WINDOW);
            return;
        }
        if (config.backupStart() instanceof BackupStart.None) {
            state = BackupState.CONNECTING;
            LOG.info("primary waits for its backup at {} (started by someone else; start {})",
                    NodeNetwork.describe(config.peerBackupSap()), start);
            long since = System.nanoTime();
            connectToBackup(attempt, awaitingJudgement ? UNTIL_CONNECTED : CONNECT_WINDOW,
                    start == 1 ? cause -> warnNoBackupListens(since, cause) : cause -> { });
            return;
        }
        LOG.info("primary starts its backup (start {})", start);
        process.start(attempt);
    }

    /**
     * The first backup, started by someone else, did not listen for {@link #NO_BACKUP_WARNING} (servers started
     * together need not warn): said once, since nothing else says that this primary is on one copy (no backup failed;
     * {@code backup_failed} comes only once the window is over).
     */
    private void warnNoBackupListens(long since, Throwable cause) {
        if (warnedNoBackup || System.nanoTime() - since < NO_BACKUP_WARNING.toNanos()) {
            return;
        }
        warnedNoBackup = true;
        if (awaitingJudgement) { // (cleared once the proxy took this primary: servesUnjudged)
            LOG.warn("primary has not registered: no backup listens at {} for {} ({}), and the copy of the server there"
                    + " may be newer than this data directory's (a failover or a switchover this directory never saw);"
                    + " it serves once a backup there has judged its state. Start the server of that machine (its own"
                    + " command line): it takes this state, or refuses it for a newer one of its own, and this server"
                    + " stops. If that copy is lost for good, start a backup there on an empty data directory, which"
                    + " takes this one's. To serve this copy while that machine is down, if you know this server served"
                    + " last ({}), run it with --backup-start child and without --peer-backup-sap: it starts its backup"
                    + " on this machine. If a primary serves already, this server is not needed: stop it, or run it as"
                    + " that primary's backup", NodeNetwork.describe(config.peerBackupSap()),
                    Durations.text(NO_BACKUP_WARNING), IoFailure.describe(cause), !primary.mayLackAnswered()
                            ? "a proxy that stayed up since would have taken it: it did not"
                            : "with --fsync " + config.fsync().optionName() + " a proxy does not take it before that"
                            + " judgement, since a power cut may have taken answered updates from its log");
        } else {
            LOG.warn("primary has no backup yet: could not connect to it at {} for {} ({}); with --backup-start none"
                    + " someone else starts it there. The primary connects as soon as one listens; until then what it"
                    + " answers exists on this server only", NodeNetwork.describe(config.peerBackupSap()),
                    Durations.text(NO_BACKUP_WARNING), IoFailure.describe(cause));
        }
    }

    private void connectToBackup(long attempt, Duration window) {
        connectToBackup(attempt, window, cause -> { });
    }

    private void connectToBackup(long attempt, Duration window, java.util.function.Consumer<Throwable> missed) {
        node.network().connect(config.peerBackupSap(), LinkRole.REPLICATION, replicationInitializer(attempt),
                NodeNetwork.deadline(window),
                () -> attempt == generation && (!primary.stopping() || stopRequested),
                channel -> onConnected(attempt, channel),
                missed,
                cause -> failed(attempt, "could not connect to the backup at "
                        + NodeNetwork.describe(config.peerBackupSap()) + ": " + IoFailure.describe(cause)));
    }

    private void onConnected(long attempt, Channel channel) {
        if (attempt == generation && stopRequested) {
            replication = channel;
            channel.writeAndFlush(new ReplicationMessage.Stop("the service shuts down"));
            return;
        }
        if (attempt != generation || primary.stopping()) {
            channel.close();
            return;
        }
        // Entries appended before the snapshot starts are in the snapshot: they go to nobody (to the tail, resuming).
        primary.flushEntries();
        replication = channel;
        state = BackupState.SYNCING;
        copied = false;
        sync = null; // a resumed backup is sent no snapshot
        // Both links, every interval, from the moment the replication link is up: the backup must hear us before its
        // heartbeat link is adopted, or a quiet start-up looks like a hung primary
        // (docs/design.md "Processes and links").
        heartbeats = new PeerHeartbeats(node, config, "backup", () -> java.util.Arrays.asList(heartbeat, replication),
                primary::stopping, primary::forcedIndex, reason -> failed(attempt, reason));
        if (resumeFrom >= 0) {
            resume(channel);
            return;
        }
        // Frozen at this index (O(1)): entries after it follow on the link, and the backup applies them after the pairs.
        SpaceSnapshot frozen = primary.state().space().snapshot();
        snapshot = new SnapshotStream(frozen);
        sync = new NodeStatus.Sync(0, frozen.size());
        channel.write(new ReplicationMessage.SnapshotBegin(node.epoch(), primary.lastIndex(), primary.pid(),
                node.serverId(), NodeNetwork.describe(config.heartbeatSap()), false, primary.mayLackAnswered(),
                primary.history(), primary.recoveredIndex(), primary.recoveredEpoch(),
                primary.recoveredServer()));
        // The answer table as of this index, in bounded chunks, before any entry that changes it.
        for (ReplicationMessage.SnapshotAnswers chunk : ReplicationMessage.SnapshotAnswers.chunks(
                primary.state().answers().entries(), ReplicationBatch.MAX_BYTES)) {
            channel.write(chunk, channel.voidPromise());
        }
        channel.flush();
        LOG.info("primary streams a snapshot of {} pairs from index {} to the backup", primary.state().space().size(),
                primary.lastIndex());
        scheduleSnapshotFrame(attempt);
    }

    /**
     * The old primary of a switchover holds the state at {@link #resumeFrom}: no answer table and no pairs, only the
     * entries appended since and the snapshot's end, whose digest it checks.
     */
    private void resume(Channel channel) {
        channel.write(new ReplicationMessage.SnapshotBegin(node.epoch(), resumeFrom, primary.pid(), node.serverId(),
                NodeNetwork.describe(config.heartbeatSap()), true, false, primary.history(), -1, 0, 0),
                channel.voidPromise());
        resumeTail.forEach(entries -> channel.write(entries, channel.voidPromise()));
        LOG.info("primary resumes its backup at index {} with {} entry batches since", resumeFrom, resumeTail.size());
        resumeFrom = -1;
        resumeTail = null;
        channel.writeAndFlush(new ReplicationMessage.SnapshotEnd(primary.lastIndex(), primary.state().space().digest()));
    }

    private void scheduleSnapshotFrame(long attempt) {
        if (!frameQueued) {
            frameQueued = true;
            // on the next turn: a snapshot sent in one batch of tasks would go out whole before anything is served
            NextTurn.of(node.loop()).execute(() -> {
                frameQueued = false;
                sendSnapshotFrame(attempt);
            });
        }
    }

    /**
     * Frames of the snapshot for about {@link #SNAPSHOT_TURN_NANOS} (at least one) per turn of the event loop, paced by
     * the channel's writability, so serving goes on in between (a frame takes a fraction of a millisecond to make, a
     * few milliseconds on a freshly promoted primary's cold code). Entries appended meanwhile go down the same link as
     * they come; the snapshot's end follows the last frame and every entry up to the index it names (docs/internals.md).
     */
    private void sendSnapshotFrame(long attempt) {
        if (attempt != generation || replication == null || snapshot == null) {
            return;
        }
        if (!replication.isWritable()) {
            return; // resumed by channelWritabilityChanged
        }
        if (!snapshot.hasMore()) {
            snapshot = null;
            primary.flushEntries();
            replication.writeAndFlush(new ReplicationMessage.SnapshotEnd(primary.lastIndex(),
                    primary.state().space().digest()));
            return;
        }
        long started = System.nanoTime();
        do {
            replication.writeAndFlush(snapshot.nextFrame(replication.alloc()), replication.voidPromise());
        } while (snapshot.hasMore() && replication.isWritable() && System.nanoTime() - started < SNAPSHOT_TURN_NANOS);
        sync = new NodeStatus.Sync(snapshot.pairsWritten(), sync.pairs());
        scheduleSnapshotFrame(attempt);
    }

    /**
     * This primary starts work that keeps its loop busy for up to {@code millis} (a request of megabytes): the backup
     * hears it on both links, before the work, and judges no silence before then; nor does this primary judge the
     * backup's. Without a backup's links there is no one to tell.
     */
    void busy(long millis) {
        if (heartbeats != null) {
            heartbeats.announceBusy(millis);
        }
    }

    /** Sends a batch of entries down the link of the backup being synced or live; dropped if none. */
    void replicate(ReplicationMessage.Entries entries) {
        if (replication != null && replication.isActive()) {
            replication.writeAndFlush(entries, replication.voidPromise());
        } else if (resumeTail != null) {
            resumeTail.add(entries);
            if (resumeTail.size() > MAX_RESUME_TAIL) {
                LOG.warn("the old primary was not resumed within {} entry batches: it gets a snapshot instead",
                        MAX_RESUME_TAIL);
                resumeFrom = -1;
                resumeTail = null;
            }
        }
    }

    private void onAcknowledged(long attempt, ReplicationMessage.Ack ack) {
        if (attempt != generation) {
            return;
        }
        backupPid = ack.backupPid();
        backupServer = ack.backupServer();
        process.acknowledgedBy(ack.backupPid());
        backupIndex = ack.index();
        backupDigest = ack.digest();
        if (heartbeats != null) {
            heartbeats.heard();
        }
        if (state == BackupState.SYNCING && !copied && !primary.stopping()) {
            copied = true; // the acknowledgement of the snapshot's end
            awaitingJudgement = false; // it took this state: a failure from now on is a backup's failure
            primary.backupCopied(ack.index(), ack.backupServer());
        }
        primary.backupAcknowledged(ack.index());
    }

    /**
     * The primary names the backup its replica ({@link ReplicaCatchUp}): it holds every update answered, (sync) answers
     * wait for it, and the proxy may promote it; until then it is still syncing. Returns false, and the backup is not to
     * be named, when the primary is stopping or the backup is not the one syncing.
     */
    boolean named() {
        if (state != BackupState.SYNCING || primary.stopping()) {
            return false;
        }
        state = BackupState.LIVE;
        lastFailure = null;
        sync = null;
        restarts.live();
        if (protectionLost) {
            node.notifyOperator(OperatorEvent.BACKUP_RESTORED, "backup pid " + backupPid + " is live at index "
                    + backupIndex);
        } else {
            LOG.info("backup pid {} is live at index {}", backupPid, backupIndex);
        }
        return true;
    }

    /** The backup of {@code attempt} failed: restart it, or serve degraded, or stop (README "Running it"). */
    private void failed(long attempt, String reason) {
        if (attempt != generation || primary.stopping()) {
            return;
        }
        if (handingOver) {
            if (failureWhileHandingOver == null) {
                LOG.info("the backup's links changed during the step-down ({}): the proxy promotes it or takes this"
                        + " primary back", reason);
                failureWhileHandingOver = reason;
            }
            return;
        }
        if (awaitingJudgement) {
            // nothing is served yet, so no backup is lost: no event, no restart counted, and no window; again until one
            // has taken this state (startForJudgement)
            generation++;
            state = startingState();
            LOG.warn("primary's backup at {} failed before it took this server's state ({}); connecting again, and"
                    + " registering only once one has", NodeNetwork.describe(config.peerBackupSap()), reason);
            List<Channel> links = detachLinks();
            process.killThen(() -> {
                links.forEach(Channel::close);
                node.loop().schedule(this::launch, RESTART_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
            });
            return;
        }
        generation++;
        protectionLost = true;
        state = startingState(); // no longer live from now on, while it is killed (STATUS said live, pid null)
        resumeFrom = -1; // a new backup gets a snapshot
        resumeTail = null;
        lastFailure = reason;
        node.notifyOperator(OperatorEvent.BACKUP_FAILED, reason);
        // Kill first, close the links once it is gone: a slow backup that read EOF first would take the close for
        // its primary's failure and fence this healthy process. Held answers wait until it can no longer take over:
        // it is dead, and the proxy has heard that it holds nothing answered from now on (it would not promote it).
        List<Channel> links = detachLinks();
        process.killThen(() -> {
            primary.backupLost();
            links.forEach(Channel::close);
            recover();
        });
    }

    /** What STATUS says while the next backup comes: a process starting, or one started by someone else awaited. */
    private BackupState startingState() {
        return config.backupStart() instanceof BackupStart.None ? BackupState.CONNECTING : BackupState.STARTING;
    }

    /** After a failure: restart, or serve degraded with back-off, or stop under {@code --on-backup-loss shutdown}. */
    private void recover() {
        if (config.onBackupLoss() == BackupLossPolicy.SHUTDOWN) {
            state = BackupState.NONE;
            primary.backupLostUnderShutdownPolicy();
            return;
        }
        RestartPolicy.Next next = restarts.failed();
        state = next.degraded() ? BackupState.DEGRADED : startingState();
        if (next.newlyDegraded()) {
            node.notifyOperator(OperatorEvent.BACKUP_DEGRADED, "serving without a backup after "
                    + next.failedRestarts() + " failed restarts; retrying every " + Durations.text(next.pause())
                    + " or so, and less often after");
            primary.backupDegraded();
        }
        // A kept standby is a JVM started already: no process to wait for, and one standby per failure bounds a loop of
        // failing backups by JVM starts. The pause is for starting processes (and the back-off once degraded).
        long pause = !next.degraded() && node.standby().ready() ? 0 : next.pause().toMillis();
        nextRetry = next.degraded() ? Instant.now().plusMillis(pause) : null;
        node.loop().schedule(this::launch, pause, TimeUnit.MILLISECONDS);
    }

    /**
     * Forgets the current backup's links without closing anything (the caller does, in the right order, after it dealt
     * with the backup's process): late callbacks from them then match nothing.
     */
    private List<Channel> detachLinks() {
        List<Channel> links = new java.util.ArrayList<>(2);
        if (replication != null) {
            links.add(replication);
        }
        if (heartbeat != null) {
            links.add(heartbeat);
        }
        replication = null;
        snapshot = null;
        sync = null;
        heartbeat = null;
        if (heartbeats != null) {
            heartbeats.stop();
            heartbeats = null;
        }
        backupPid = null;
        backupServer = null;
        backupIndex = null;
        backupDigest = null;
        return links;
    }

    /** Kills the child first, then closes its links (no wait: the caller is done with the backup either way). */
    private void dropLinksAndChild() {
        process.killChild();
        detachLinks().forEach(Channel::close);
    }

    /**
     * Tells the backup to exit 0, waits (bounded) until it has, then runs {@code then} on the loop. The primary is
     * stopping already, so failures are ignored; acknowledgements still count until the backup is gone (answers they
     * release are not lost). A backup still starting is told to stop once it listens, not killed
     * (docs/using.md "Status and shutdown": exit 0).
     */
    void stop(Runnable then) {
        Process stopping = process.child().orElse(null);
        Duration wait = STOP_WAIT;
        snapshot = null; // a backup told to stop needs no more of it
        if (replication != null && replication.isActive()) {
            replication.writeAndFlush(new ReplicationMessage.Stop("the service shuts down"));
        } else if (stopping != null) {
            stopRequested = true; // the connect under way sends the Stop (onConnected)
            wait = STARTING_STOP_WAIT;
        }
        if (stopping == null && replication != null && replication.isActive()) {
            // a backup on another machine: its process is not ours to wait for, but its link closes as it stops; one
            // whose link does not (cut without a word, a hung process) may run on there, which the operator must hear,
            // since SHUTDOWN said the service stops
            Channel link = replication;
            Runnable stopped = () -> {
                generation++;
                then.run();
            };
            ScheduledFuture<?> unconfirmed = node.loop().schedule(() -> {
                LOG.warn("the backup at {} did not confirm its stop within {} (its link stayed open: cut off, or"
                        + " the backup hangs); it may still run there: stop it on its machine", link.remoteAddress(),
                        Durations.text(STOP_WAIT));
                stopped.run();
            }, STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            link.closeFuture().addListener(closed -> node.loop().execute(() -> {
                if (unconfirmed.cancel(false)) { // else the warning above went on already
                    stopped.run();
                }
            }));
            return;
        }
        if (stopping == null) {
            if (config.backupStart() instanceof BackupStart.None) {
                // its link was lost (cut off, or it failed): one running there is not told, and runs on
                LOG.warn("no link to the backup at {} (--backup-start none) as the service stops: a backup running"
                        + " there was not told to stop; stop it on its machine if one runs",
                        NodeNetwork.describe(config.peerBackupSap()));
            }
            generation++;
            node.loop().execute(then);
            return;
        }
        Duration limit = wait;
        stopping.onExit().orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS).whenComplete((exited, timeout) ->
                node.loop().execute(() -> {
                    if (timeout != null) {
                        LOG.warn("backup pid {} did not stop within {}; killing it", stopping.pid(),
                                Durations.text(limit));
                    } else {
                        LOG.info("backup pid {} stopped with status {}", stopping.pid(), exited.exitValue());
                    }
                    generation++;
                    stopRequested = false;
                    dropLinksAndChild();
                    then.run();
                }));
    }

    /**
     * Lets the backup go without ceremony: the primary is stale and must go at once. A newer primary serves, and it may
     * well be this very backup, promoted by the proxy (it was the replica named to it): that one is left alone — it
     * fences this process itself — and any other backup is killed first, then its links closed (it must not take the
     * close for our failure). Only a primary whose registration the proxy {@code mayHaveAccepted} (REGISTERED came, or
     * a REGISTER went unanswered on a link that closed) named a replica to it: the backup of one that never did (a
     * second server started by mistake, refused at its only registration; one that could not bind its ports) can
     * never be promoted, and is killed with its standby rather than left following for good.
     */
    void abandon(boolean mayHaveAccepted, String leaving) {
        generation++;
        Optional<Process> child = process.child();
        if (mayHaveAccepted && child.isPresent() && state == BackupState.LIVE && backupServer != null
                && backupServer == primary.replica()) {
            LOG.info("{}: leaving backup pid {}, the replica the proxy may promote, alone", leaving,
                    child.get().pid());
            detachLinks();
            process.forgetChild();
            return;
        }
        dropLinksAndChild();
    }

    /**
     * The primary stepped down: until it is taken back ({@link #stepDownAbandoned}) or becomes the backup ({@link
     * #handOver}), links that close are the replica being promoted, not a failure.
     */
    void steppedDown() {
        handingOver = true;
        handingOverTo = process.handleOfBackup();
    }

    /** The proxy took the primary back after it stepped down: a failure seen meanwhile is acted on now. */
    void stepDownAbandoned() {
        handingOver = false;
        String failure = failureWhileHandingOver;
        failureWhileHandingOver = null;
        if (failure != null) {
            failed(generation, failure);
        }
    }

    /**
     * The replica was promoted and this node becomes its backup: let it go without closing or killing anything (it
     * closes its links itself). Returns how the backup this node becomes knows its new primary.
     */
    PrimaryHandle handOver() {
        generation++;
        handingOver = false;
        failureWhileHandingOver = null;
        detachLinks();
        process.forget();
        state = BackupState.NONE;
        return handingOverTo;
    }

    /** The highest index the backup acknowledged, -1 for none yet. */
    long acknowledgedIndex() {
        return backupIndex != null ? backupIndex : -1;
    }

    NodeStatus.Backup status() {
        BackupState shown = restarts.degraded() && state != BackupState.LIVE ? BackupState.DEGRADED : state;
        Long pid = backupPid != null ? backupPid : process.child().map(Process::pid).orElse(null);
        return new NodeStatus.Backup(shown.word(), pid, backupIndex, backupDigest, restarts.restarts(), lastFailure,
                state == BackupState.SYNCING ? sync : null,
                state == BackupState.DEGRADED && nextRetry != null ? nextRetry.toString() : null);
    }

    // --- channels -------------------------------------------------------------------------------------

    private ChannelInitializer<Channel> replicationInitializer(long attempt) {
        return ReplicationFrames.initializer(() -> new ReplicationLinkHandler(attempt));
    }

    ChannelInitializer<Channel> heartbeatInitializer() {
        return ReplicationFrames.initializer(HeartbeatLinkHandler::new);
    }

    /** The replication link to one backup attempt; on the node's event loop. */
    private final class ReplicationLinkHandler extends SimpleChannelInboundHandler<ReplicationMessage> {
        private final long attempt;

        ReplicationLinkHandler(long attempt) {
            this.attempt = attempt;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            // Snapshot frames pause while this much is queued (sendSnapshotFrame checks isWritable).
            context.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 4 << 20));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext context, ReplicationMessage message) {
            if (message instanceof ReplicationMessage.Ack ack) {
                onAcknowledged(attempt, ack);
            } else if (message instanceof ReplicationMessage.Heartbeat beat) {
                if (attempt == generation && heartbeats != null) {
                    if (backupServer == null) {
                        backupServer = beat.server();
                    }
                    heartbeats.heard();
                }
            } else if (message instanceof ReplicationMessage.Refused refused) {
                // whichever attempt reached it: what that backup holds is newer than this primary's state either way
                if (!primary.stopping() && !primary.stopsOlderThanBackup(refused.reason())) {
                    failed(attempt, "the backup refused this primary's snapshot: " + refused.reason()
                            + "; this primary has applied " + primary.writesSinceStart() + " updates since it started"
                            + " and registered, which that backup does not hold: the two spaces went apart; stop the"
                            + " server whose space is to be discarded");
                }
            } else {
                LOG.warn("primary ignores an unexpected {} from its backup", message.getClass().getSimpleName());
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext context) {
            if (context.channel().isWritable() && snapshot != null) {
                scheduleSnapshotFrame(attempt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            failed(attempt, "the replication link to the backup closed");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            LOG.warn("replication link error: {}", cause.toString());
            context.close();
        }
    }

    /**
     * A connection to HEARTBEAT_SAP: adopted as the backup's heartbeat link once it sends a heartbeat with the server id
     * of the backup on the replication link (the first such heartbeat names it, if it beats here first); anything else
     * (a stray client, garbage, an older backup) is closed and harms nothing.
     */
    private final class HeartbeatLinkHandler extends SimpleChannelInboundHandler<ReplicationMessage> {

        @Override
        protected void channelRead0(ChannelHandlerContext context, ReplicationMessage message) {
            if (!(message instanceof ReplicationMessage.Heartbeat beat) || replication == null || heartbeats == null
                    || (backupServer != null && beat.server() != backupServer)
                    || (heartbeat != null && heartbeat != context.channel())) {
                context.close();
                return;
            }
            if (backupServer == null) {
                backupServer = beat.server();
            }
            if (heartbeat != context.channel()) {
                heartbeat = context.channel();
            }
            heartbeats.heard();
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            if (context.channel() == heartbeat) {
                failed(generation, "the heartbeat link to the backup closed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (context.channel() == heartbeat || cause instanceof IOException) {
                context.close(); // the backup's own link (its loss is handled as it closes), or a peer that reset
                return;
            }
            StrayConnection.close(context, "primary", "HEARTBEAT_SAP", "a backup's heartbeats", cause);
        }
    }
}
