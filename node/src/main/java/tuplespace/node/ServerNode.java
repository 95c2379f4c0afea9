package tuplespace.node;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.SignalStop;
import tuplespace.codec.auth.LinkAuthHandler;
import tuplespace.codec.auth.RepeatedRefusals;
import tuplespace.codec.netty.SocketTransport;
import tuplespace.codec.netty.Transport;
import tuplespace.failure.Ticker;
import tuplespace.node.persistence.LogReadAhead;
import tuplespace.node.persistence.Recovered;
import tuplespace.space.IoFailure;
import tuplespace.ops.Notifier;
import tuplespace.ops.OperatorEvent;
import tuplespace.replication.ReplicatedState;
import tuplespace.space.TupleSpace;

/**
 * One server process: the event loop that owns all node state, the role it plays ({@link NodeRole}) and
 * how it ends. It starts as {@link PrimaryNode} or {@link BackupNode}; a backup whose primary failed hands
 * its state to a new {@link PrimaryNode} on the same loop.
 */
public final class ServerNode {

    private static final Logger LOG = LoggerFactory.getLogger(ServerNode.class);
    /** The system property the fat jar's log pattern reads for the role part of {@code role/pid}. */
    static final String ROLE_PROPERTY = "tuplespace.role";
    /**
     * How long a signal's hook waits for the server to stop: a stop of its own by its log's close (5 s for a primary,
     * which closes it first) and {@link #awaitExit} (7 s), a SHUTDOWN under way by its save (30 s), its backup's stop
     * and its log's close.
     */
    private static final Duration STOP_ON_SIGNAL_WAIT = Duration.ofSeconds(60);

    private final NodeConfig config;
    private final RequestEvaluator evaluator;
    private final SpacePersistence persistence;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Notifier notifier;
    private final NodeNetwork network;
    private final Ticker ticker;
    private final BackupLauncher.Starter backupStarter;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    /** Completes once {@link #awaitExit} has closed the log and let go of the loop. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /**
     * Drawn at start, never reused: with the epoch it names a primary to the proxy, and the proxy promotes a backup by
     * it (docs/internals.md "server id"). Pids collide across machines; this does not.
     */
    private final long serverId = java.util.concurrent.ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    // Owned by the event loop (written there only; read by the notifier on the same thread).
    private NodeRole role = NodeRole.STARTING;
    private long epoch;
    /** The node's data directory in use ({@code --data-dir}); set before the node starts, kept across a takeover. */
    private Optional<NodeStorage> storage = Optional.empty();
    /** How the role in force stops on a signal ({@link #stopOnSignal}); owned by the event loop. */
    private Runnable roleStopOnSignal = this::exitOnSignal;
    /** The standby JVM this server keeps for the next backup it needs, kept across a takeover. */
    private final Standby standby = new Standby(this);
    ServerNode(NodeConfig config, RequestEvaluator evaluator, SpacePersistence persistence) {
        this(config, evaluator, persistence, Ticker.SYSTEM, BackupLauncher::start, SocketTransport.forFewLinks());
    }

    /** Tests inject virtual time for failure detection and a stand-in for the backup child process. */
    ServerNode(NodeConfig config, RequestEvaluator evaluator, SpacePersistence persistence, Ticker ticker,
               BackupLauncher.Starter backupStarter) {
        this(config, evaluator, persistence, ticker, backupStarter, SocketTransport.forFewLinks());
    }

    private ServerNode(NodeConfig config, RequestEvaluator evaluator, SpacePersistence persistence, Ticker ticker,
                       BackupLauncher.Starter backupStarter, Transport transport) {
        this.ticker = ticker;
        this.backupStarter = backupStarter;
        this.config = config;
        this.evaluator = evaluator;
        this.persistence = persistence;
        this.group = transport.newLoopGroup(1, "node");
        this.loop = group.next();
        this.notifier = new Notifier(config.notifyCommand(), () -> role.word(), () -> epoch);
        this.network = new NodeNetwork(transport, loop, config.linkSecurity(), refusedPeers());
    }

    /**
     * A refused peer is an operator event with its address, the same one again at most once a minute
     * ({@link RepeatedRefusals}); it changes nothing (the link never reached the node).
     */
    private LinkAuthHandler.RefusalListener refusedPeers() {
        return new RepeatedRefusals((peer, role, connecting, reason) -> notifier.notify(OperatorEvent.AUTH_REFUSED,
                role.wireName() + " link " + (connecting ? "to " : "from ") + peer + " refused: " + reason));
    }

    /** Runs a server process to its end on TCP sockets; returns the exit status. */
    public static int run(NodeConfig config) {
        return run(config, LogReadAhead.none());
    }

    /** The same, its recovery taking the log's reading from {@code readAhead} if that read the right one. */
    public static int run(NodeConfig config, LogReadAhead readAhead) {
        ServerNode node;
        try {
            node = start(config, SocketTransport.forFewLinks(), readAhead);
        } catch (StartRefused e) {
            // a log line, with its time and pid: a backup's refusal shows among its primary's lines, labelled as its own
            if (e.givesWay() && LOG.isWarnEnabled()) { // its primary says what becomes of it; nothing failed
                LOG.warn("the backup gives way: {}", e.getMessage());
            } else if (LOG.isErrorEnabled()) {
                LOG.error("the server cannot start: {}", e.getMessage());
            } else { // logging turned off: the only explanation of the exit status must still reach the operator
                System.err.println("server: " + e.getMessage());
            }
            return 1;
        }
        return SignalStop.untilExit("server-stop-on-signal", node::stopOnSignal, node::awaitExit);
    }

    /**
     * Starts a server on {@code transport} and returns at once; {@link #awaitExit} waits for its end. The process's
     * {@link #run} uses TCP; tests run several servers in one JVM on a simulated network this way.
     *
     * @throws StartRefused when INIT_FILE or the data directory cannot be read, or PRIMARY_HANDLE names no running
     *     process (the message says which and why)
     */
    public static ServerNode start(NodeConfig config, Transport transport) throws StartRefused {
        return start(config, transport, LogReadAhead.none());
    }

    /**
     * The same, the recovery of the data directory taking the log's reading, and its lock, from {@code readAhead} when
     * that read this directory's log after this snapshot; closed by the time this returns, whether taken or not.
     */
    static ServerNode start(NodeConfig config, Transport transport, LogReadAhead readAhead) throws StartRefused {
        try (readAhead) {
            return startReadingAhead(config, transport, readAhead);
        }
    }

    private static ServerNode startReadingAhead(NodeConfig config, Transport transport, LogReadAhead readAhead)
            throws StartRefused {
        Optional<Long> primaryPid = config.primaryPid();
        // a standby whose starter is gone exits quietly by itself (Standby); a backup would wait for its primary first
        if (primaryPid.isPresent() && !config.standby()
                && ProcessHandle.of(primaryPid.get()).filter(ProcessHandle::isAlive).isEmpty()) {
            throw new StartRefused("PRIMARY_HANDLE " + primaryPid.get() + ": expected the pid of the running primary"
                    + " on this machine that this backup serves, found no such process (or none this process can"
                    + " see: another PID namespace); a primary on another machine is named by its SHUTDOWN_SAP");
        }
        if (startedByAnOperator(config)) {
            config.linkSecurity().startWarning().ifPresent(warning -> LOG.warn("{}", warning));
        }
        RequestEvaluator evaluator = new CodecRequestEvaluator();
        SpacePersistence persistence = new SpaceFilePersistence();
        TupleSpace space = new TupleSpace();
        if (config.initFile().isPresent() && config.dataDir().isPresent() && config.startsAsPrimary()) {
            try {
                DataDirStartup.refuseInitFileBesideData(config.dataDir().get(), config.initFile().get());
            } catch (DataDirStartup.Refused | IOException | RuntimeException e) {
                throw new StartRefused("--data-dir " + config.dataDir().get() + ": " + IoFailure.describe(e));
            }
        }
        if (config.initFile().isPresent()) {
            try {
                // a file of millions of pairs takes seconds (a tester watched 14 s of silence for 8 million)
                LOG.info("loading INIT_FILE {} ({} MB)", config.initFile().get(),
                        config.initFile().get().toFile().length() >> 20); // 0 if missing: the load then says why
                space = persistence.load(config.initFile().get());
            } catch (IOException | RuntimeException e) {
                throw new StartRefused("INIT_FILE: " + e.getMessage());
            }
        }
        if (config.dataDir().isPresent()) {
            return startWithDataDir(config, evaluator, persistence, transport, config.initFile().isPresent()
                    ? Optional.of(space) : Optional.empty(), readAhead);
        }
        ServerNode node = new ServerNode(config, evaluator, persistence, Ticker.SYSTEM, BackupLauncher::start,
                transport);
        node.start(space);
        return node;
    }

    /**
     * A primary, or a backup on another machine, which an operator started and whose start-up warnings are for them;
     * not a child a primary starts on its own machine (its backup, their standbys), which would repeat them.
     */
    static boolean startedByAnOperator(NodeConfig config) {
        return config.primaryHandle().filter(PrimaryHandle.Pid.class::isInstance).isEmpty();
    }

    /** Why a server could not start (INIT_FILE, the data directory, PRIMARY_HANDLE): the message says which and why. */
    public static final class StartRefused extends Exception {
        StartRefused(String message) {
            super(message);
        }

        private StartRefused(String message, Throwable cause) {
            super(message, cause);
        }

        /** A backup its primary started that leaves its node directory to a backup that outlived an earlier primary. */
        public boolean givesWay() {
            return getCause() instanceof DataDirStartup.GivesWay;
        }
    }

    /** {@code --data-dir}: recover the node's directory (the newest, for a primary), then serve from it. */
    private static ServerNode startWithDataDir(NodeConfig config, RequestEvaluator evaluator,
                                               SpacePersistence persistence, Transport transport,
                                               Optional<TupleSpace> initial, LogReadAhead readAhead)
            throws StartRefused {
        Path root = config.dataDir().orElseThrow();
        DataDirStartup.Opened opened;
        try {
            // the first requests' code is loaded where the recovery would first wait for its log's thread
            opened = config.startsAsPrimary() ? DataDirStartup.primary(root, config.initFile(), initial,
                    () -> ServingWarmUp.firstRequests(evaluator), readAhead)
                    : DataDirStartup.backup(root, config.nodeId().orElseThrow(), !startedByAnOperator(config),
                            readAhead);
        } catch (DataDirStartup.Refused | IOException | RuntimeException e) {
            throw new StartRefused("--data-dir " + root + ": " + IoFailure.describe(e), e);
        }
        ServerNode node = new ServerNode(config, evaluator, persistence, Ticker.SYSTEM, BackupLauncher::start,
                transport);
        try {
            // Opened on the loop, which runs the log's reports: none can reach the storage before it is whole.
            node.storage = Optional.of(node.loop.submit(() -> NodeStorage.open(node, opened.directory(), config.fsync(),
                    opened.recovered(), opened.compared())).get());
        } catch (ExecutionException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.error("the server cannot start: --data-dir {}: cannot open the write-ahead log of {}: {} (make the disk"
                    + " writable again, freeing space on it if it is full, then run the same command line again)", root,
                    opened.directory(), IoFailure.describe(cause));
            node.exit(1);
            return node;
        }
        node.loop.execute(() -> {
            if (config.startsAsPrimary()) {
                node.becomePrimary(opened.recovered().state(), opened.epoch(), opened.recovered().lastIndex(),
                        Optional.empty(), false);
            } else {
                node.changeRole(NodeRole.BACKUP);
                Recovered recovered = opened.recovered();
                (recovered.lastEpoch() > 0 ? BackupNode.withRecoveredCopy(node, config, recovered)
                        : new BackupNode(node, config)).start();
            }
        });
        return node;
    }

    void start(TupleSpace space) {
        loop.execute(() -> {
            if (config.startsAsPrimary()) {
                becomePrimary(new ReplicatedState(space), 1, 0, Optional.empty(), false);
            } else {
                changeRole(NodeRole.BACKUP);
                new BackupNode(this, config).start();
            }
        });
    }

    /**
     * Serves as primary of {@code newEpoch}; a {@code takeover} registers with the proxy first (fast path). After a
     * {@code switchover} its first backup is the old primary, resumed at {@code lastIndex} (docs/design.md "Switchover").
     */
    void becomePrimary(ReplicatedState state, long newEpoch, long lastIndex, Optional<TakeoverTimeline> takeover,
                       boolean switchover) {
        changeRole(NodeRole.PRIMARY);
        epoch = newEpoch;
        new PrimaryNode(this, config, state, lastIndex, takeover, switchover).start();
    }

    /**
     * A primary that stepped down in a switchover becomes the backup of the one it handed over to ({@code newPrimary}),
     * keeping {@code state}, which that primary holds too at {@code lastIndex}.
     */
    void becomeBackupAfterStepDown(ReplicatedState state, long lastIndex, PrimaryHandle newPrimary) {
        changeRole(NodeRole.BACKUP);
        NodeConfig asBackup = config.following(newPrimary, storage.map(NodeStorage::nodeId));
        BackupNode.afterStepDown(this, asBackup, state, epoch, lastIndex).start();
    }

    /**
     * {@code stop} is how the role that starts now stops on a signal ({@link #warnStopsOnSignal} first, unless it is
     * stopping already); until a role says, {@link #exitOnSignal}.
     */
    void stopsOnSignalBy(Runnable stop) {
        roleStopOnSignal = stop;
    }

    void changeRole(NodeRole next) {
        NodeRole.validate(role, next);
        roleStopOnSignal = this::exitOnSignal;
        LOG.info("{} -> {} (pid {})", role, next, ProcessHandle.current().pid());
        role = next;
        labelLogLines(next);
    }

    /**
     * docs/internals.md "Log lines": log lines show {@value #ROLE_PROPERTY}/pid. A serving role names the
     * process (a promoted backup shows as primary from then on); stopping keeps the label of the role it stops from.
     */
    static void labelLogLines(NodeRole role) {
        if (role == NodeRole.PRIMARY || role == NodeRole.BACKUP) {
            System.setProperty(ROLE_PROPERTY, role.word());
        }
    }

    /** Ends the process with {@code status} once the loop has let go; safe to call more than once. */
    void exit(int status) {
        if (role != NodeRole.STOPPED) {
            role = NodeRole.STOPPED;
        }
        if (loop.inEventLoop()) {
            standby.close();
        }
        exitCode.complete(status);
    }

    /** Waits until the server has stopped (its loop let go, its log closed); returns its exit status. */
    public int awaitExit() {
        int status = exitCode.join();
        try {
            storage.ifPresent(this::closeStorage);
            group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
            notifier.close();
        } finally {
            stopped.complete(null);
        }
        return status;
    }

    /**
     * A signal ends the JVM (SIGTERM, from {@code kill} or a service manager's stop; SIGINT; SIGHUP): the server says
     * so and stops as after any exit of its own before the JVM halts, its log written out, forced and closed. It is
     * not SHUTDOWN: nothing is saved to SAVE_FILE, and the rest of the service carries on as after a crash of this
     * process. Runs on the JVM's shutdown hook; waits for {@link #awaitExit} to end, bounded as that is.
     */
    private void stopOnSignal() {
        try {
            loop.execute(() -> {
                if (!exitCode.isDone()) {
                    roleStopOnSignal.run();
                }
            });
        } catch (RejectedExecutionException loopGone) {
            // the server stopped already: awaitExit is letting go of its loop
        }
        stopped.completeOnTimeout(null, STOP_ON_SIGNAL_WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** A node no role has taken yet exits on a signal; one stopping already (SHUTDOWN) is left to end. */
    private void exitOnSignal() {
        if (role != NodeRole.STOPPING && role != NodeRole.STOPPED) {
            warnStopsOnSignal("the service goes on without it");
            exit(1);
        }
    }

    /** Tells the operator this server stops on a signal, and what follows for the service ({@code consequence}). */
    void warnStopsOnSignal(String consequence) {
        String log = storage.isPresent() ? "it writes out and forces its write-ahead log first; " : "";
        LOG.warn("{} pid {} stops on a signal (SIGTERM, SIGINT or SIGHUP), not on SHUTDOWN: {}nothing is saved to"
                + " SAVE_FILE; {} (./tuplespace shutdown stops the whole service)", role.word(),
                ProcessHandle.current().pid(), log, consequence);
    }

    /**
     * Whatever the node appended is written out (and forced) before the process ends, whatever the fsync mode: a clean
     * exit loses nothing. Bounded: a disk that hangs must not keep a stopping process alive.
     */
    private void closeStorage(NodeStorage disk) {
        try {
            CompletableFuture<Object> closed = new CompletableFuture<>();
            loop.execute(() -> disk.close().whenComplete((progress, failure) -> closed.complete(null)));
            closed.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            LOG.warn("the write-ahead log could not be closed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disk.releaseDirectory();
    }

    void notifyOperator(OperatorEvent event, String detail) {
        notifier.notify(event, detail);
    }

    /** Fail-stop: a broken invariant is logged at ERROR and the process exits non-zero. */
    void failStop(String why) {
        LOG.error("{} pid {} stops on a broken invariant: {}", role, ProcessHandle.current().pid(), why);
        exit(1);
    }

    NodeRole role() {
        return role;
    }

    long epoch() {
        return epoch;
    }

    void setEpoch(long epoch) {
        this.epoch = epoch;
    }

    Ticker ticker() {
        return ticker;
    }

    long serverId() {
        return serverId;
    }

    BackupLauncher.Starter backupStarter() {
        return backupStarter;
    }

    Standby standby() {
        return standby;
    }

    EventLoop loop() {
        return loop;
    }

    /** Binds and connects on the loop, every link guarded by the cluster secret if there is one. */
    NodeNetwork network() {
        return network;
    }

    RequestEvaluator evaluator() {
        return evaluator;
    }

    Optional<NodeStorage> storage() {
        return storage;
    }

    /** The settings the backup child starts with: with a data directory, the other node directory. */
    NodeConfig backupConfig() {
        return config.forBackup(storage.map(NodeStorage::peerId));
    }

    SpacePersistence persistence() {
        return persistence;
    }

    CompletableFuture<Integer> exitFuture() {
        return exitCode;
    }
}
