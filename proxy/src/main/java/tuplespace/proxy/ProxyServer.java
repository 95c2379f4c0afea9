package tuplespace.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;
import tuplespace.codec.Sap;
import tuplespace.codec.ShutdownPortCommand;
import tuplespace.space.IoFailure;
import tuplespace.codec.netty.SocketTransport;
import tuplespace.codec.netty.Transport;

/**
 * The proxy process's network side (README "Running it"): listens on CLIENT_SAP, PRIMARY_SAP and SHUTDOWN_SAP.
 *
 * <p>Threads: {@code --io-threads} event loops (default one). Client channels spread over them, each client's
 * session confined to its loop; the first loop is also the control loop, which owns the listeners, every primary
 * connection, the {@link PrimaryRegistry}, the shutdown port and the shutdown sequence. With one loop a request
 * goes from the client's read to the primary link's write, and an answer from the link's read to the client's
 * write, without a thread hop; with more, hand-offs between loops are {@code execute} calls. There are no locks.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
    /** How long a SHUTDOWN that finds a backup just promoted waits for it to register, and how often it looks. */
    static final Duration PROMOTED_REGISTER_WAIT = Duration.ofSeconds(5);
    private static final Duration PROMOTED_REGISTER_POLL = Duration.ofMillis(50);
    /** How long stopping waits for the event loops to end (they have 2 s to run what is queued). */
    static final Duration LOOPS_END_LIMIT = Duration.ofSeconds(5);

    private final ProxyConfig config;
    private final ProxyContext context;
    private final Transport transport;
    private final EventLoopGroup ioGroup;
    private final EventLoop controlLoop;
    private final PrimaryShutdownSapClient primaryShutdownSap;
    private final List<Channel> listeners = new ArrayList<>();
    private final CompletableFuture<Integer> terminated = new CompletableFuture<>();
    private boolean stopping; // control loop only
    private boolean shutdownRelayed; // control loop only: waiting for the primary's answer to SHUTDOWN
    private boolean listenersClosed; // control loop only
    /** SHUTDOWNs waiting for a promoted backup to register: answered when the proxy stops meanwhile. */
    private final List<ShutdownRequest> awaitingPromoted = new ArrayList<>(); // control loop only

    private ProxyServer(ProxyConfig config, Transport transport, PrimaryRegistry.Waits waits) {
        this.config = config;
        long pid = ProcessHandle.current().pid();
        this.transport = transport;
        ioGroup = transport.newLoopGroup(config.ioThreads(), "proxy-io");
        controlLoop = ioGroup.next();
        ClientSessions sessions = new ClientSessions(config.maxClients(), new SecureRandom().nextInt());
        context = new ProxyContext(config, pid, sessions,
                new PrimaryRegistry(pid, sessions, config.pingInterval(), waits), controlLoop,
                ProxyInitializer.refusedPeers(), new RefusalLog());
        primaryShutdownSap = new PrimaryShutdownSapClient(controlLoop, transport, config.networkTimeout(),
                config.security().links(), context.refusedPeers());
    }

    /**
     * Binds the three listeners and starts serving.
     *
     * @throws IOException naming the SAP that cannot be bound; nothing is left running
     */
    public static ProxyServer start(ProxyConfig config) throws IOException {
        return start(config, SocketTransport.forManyLinks());
    }

    /** {@link #start(ProxyConfig)} on {@code transport}: TCP, or a test's simulated network. */
    public static ProxyServer start(ProxyConfig config, Transport transport) throws IOException {
        return start(config, transport, PrimaryRegistry.DEFAULT_WAITS);
    }

    /** {@link #start(ProxyConfig, Transport)} with other waits than a proxy's: for tests that wait one out. */
    static ProxyServer start(ProxyConfig config, Transport transport, PrimaryRegistry.Waits waits) throws IOException {
        ProxyServer server = new ProxyServer(config, transport, waits);
        try {
            server.bindAll();
        } catch (IOException | RuntimeException e) {
            server.stopGroups();
            throw e;
        }
        AnswerMemoryGuard guard = AnswerMemoryGuard.of(server.context.sessions(), config);
        long every = AnswerMemoryGuard.CHECK_EVERY.toNanos();
        server.controlLoop.scheduleAtFixedRate(guard::check, every, every, TimeUnit.NANOSECONDS);
        config.security().links().startWarning().ifPresent(warning -> LOG.warn("{}", warning));
        LOG.info("listening: clients {} ({}), primary {}, shutdown {} ({} transport, {} io threads)",
                server.clientAddress(), config.security().clientPortTerms(),
                server.primaryAddress(), server.shutdownAddress(),
                server.transport.name().toLowerCase(java.util.Locale.ROOT), config.ioThreads());
        return server;
    }

    public InetSocketAddress clientAddress() {
        return boundAddress(0, config.clientSap());
    }

    public InetSocketAddress primaryAddress() {
        return boundAddress(1, config.primarySap());
    }

    public InetSocketAddress shutdownAddress() {
        return boundAddress(2, config.shutdownSap());
    }

    /** The socket address listener {@code index} is bound to (port 0 given: the port picked), else the SAP given. */
    private InetSocketAddress boundAddress(int index, Sap given) {
        return listeners.get(index).localAddress() instanceof InetSocketAddress bound ? bound : given.toSocketAddress();
    }

    /** True while a primary is registered (tests wait on it). Any thread. */
    boolean primaryRegistered() {
        return context.registry().current() != null;
    }

    /** How many clients hold a slot of {@code --max-clients}, as STATUS counts them (tests wait on it). Any thread. */
    int clients() {
        return context.sessions().clients();
    }

    /** The registered primary's connection, or null (tests watch what is written to it). Any thread. */
    Channel primaryLinkChannel() {
        PrimaryLink link = context.registry().current();
        return link == null ? null : link.channel();
    }

    /** Completes with the exit status once the proxy has stopped (0 after SHUTDOWN or {@link #stop}). */
    public CompletableFuture<Integer> terminated() {
        return terminated;
    }

    /**
     * SHUTDOWN (docs/internals.md "Shutdown SAPs"): relay it to the primary's shutdown SAP; the primary saves SAVE_FILE
     * first. Completes with the line to answer: the primary's. Only when the primary answers {@code ok} (saved, now
     * stopping) does the proxy stop, once the primary has closed its link (bounded); an {@code error} from the primary
     * (it could not save) or no answer at all leaves everything serving, so the space is never lost to a SHUTDOWN. With
     * no primary registered now, the one registered last is told (it keeps its space while it has no proxy, and stops
     * with it); the proxy stops alone only when there is none, or nothing listens at its shutdown SAP any more. A
     * backup promoted a moment ago is waited for (bounded) and told once it registers: a service stopped as a whole
     * may lose its primary first. Any thread; a SHUTDOWN while one is under way is answered that it is.
     */
    public Future<String> requestShutdown() {
        ShutdownRequest request = new ShutdownRequest(controlLoop.newPromise());
        if (!onControlLoop(() -> decideShutdown(request))) {
            request.answer.trySuccess("ok: shutting down");
        }
        return request.answer;
    }

    /**
     * A SHUTDOWN being decided: its answer, and, once it waits for a promoted backup, until when. Control loop only.
     */
    private static final class ShutdownRequest {
        final Promise<String> answer;
        boolean waiting;
        /** When waiting for a promoted backup ends, once {@link #waiting}. */
        long promotedDeadlineNanos;

        ShutdownRequest(Promise<String> answer) {
            this.answer = answer;
        }
    }

    private void decideShutdown(ShutdownRequest request) {
        Promise<String> answer = request.answer;
        if (stopping) {
            answer.trySuccess("ok: shutting down");
            return;
        }
        if (shutdownRelayed) {
            answer.trySuccess("error: a SHUTDOWN is under way already: the primary is saving its file");
            return;
        }
        PrimaryLink link = context.registry().current();
        if (link == null && context.registry().promotionPending()) {
            awaitPromotedBackup(request);
            return;
        }
        request.waiting = false; // a promotion that comes later (while relaying) gets a wait of its own
        Optional<Sap> lastPrimary = context.registry().lastShutdownSap();
        if (link == null && lastPrimary.isEmpty()) {
            if (refusedForAFollower(answer)) {
                return;
            }
            LOG.warn("SHUTDOWN with no primary ever registered: stopping the proxy alone");
            stopAlone(answer, "ok: shutting down (no primary registered)");
            return;
        }
        relayShutdown(link, link == null ? lastPrimary.get() : link.shutdownSap(), request);
    }

    /**
     * Stops at once without telling the primary (which keeps its space and waits for a proxy,
     * README "Guarantees and their limits").
     */
    public void stop() {
        onControlLoop(() -> stopAlone(null, null));
    }

    /** From now on the proxy is stopping: SHUTDOWN is answered so, and no primary may register. */
    private void beginStopping() {
        stopping = true;
        context.registry().stopAcceptingRegistrations();
    }

    private void stopAlone(Promise<String> answer, String line) {
        beginStopping();
        if (answer != null) {
            answer.trySuccess(line);
        }
        stopNow();
    }

    /** Runs {@code task} on the control loop; false when the proxy has stopped already (the task will not run). */
    private boolean onControlLoop(Runnable task) {
        if (context.controlLoop().isShuttingDown()) {
            return false;
        }
        try {
            context.controlLoop().execute(task);
            return true;
        } catch (RejectedExecutionException alreadyStopped) {
            return false; // the loop ended between the check and the call
        }
    }

    /** {@link #stop} and wait (bounded) until stopped. */
    @Override
    public void close() {
        stop();
        terminated.completeOnTimeout(0, 10, TimeUnit.SECONDS).join();
    }

    private void bindAll() throws IOException {
        ServerBootstrap clients = new ServerBootstrap()
                .group(controlLoop, ioGroup)
                .childHandler(ProxyInitializer.clientPort(context));
        if (transport instanceof SocketTransport sockets) {
            // the kernel keeps little of a client's answers unsent: the proxy's own bound is what holds them back
            sockets.notSentLowWatermark()
                    .ifPresent(option -> clients.childOption(option, (long) ClientBounds.KERNEL_UNSENT_BYTES));
        }
        listeners.add(bind("CLIENT_SAP", config.clientSap(), clients));
        listeners.add(bind("PRIMARY_SAP", config.primarySap(), new ServerBootstrap()
                .group(controlLoop, controlLoop)
                .childHandler(ProxyInitializer.primaryPort(context))));
        ProxyStatusReporter statusReporter = new ProxyStatusReporter(context, primaryShutdownSap);
        listeners.add(bind("SHUTDOWN_SAP", config.shutdownSap(), new ServerBootstrap()
                .group(controlLoop, controlLoop)
                .childHandler(ProxyInitializer.shutdownPort(context, statusReporter, this::requestShutdown))));
    }

    private Channel bind(String argument, Sap sap, ServerBootstrap bootstrap) throws IOException {
        ChannelFuture bound = transport.bind(bootstrap, sap.toSocketAddress());
        if (!bound.awaitUninterruptibly(config.networkTimeout().toMillis()) || !bound.isSuccess()) {
            bound.channel().close();
            Throwable cause = bound.cause();
            throw new IOException(argument + ": cannot listen on " + sap + ": "
                    + (cause == null ? "timed out" : IoFailure.describe(cause)), cause);
        }
        return bound.channel();
    }

    /**
     * No primary can save the space, and a backup follows: it may hold the only copy (its primary died with an earlier
     * proxy, or just now), which stopping the proxy alone would leave running, unsaved, with nobody to promote it.
     * SHUTDOWN is refused with what to do; true then.
     */
    private boolean refusedForAFollower(Promise<String> answer) {
        if (!context.registry().copyAwaitsAPrimary()) {
            return false;
        }
        int following = context.registry().followerCount();
        LOG.warn("SHUTDOWN refused: no primary can save the space, and a backup holds a copy ({} following)",
                following);
        answer.trySuccess("error: no primary is registered, and " + (following == 1 ? "a backup follows"
                : following + " backups follow") + " the proxy, which may hold the only copy of the space: promote it"
                + " (./tuplespace promote PROXY_SHUTDOWN_SAP), then shut down, which saves it; or stop that backup:"
                + " one with a data directory keeps its copy there for the servers' next start, one without discards it"
                + " (right only if a server's INIT_FILE holds a newer state, such as one saved while that backup was"
                + " cut off). Nothing was stopped");
        return true;
    }

    /**
     * A backup was promoted and has not registered yet: the lost primary's state is older than its, so SHUTDOWN waits
     * for it (at most {@link PrimaryRegistry.Waits#promotedRegisterWait}, in a proxy {@link #PROMOTED_REGISTER_WAIT}:
     * it registers within moments of its takeover) and is decided again once it has registered; past the wait it is
     * refused with what to do.
     */
    private void awaitPromotedBackup(ShutdownRequest request) {
        Duration wait = context.registry().waits().promotedRegisterWait();
        if (stopping) {
            request.answer.trySuccess("ok: shutting down");
            return;
        }
        if (!request.waiting) {
            request.waiting = true;
            request.promotedDeadlineNanos = System.nanoTime() + wait.toNanos();
            LOG.info("SHUTDOWN waits (at most {}) for the backup just promoted to register, to relay it there",
                    Durations.text(wait));
        } else if (System.nanoTime() - request.promotedDeadlineNanos >= 0) {
            LOG.warn("SHUTDOWN refused: the backup promoted has not registered within {}",
                    Durations.text(wait));
            request.answer.trySuccess("error: no primary is registered, and the backup promoted has not registered"
                    + " within " + Durations.text(wait) + ": see STATUS, and try again once it"
                    + " serves. Nothing was stopped");
            return;
        }
        awaitingPromoted.add(request);
        controlLoop.schedule(() -> {
            awaitingPromoted.remove(request);
            decideShutdown(request);
        }, PROMOTED_REGISTER_POLL.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Relays SHUTDOWN to {@code sap}, the shutdown SAP of {@code link}'s primary, or (link null) of the primary
     * registered last, which has no link now.
     */
    private void relayShutdown(PrimaryLink link, Sap sap, ShutdownRequest request) {
        Promise<String> answer = request.answer;
        LOG.info("relaying SHUTDOWN to the primary's shutdown SAP {}{}", sap,
                link == null ? " (no primary registered now: the one registered last)" : "");
        shutdownRelayed = true;
        primaryShutdownSap.send(sap, ShutdownPortCommand.SHUTDOWN.name(), config.shutdownWait()).addListener(relayed -> {
            shutdownRelayed = false;
            if (!relayed.isSuccess()) {
                Throwable cause = relayed.cause();
                if (link == null && cause instanceof ConnectException) {
                    if (context.registry().current() != null) {
                        decideShutdown(request); // a promoted backup registered while the relay was on its way
                        return;
                    }
                    if (context.registry().promotionPending()) {
                        awaitPromotedBackup(request); // promoted while the relay was on its way
                        return;
                    }
                    if (refusedForAFollower(answer)) {
                        return;
                    }
                    LOG.warn("SHUTDOWN: nothing listens at {} any more: stopping the proxy alone", sap);
                    stopAlone(answer, "ok: shutting down (no primary registered; the last one, at " + sap + ", is gone)");
                    return;
                }
                String why = IoFailure.describe(cause);
                LOG.warn("SHUTDOWN relay to {} failed: {}; nothing was stopped", sap, why);
                answer.trySuccess("error: no answer to SHUTDOWN from the primary at " + sap + ": " + why
                        + " (the proxy waits --shutdown-wait, " + Durations.text(config.shutdownWait()) + ", at most);"
                        + " the proxy was not stopped: see STATUS, and try again");
                return;
            }
            String line = (String) relayed.getNow();
            LOG.info("primary answered SHUTDOWN: {}", line);
            if (!line.startsWith("ok")) {
                answer.trySuccess(line); // the primary could not save: it serves on, and so do we
                return;
            }
            if (link == null) {
                stopAlone(answer, line);
                return;
            }
            beginStopping();
            answer.trySuccess(line);
            // the primary has saved and stops the backup; it closes its link when it exits
            link.channel().closeFuture().addListener(closed -> stopNow());
            context.controlLoop().schedule(() -> {
                if (link.channel().isOpen()) {
                    LOG.warn("primary did not close its link within {}; stopping anyway",
                            Durations.text(config.shutdownWait()));
                }
                stopNow();
            }, config.shutdownWait().toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    /** Closes listeners, answers held requests {@code unavailable}, closes every connection, ends the loops. */
    private void stopNow() {
        if (listenersClosed) {
            return;
        }
        listenersClosed = true;
        awaitingPromoted.forEach(request -> request.answer.trySuccess("error: the proxy stopped before the backup"
                + " promoted had registered; that backup was not told SHUTDOWN"));
        awaitingPromoted.clear();
        listeners.forEach(Channel::close);
        List<CompletableFuture<Void>> clientsClosed = new ArrayList<>();
        context.sessions().forEach(session -> {
            session.executor().execute(session::closeForShutdown);
            clientsClosed.add(whenDone(session.closeFuture()));
        });
        PrimaryLink link = context.registry().current();
        if (link != null) {
            link.channel().close();
        }
        // a loop that shuts down closes its channels before running queued tasks: let the clients' last answers
        // go out first (bounded)
        CompletableFuture.allOf(clientsClosed.toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, 2, TimeUnit.SECONDS)
                .thenCompose(ignored -> stopGroups())
                .thenRun(() -> {
                    LOG.info("stopped");
                    terminated.complete(0);
                });
    }

    /**
     * Ends all event loops; each runs the tasks already queued (e.g. the clients' last answers) first. Done within
     * {@link #LOOPS_END_LIMIT} either way: an io_uring loop was seen waiting forever in its ring's teardown, and the
     * proxy then never exited after a SHUTDOWN it had answered (the process exits all the same once this is done).
     */
    private CompletableFuture<Void> stopGroups() {
        // the control loop may be running this very method: it ends after the tasks queued so far
        Future<?> ended = ioGroup.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS);
        return whenDone(ended).completeOnTimeout(null, LOOPS_END_LIMIT.toMillis(), TimeUnit.MILLISECONDS)
                .thenRun(() -> {
                    if (!ended.isDone()) {
                        LOG.warn("its I/O threads did not end within {}; exiting all the same",
                                Durations.text(LOOPS_END_LIMIT));
                    }
                });
    }

    private static CompletableFuture<Void> whenDone(Future<?> future) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        future.addListener(ignored -> done.complete(null));
        return done;
    }
}
