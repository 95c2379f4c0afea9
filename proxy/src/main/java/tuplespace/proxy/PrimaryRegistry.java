package tuplespace.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tuplespace.codec.Durations;
import tuplespace.codec.Sap;
import tuplespace.codec.frame.Frame;

/**
 * Which primary the proxy serves, and which backup it promotes when it loses that primary (docs/design.md
 * "Failover"). Mutated only on the control event loop, where every primary and follower connection lives; client
 * loops only read {@link #current()} (volatile) and hop here with {@code execute} to report a closed client.
 *
 * <p>The proxy is the fence: it serves only the primary of the highest epoch it has seen or granted, and closes an older
 * one's link, so an old primary can acknowledge nothing after that. It is also the witness: a backup follows its
 * primary on a link of its own (FOLLOW) and takes over only when the proxy promotes it (PROMOTE), which it does once it
 * has lost the primary itself (its link closed, or silent past the ping bound) and only for the backup that primary
 * named its replica (REGISTER, REPLICA): the one that holds every update the primary answered; or, for a primary lost
 * while it served on one copy, for a backup started on that primary's own node directory ({@link
 * #keeperOfLostDirectory}).
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
    private final long proxyPid;
    private final ClientSessions sessions;
    private final ArrayDeque<Long> closedBacklog = new ArrayDeque<>();
    private volatile PrimaryLink current;
    /** The shutdown SAP of the primary registered last, kept when its link goes. */
    private volatile Sap lastShutdownSap;
    private volatile long highestEpoch = -1;
    /** The server id of the primary of {@link #highestEpoch}, or of the backup that epoch was granted to. */
    private long highestEpochServer = -1; // control loop only
    /** Backups following a primary, by server id; each on a link of its own. Control loop only. */
    private final Map<Long, Follower> followers = new HashMap<>();
    /**
     * The replica named by the primary of {@link #highestEpoch} when its link was lost (0: none), while no primary is
     * registered; -1 while one is, or once a backup was promoted. Written on the control loop.
     */
    private volatile long replicaOfLostPrimary = -1;
    /** When that primary was lost (System.nanoTime). */
    private long primaryLostNanos;
    /**
     * When the last registered primary's link ended (System.nanoTime; this proxy's start before any): a follower that
     * said FOLLOW before then may have been fed by that primary since, so the last index it said is not how far its
     * copy goes now. Control loop only.
     */
    private long primaryLinkEndedNanos = System.nanoTime();
    /**
     * The primary of the highest epoch, lost while it served on one copy (no replica named) from a data directory:
     * only that directory holds every update it answered, so until a server that compared it registers (that primary
     * restarted, or a survey of the DIR that holds it), or a backup started on it is promoted ({@link
     * #keeperOfLostDirectory}), or the operator promotes a backup, no other server registers. That promotion leaves it
     * set until the backup registers: after a void grant, too, only a server that compared the directory is taken.
     * Null otherwise. Written on the control loop; STATUS may read it from another loop.
     */
    private volatile PrimaryLink lostAlone;
    private boolean stopping;
    /** The last primaries registered here, for STATUS. */
    private final RegisteredPrimaries registeredPrimaries = new RegisteredPrimaries();
    /**
     * The backup the highest epoch was granted to, until it registers with it (null then). Control loop only. If its
     * follow link is gone before it registered (it died with its primary: both were killed at once), the grant is void
     * and another server may register that epoch — a primary restarted from its data directory, whose epoch is the one
     * above what it recorded.
     */
    private Follower pendingGrant;
    /** The pending grant is a switchover's: its PROMOTE says so whenever it is sent. */
    private boolean pendingGrantIsSwitchover;
    /** The pending grant is an operator's PROMOTE: STATUS names the primary it makes so ({@code primaries}). */
    private boolean pendingGrantIsOperators;

    /**
     * A follower that arrived after the primary was lost waits this long from its arrival before it is promoted: after a
     * partition of the proxy heals, the old primary (which still has its backup) and the backup reach the proxy again at
     * about the same time, and the primary registers within about its round pause (2 s): serving on needs no failover.
     * One that was following at the loss, and is heard, is promoted at once.
     */
    static final long LATE_FOLLOWER_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * How long after this proxy's start an operator's PROMOTE is refused while no primary has registered with it: a
     * primary that outlived the previous proxy process tries to register again in rounds (a round of up to 1 s, a pause
     * of up to 2 s between rounds), and a REGISTER may wait for returning followers ({@link #FOLLOWERS_RETURN_WITHIN}):
     * it is back within about 3.5 s, and a promotion before then would fence it.
     */
    static final long PROMOTE_AFTER_START_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * How soon after this proxy starts every backup that outlived its primary follows here: a backup waiting for a
     * proxy tries again at least every 0.1 s. A REGISTER that may come from a server restarted with an older state is
     * held until then ({@link #followersDueIn}), so that such a backup is counted before that server serves.
     */
    static final Duration FOLLOWERS_RETURN_WITHIN = Duration.ofMillis(500);

    /**
     * How soon after this proxy starts a follower must come for its epoch number from another primary to count
     * ({@link Follower#holdsNewerThan}): a backup that outlived the primary it followed, and this proxy's previous
     * process, is back within about a second. A backup that follows later, naming the epoch number of the registered
     * primary but another primary, is one a second server started by mistake beside the running one synced (its own
     * ports, the same proxy): a copy of that server's state, which must not fence the primary that serves.
     */
    static final Duration RETURNING_FOLLOWERS_WITHIN = Duration.ofSeconds(3);

    /** How long a switchover may take, from STEP_DOWN to the new primary's REGISTER, before the operator is told so. */
    static final Duration SWITCHOVER_LIMIT = Duration.ofSeconds(10);

    /**
     * The waits on the clock that the witness's decisions turn on: a proxy has {@link #DEFAULT_WAITS}, the constants
     * above. Tests of what happens once one is over take them short, so that each does not wait out seconds.
     *
     * @param lateFollowerGrace {@link #LATE_FOLLOWER_GRACE_NANOS}
     * @param promoteAfterStart {@link #PROMOTE_AFTER_START_NANOS}; said in whole seconds in the answer to PROMOTE
     * @param returningFollowersWithin {@link #RETURNING_FOLLOWERS_WITHIN}
     * @param promotedRegisterWait {@link ProxyServer#PROMOTED_REGISTER_WAIT}
     */
    record Waits(Duration lateFollowerGrace, Duration promoteAfterStart, Duration returningFollowersWithin,
                 Duration promotedRegisterWait) {
    }

    static final Waits DEFAULT_WAITS = new Waits(Duration.ofNanos(LATE_FOLLOWER_GRACE_NANOS),
            Duration.ofNanos(PROMOTE_AFTER_START_NANOS), RETURNING_FOLLOWERS_WITHIN,
            ProxyServer.PROMOTED_REGISTER_WAIT);

    /**
     * The operator's switchover under way (control loop only): the primary told to step down, the replica it hands
     * over to, and the operator's answer, completed when that replica registers with the epoch granted, or with why not.
     */
    private static final class Switchover {
        final PrimaryLink from;
        final long replica;
        final Promise<String> answer;
        final long startNanos = System.nanoTime();
        long granted = -1;

        Switchover(PrimaryLink from, long replica, Promise<String> answer) {
            this.from = from;
            this.replica = replica;
            this.answer = answer;
        }
    }

    private Switchover switchover;

    /** How many backups follow, for STATUS (written on the control loop). */
    private volatile int followerCount;
    /** {@link #pendingGrant} is set, for any thread. */
    private volatile boolean granting;
    /**
     * When the follow link of {@link #pendingGrant} closed (System.nanoTime; 0 while open), for any thread. A
     * promoted backup closes it itself before it registers (on a link of its own, after recording the epoch): the
     * promotion counts as under way until {@link Waits#promotedRegisterWait} after the close, and past that the
     * backup died with its primary.
     */
    private volatile long grantedLinkClosedNanos;

    /** A backup that said FOLLOW on {@code channel}; heard from (PONG, PING) at {@code heardNanos}. Control loop only. */
    private static final class Follower {
        final Channel channel;
        final long epoch;
        final long server;
        /** The server id of the primary it follows; 0 when it does not say. */
        final long primaryServer;
        /** The last entry its copy held when it said FOLLOW; 0 when it does not say. */
        final long lastIndex;
        /** Its node directory's name and history; empty and 0 without a data directory, or when it does not say. */
        final String directory;
        final long history;
        /** Its answers wait for its log to be forced ({@code --fsync always}); false when it does not say. */
        final boolean forced;
        final long sinceNanos;
        /** It came within {@link #RETURNING_FOLLOWERS_WITHIN} of this proxy's start: a backup coming back. */
        final boolean returning;
        long heardNanos;

        Follower(Channel channel, Frame.Follow follow, long now, boolean returning) {
            this.channel = channel;
            this.returning = returning;
            this.epoch = follow.epoch();
            this.server = follow.server();
            this.primaryServer = follow.primaryServer();
            this.lastIndex = follow.lastIndex();
            this.directory = follow.directory();
            this.history = follow.history();
            this.forced = follow.forced();
            this.sinceNanos = now;
            this.heardNanos = now;
        }

        /**
         * Its copy comes after any state of the primary of {@code primaryEpoch}, server id {@code primary}, whose
         * replica is {@code primaryReplica} (0: none): a higher epoch, or, for a backup coming back to this proxy just
         * started ({@link #returning}), the same epoch number from another primary (a history apart: a restarted proxy
         * remembers no epoch, and a server started without its data directory begins at epoch 1 again). Never for that
         * primary's replica of its epoch number: that backup judged the primary's state and took it (a backup takes one
         * primary's state at a time), so a FOLLOW of another copy from it was sent before, and may be read after the
         * REGISTER that names it, or its FOLLOW of that primary after the REGISTER. This rests on the backup's
         * judgement, as every snapshot it takes does; of a higher epoch it cannot have taken that state.
         */
        boolean holdsNewerThan(long primaryEpoch, long primary, long primaryReplica) {
            if (server == primaryReplica && epoch == primaryEpoch) {
                return false;
            }
            return epoch > primaryEpoch
                    || returning && epoch == primaryEpoch && primaryServer != 0 && primaryServer != primary;
        }

        /**
         * It keeps its copy in the node directory of {@code lost}, a primary lost while it served on one copy
         * ({@link #lostAlone}), and holds that directory's state of {@code lost}'s epoch: it was started on that
         * directory (the backup command line of the machine where that primary ran), recovered it, and follows that
         * primary's epoch; by name, history (as a REGISTER that compared it) and instance, which only that directory
         * and copies of it have.
         */
        boolean keepsTheDirectoryOf(PrimaryLink lost) {
            return !directory.isEmpty() && lost.directory().filter(directory::equals).isPresent()
                    && history == lost.history() && epoch == lost.epoch()
                    && (primaryServer == 0 || primaryServer == lost.server());
        }

        String follows() {
            return "follows epoch " + epoch + (primaryServer == 0 ? "" : " of primary server "
                    + Long.toHexString(primaryServer)) + (lastIndex == 0 ? "" : " up to index " + lastIndex);
        }
    }

    /** How long a follower may be silent and still count as heard: two PING intervals. */
    private final long followerFreshNanos;
    /** Until when a REGISTER may wait for followers (System.nanoTime): {@link #FOLLOWERS_RETURN_WITHIN} after the start. */
    private final long followersDueNanos;
    /**
     * The server whose REGISTER before its backup's judgement was refused last (said at INFO once; STATUS names it
     * while it asks again within {@link #AWAITING_JUDGEMENT_HEARD_WITHIN}); null for none. Written on the control loop.
     */
    private volatile UnjudgedAsk lastUnjudgedRefused;

    /** A server that asked to serve before its backup's judgement, and when ({@code System.nanoTime}). */
    private record UnjudgedAsk(long server, Sap shutdownSap, long heardNanos) {
    }

    /**
     * How long a server refused before its backup's judgement counts as still waiting: it asks again at least every
     * 10 s (ProxyLink), so twice that and a round.
     */
    static final Duration AWAITING_JUDGEMENT_HEARD_WITHIN = Duration.ofSeconds(21);
    /** When this proxy started (System.nanoTime). */
    private final long startedNanos = System.nanoTime();
    /** Until when a follower counts as coming back ({@link Waits#returningFollowersWithin} after the start). */
    private final long returningUntilNanos;
    private final Waits waits;

    PrimaryRegistry(long proxyPid, ClientSessions sessions, Duration pingInterval, Waits waits) {
        this(proxyPid, sessions, pingInterval, FOLLOWERS_RETURN_WITHIN, waits);
    }

    /** Tests of other things than the start take {@code followersReturnWithin} zero: no REGISTER waits. */
    PrimaryRegistry(long proxyPid, ClientSessions sessions, Duration pingInterval, Duration followersReturnWithin) {
        this(proxyPid, sessions, pingInterval, followersReturnWithin, DEFAULT_WAITS);
    }

    private PrimaryRegistry(long proxyPid, ClientSessions sessions, Duration pingInterval,
                            Duration followersReturnWithin, Waits waits) {
        this.followersDueNanos = System.nanoTime() + followersReturnWithin.toNanos();
        this.returningUntilNanos = startedNanos + waits.returningFollowersWithin().toNanos();
        this.waits = waits;
        this.followerFreshNanos = 2 * pingInterval.toNanos();
        this.proxyPid = proxyPid;
        this.sessions = sessions;
    }

    /** The last primaries registered here, oldest first (STATUS {@code primaries}); any thread. */
    List<RegisteredPrimaries.Entry> registeredPrimaries() {
        return registeredPrimaries.entries();
    }

    Waits waits() {
        return waits;
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

    /**
     * The server id of the backup this proxy would promote: the registered primary's replica, or while none is
     * registered the replica of the one lost (until it is promoted); 0 for none. Any thread.
     */
    long promotable() {
        PrimaryLink link = current;
        if (link != null) {
            return link.replica();
        }
        return Math.max(replicaOfLostPrimary, 0);
    }

    /**
     * A backup that follows holds a copy that no registered primary serves: SHUTDOWN could save no such copy. (One
     * promoted and not registered yet is {@link #promotionPending}.) Any thread.
     */
    boolean copyAwaitsAPrimary() {
        return current == null && followerCount > 0;
    }

    /**
     * No primary registered, and a backup was promoted and has not registered yet, and it may still: one that closed
     * its follow link {@link Waits#promotedRegisterWait} ago and has not registered died (with its primary,
     * both killed at once) and never will. Any thread.
     */
    boolean promotionPending() {
        long closed = grantedLinkClosedNanos;
        return current == null && granting
                && (closed == 0 || System.nanoTime() - closed < waits.promotedRegisterWait().toNanos());
    }

    /** Backups following at the proxy now. Any thread. */
    int followerCount() {
        return followerCount;
    }

    /** The highest epoch any primary registered with, if one did. Any thread. */
    Optional<Long> highestEpoch() {
        long epoch = highestEpoch;
        return epoch < 0 ? Optional.empty() : Optional.of(epoch);
    }

    /**
     * How long {@code register} must wait before {@link #register} judges it, in nanoseconds; 0 for not at all. A
     * proxy started again knows no epoch, and a backup that outlived the primary it followed (both killed with the
     * proxy) may hold the newest copy: it follows here within {@link #FOLLOWERS_RETURN_WITHIN} of the start. A
     * server restarted meanwhile with an older state (an epoch above 1, or entries: a data directory's restart; no
     * replica) waits until then, so that the backup is counted before that server may answer anything. A primary that
     * names a replica, and a new service's first primary, do not wait; nor does one that asks to serve before its
     * backup's judgement where no directory is waited for, which is refused anyway. Control loop only.
     */
    long followersDueIn(Frame.Register register) {
        boolean granted = pendingGrant != null && register.epoch() == highestEpoch
                && register.server() == pendingGrant.server; // a backup promoted here: it was the follower
        boolean refusedUnjudged = register.unjudged() && !takesUnjudged(register);
        boolean fresh = register.epoch() <= 1 && register.lastIndex() == 0;
        if (granted || refusedUnjudged || register.replica() != 0 || fresh) {
            return 0;
        }
        return Math.max(0, followersDueNanos - System.nanoTime());
    }

    /**
     * A primary says REGISTER on {@code channel}: accept an epoch higher than any seen, or the epoch granted to this
     * server by a PROMOTE, or the same (epoch, server) as the primary registered last (that primary reconnecting after
     * it lost its link); else STALE_EPOCH and close. An epoch below one a backup follows is refused as well: the epochs
     * seen include those that followers name. After losing a primary that served on one copy from a data directory,
     * only a server that compared that directory is taken ({@link #lostAlone}). Drops the older link, answers
     * REGISTERED, then has every client resend its unanswered requests. Returns the new link, or empty when refused.
     */
    Optional<PrimaryLink> register(Channel channel, Frame.Register register) {
        if (stopping) {
            LOG.warn("refused primary registration (epoch {}, pid {}): the proxy is shutting down",
                    register.epoch(), register.pid());
            channel.close();
            return Optional.empty();
        }
        // highestEpochServer -1: the epoch was seen only from a follower (fencing an older primary): unclaimed here
        boolean sameServer = register.epoch() == highestEpoch
                && (register.server() == highestEpochServer || highestEpochServer == -1 && pendingGrant == null);
        boolean voidGrant = register.epoch() == highestEpoch && pendingGrant != null && !pendingGrant.channel.isActive();
        if (voidGrant && !sameServer) {
            LOG.warn("backup (server {}) promoted to epoch {} is gone without registering; server {} takes the epoch",
                    Long.toHexString(pendingGrant.server), highestEpoch, Long.toHexString(register.server()));
        }
        PrimaryLink awaited = lostAlone;
        if (register.unjudged() && !takesUnjudged(register)) {
            // Told as any refusal, which such a server takes as "wait for that judgement", not as a reason to stop; it
            // asks again now and then, so said at INFO once per server.
            String why = !followers.isEmpty() ? "a backup follows here, which can judge it"
                    : "this proxy waits for " + (awaited == null ? "no node directory"
                    : "the " + Frame.Register.describeDirectory(awaited.directory().orElseThrow()) + " only");
            UnjudgedAsk before = lastUnjudgedRefused;
            if (before != null && register.server() == before.server()) {
                LOG.debug("primary pid {} (server {}) asked again to serve before its backup judged its state: {}",
                        register.pid(), Long.toHexString(register.server()), why);
            } else {
                LOG.info("primary pid {} (server {}) asked to serve epoch {} before its backup judged its state: {};"
                        + " it waits for that judgement", register.pid(), Long.toHexString(register.server()),
                        register.epoch(), why);
            }
            lastUnjudgedRefused = new UnjudgedAsk(register.server(), register.shutdownSap(), System.nanoTime());
            channel.writeAndFlush(new Frame.StaleEpoch(Math.max(0, highestEpoch))) // -1: none seen yet
                    .addListener(ChannelFutureListener.CLOSE);
            return Optional.empty();
        }
        // The lost one-copy primary's directory asks for that primary's epoch again: its start was killed between
        // REGISTERED and recording the epoch there (milliseconds), so it holds no entry of that epoch, nor anything
        // answered in it (docs/design.md "Failover"). Any other server needs an epoch above.
        boolean itsDirectoryAgain = awaited != null && register.epoch() == highestEpoch
                && awaited.epoch() == highestEpoch && pendingGrant == null && comparedTheDirectoryOf(awaited, register);
        if (itsDirectoryAgain && !sameServer) {
            LOG.info("primary pid {} (server {}) registers epoch {} again from the {} of {}, which was lost before"
                    + " that directory recorded the epoch", register.pid(), Long.toHexString(register.server()),
                    register.epoch(), Frame.Register.describeDirectory(awaited.directory().orElseThrow()), awaited);
        }
        if (register.epoch() <= highestEpoch && !sameServer && !voidGrant && !itsDirectoryAgain) {
            // a primary with a stale epoch is refused (docs/design.md "Failover")
            LOG.warn("stale_epoch: refused primary pid {} (server {}) with epoch {}: epoch {} was already seen",
                    register.pid(), Long.toHexString(register.server()), register.epoch(), highestEpoch);
            channel.writeAndFlush(new Frame.StaleEpoch(highestEpoch)).addListener(ChannelFutureListener.CLOSE);
            return Optional.empty();
        }
        if (pendingGrant != null && pendingGrant.channel.isActive() && register.server() != pendingGrant.server) {
            // Granted to a backup that still follows: only it may register now, whatever epoch another server names
            // (one restarted on an older data directory takes the epoch above its own directory's highest).
            LOG.warn("stale_epoch: refused primary pid {} (server {}) with epoch {}: epoch {} is granted to backup"
                    + " (server {}), which has not registered yet", register.pid(),
                    Long.toHexString(register.server()), register.epoch(), highestEpoch,
                    Long.toHexString(pendingGrant.server));
            channel.writeAndFlush(new Frame.StaleEpoch(highestEpoch)).addListener(ChannelFutureListener.CLOSE);
            return Optional.empty();
        }
        PrimaryLink serving = current;
        if (serving != null && serving.channel().isActive() && serving.server() != register.server() && !sameServer) {
            // A primary serves on a live link: a server registering above it was started beside it, e.g. the old
            // primary's command line run again on its own machine, whose data directory never saw the promotion. Its
            // space may be older; replacing the serving primary would drop every update answered since. It is refused
            // until that primary is lost (its link closed, or silent past the ping bound).
            LOG.warn("stale_epoch: refused primary pid {} (server {}) with epoch {}: {} serves on a live link; a"
                    + " server started beside it does not replace it", register.pid(),
                    Long.toHexString(register.server()), register.epoch(), serving);
            channel.writeAndFlush(new Frame.StaleEpoch(highestEpoch)).addListener(ChannelFutureListener.CLOSE);
            return Optional.empty();
        }
        if (awaited != null && !sameServer && !comparedTheDirectoryOf(awaited, register)) {
            // Whatever its epoch: a server on another machine that ran a backup of the lost primary since (which took
            // its epoch with the copy) takes the epoch above it, and holds only that copy, of an older index.
            LOG.warn("stale_epoch: refused primary pid {} (server {}) with epoch {}: {} was lost while it served on"
                    + " one copy, and only its {} holds every update it answered; start it again on that directory,"
                    + " or restart the proxy to give those updates up",
                    register.pid(), Long.toHexString(register.server()), register.epoch(), awaited,
                    Frame.Register.describeDirectory(awaited.directory().orElseThrow()));
            channel.writeAndFlush(new Frame.StaleEpoch(highestEpoch)).addListener(ChannelFutureListener.CLOSE);
            return Optional.empty();
        }
        Optional<Follower> newer = followers.values().stream()
                .filter(follower -> follower.holdsNewerThan(register.epoch(), register.server(), register.replica()))
                .findFirst();
        if (newer.isPresent()) {
            // A proxy restarted since knows no epoch, but a backup that follows one knows its primary served it: a
            // primary of an older epoch, or of that epoch number but another history (a fresh server, or one on an
            // older data directory), would serve an older space.
            LOG.warn("stale_epoch: refused primary pid {} (server {}) with epoch {}: backup (server {}) {}, and"
                    + " holds a newer copy; PROMOTE it to serve that copy, or stop it to discard it",
                    register.pid(), Long.toHexString(register.server()), register.epoch(),
                    Long.toHexString(newer.get().server), newer.get().follows());
            channel.writeAndFlush(new Frame.StaleEpoch(newer.get().epoch)).addListener(ChannelFutureListener.CLOSE);
            return Optional.empty();
        }
        RegisteredPrimaries.How how = RegisteredPrimaries.How.REGISTERED;
        if (sameServer && pendingGrant != null) {
            how = switchover != null && switchover.granted == register.epoch() ? RegisteredPrimaries.How.SWITCHED_OVER
                    : pendingGrantIsOperators ? RegisteredPrimaries.How.PROMOTED_BY_THE_OPERATOR
                    : RegisteredPrimaries.How.PROMOTED;
            LOG.info("promoted backup (server {}) registers as primary of epoch {}",
                    Long.toHexString(register.server()), register.epoch());
            if (switchover != null && switchover.granted == register.epoch()) {
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - switchover.startNanos);
                LOG.info("switchover done in {} ms: server {} serves epoch {}", millis,
                        Long.toHexString(register.server()), register.epoch());
                switchover.answer.trySuccess("ok: switched over in " + millis + " ms: server "
                        + Long.toHexString(register.server()) + " (pid " + register.pid() + ") is the primary of epoch "
                        + register.epoch() + "; the old primary (pid " + switchover.from.pid()
                        + ") stays on as its backup");
                switchover = null;
            }
        } else if (sameServer) {
            how = RegisteredPrimaries.How.REGISTERED_AGAIN;
            LOG.info("primary pid {} of epoch {} registers again on a new link", register.pid(),
                    register.epoch());
        }
        highestEpoch = register.epoch();
        highestEpochServer = register.server();
        pendingGrant = null;
        granting = false;
        pendingGrantIsSwitchover = false;
        pendingGrantIsOperators = false;
        replicaOfLostPrimary = -1;
        PrimaryLink older = current;
        PrimaryLink link = new PrimaryLink(channel, register);
        // REGISTERED goes first: client loops write requests only once they see the link published below
        link.send(new Frame.Registered(proxyPid));
        tellClosedBacklog(link);
        current = link;
        registeredPrimaries.registered(link, how);
        lostAlone = null;
        lastUnjudgedRefused = null; // a server that waited is served now, or another serves in its place
        lastShutdownSap = link.shutdownSap();
        if (older != null) {
            older.end();
            LOG.info("dropping older {} for {}", older, link);
            older.channel().close();
        }
        LOG.info("primary_registered: {}", link);
        sessions.forEach(session -> session.executor().execute(session::resendUnansweredIfLinkChanged));
        return Optional.of(link);
    }

    /**
     * Whether a server whose backup on another machine has not judged its state yet (REGISTER's {@code unjudged}) may
     * serve: only a directory whose primary this proxy lost while it served on one copy is known to hold the newest
     * copy, and only while no backup follows here (one that does can judge, and may hold what a power cut took from
     * that directory). Control loop only.
     */
    private boolean takesUnjudged(Frame.Register register) {
        PrimaryLink awaited = lostAlone;
        return awaited != null && comparedTheDirectoryOf(awaited, register) && followers.isEmpty();
    }

    /**
     * The SHUTDOWN_SAP of the server that waits for its backup on another machine to judge its state: it asked to
     * serve before that and was refused, lately ({@link #AWAITING_JUDGEMENT_HEARD_WITHIN}), and no server has
     * registered since; empty for none. Any thread.
     */
    Optional<Sap> awaitingJudgement() {
        UnjudgedAsk ask = lastUnjudgedRefused;
        if (ask == null || System.nanoTime() - ask.heardNanos() > AWAITING_JUDGEMENT_HEARD_WITHIN.toNanos()) {
            return Optional.empty();
        }
        return Optional.of(ask.shutdownSap());
    }

    /**
     * The node directory ({@code <id>.<instance>}) of the primary lost on one copy that the proxy waits for
     * ({@link #lostAlone}); empty for none. Any thread.
     */
    Optional<String> awaitedDirectory() {
        PrimaryLink awaited = lostAlone;
        return awaited == null ? Optional.empty() : awaited.directory();
    }

    /**
     * Whether the server registering compared the data directory of {@code lost} (of the same history) before it took
     * the newest: it is that primary restarted, or a survey of the DIR that holds its directory.
     */
    private static boolean comparedTheDirectoryOf(PrimaryLink lost, Frame.Register register) {
        return register.history() == lost.history()
                && lost.directory().map(register.directories()::contains).orElse(false);
    }

    /**
     * The connection of a primary closed (or was found dead, {@code why}): it is lost at once (docs/design.md
     * "Failover").
     */
    void linkClosed(Channel channel, String why) {
        PrimaryLink link = current;
        if (link != null && link.channel() == channel) {
            current = null;
            link.end();
            primaryLinkEndedNanos = System.nanoTime();
            // STATUS's primaries say it too: no backup holds what it answered (but one started on its directory)
            registeredPrimaries.ended(link.replica() == 0 && !stopping ? why + "; it served on one copy" : why);
            if (stopping) {
                LOG.info("primary closed its link while the proxy shuts down: {}", link);
            } else {
                if (link.replica() == 0) {
                    // no backup may take over: nobody serves until it comes back, or an operator decides otherwise.
                    // ERROR: the service cannot serve again by itself (OperatorEvent.Severity's rule)
                    LOG.error("primary_lost: {} ({}), which served on one copy; holding client requests until a"
                            + " primary registers: no backup may take over by itself{} (./tuplespace status"
                            + " PROXY_SHUTDOWN_SAP says what to do)", link, why, link.directory().map(directory ->
                            " but one started on its " + Frame.Register.describeDirectory(directory)
                            + " with --fsync always").orElse(""));
                } else if (!followers.containsKey(link.replica())) {
                    LOG.error("primary_lost: {} ({}); its replica, backup server {}, does not follow here: holding"
                            + " client requests until that backup follows again (it is promoted then) or a primary"
                            + " registers (./tuplespace status PROXY_SHUTDOWN_SAP says what to do)", link, why,
                            Long.toHexString(link.replica()));
                } else {
                    LOG.info("primary_lost: {} ({}); holding client requests until a primary registers", link,
                            why);
                }
                // the primary timeout of a request it had starts now (docs/protocol.md "Limits and failures")
                sessions.forEach(session -> session.executor().execute(session::onPrimaryLost));
                if (switchover != null && switchover.from == link) {
                    endSwitchover("error: the primary's link was lost during the switchover; the failover rules apply"
                            + " (its backup is promoted if it holds every update)");
                }
                if (link.epoch() == highestEpoch && link.server() == highestEpochServer) { // else it was fenced
                    replicaOfLostPrimary = link.replica();
                    lostAlone = link.replica() == 0 && link.directory().isPresent() ? link : null;
                    primaryLostNanos = System.nanoTime();
                    promoteIfDue();
                }
                followers.values().forEach(this::warnLaterIfOnlyAnOperatorPromotes);
            }
        }
    }

    /** The registered primary on {@code channel} says which backup holds what it answers from now on (REPLICA). */
    void replicaChanged(Channel channel, long replica) {
        PrimaryLink link = current;
        if (link != null && link.channel() == channel) {
            link.replica(replica);
            LOG.info("{} now {}", link, replica == 0 ? "serves on one copy (no backup may take over)"
                    : "has backup server " + Long.toHexString(replica) + " in step");
        }
    }

    /**
     * A backup says FOLLOW on {@code channel}: it follows the primary of {@code follow.epoch()} and waits to be promoted.
     * A follower of an older epoch than the highest seen is told STALE_EPOCH and closed (its primary was replaced; it
     * cannot take over).
     */
    void follow(Channel channel, Frame.Follow follow) {
        if (!stopping && pendingGrant != null && follow.server() == pendingGrant.server
                && follow.epoch() + 1 == highestEpoch) {
            // promoted, but the PROMOTE was lost with its link: say it again, and the grant is on this link now
            LOG.info("backup (server {}) follows epoch {} again: it was promoted to epoch {}; telling it again",
                    Long.toHexString(follow.server()), follow.epoch(), highestEpoch);
            pendingGrant = new Follower(channel, follow, System.nanoTime(), false);
            grantedLinkClosedNanos = 0;
            channel.writeAndFlush(new Frame.Promote(highestEpoch, pendingGrantIsSwitchover));
            return;
        }
        if (stopping) {
            channel.close();
            return;
        }
        if (follow.epoch() < highestEpoch) {
            // its primary was replaced: it can never take over (told, so it stops trying until a new primary syncs it)
            LOG.info("stale_epoch: refused follower (server {}) of epoch {}: epoch {} was seen",
                    Long.toHexString(follow.server()), follow.epoch(), highestEpoch);
            channel.writeAndFlush(new Frame.StaleEpoch(highestEpoch)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        long now = System.nanoTime();
        Follower following = new Follower(channel, follow, now, now - returningUntilNanos < 0);
        PrimaryLink registered = current;
        // (a late FOLLOW of an older copy from the registered primary's replica fences nothing: holdsNewerThan; the
        // entry it leaves names that older copy until the replica's next FOLLOW)
        if (registered != null
                && following.holdsNewerThan(registered.epoch(), registered.server(), registered.replica())) {
            // The registered primary is older than the copy a backup holds (a higher epoch, or that epoch number from
            // another primary): this proxy, restarted, knew no epoch and accepted an older server (fresh, or on an
            // older data directory) before the backup came back. Fenced as any primary of an older epoch is; the backup
            // waits for PROMOTE, or for its own primary, which may register that epoch.
            LOG.warn("stale_epoch: backup (server {}) {}, newer than the registered {}: fencing that primary,"
                    + " which serves an older space; PROMOTE the backup to serve its copy",
                    Long.toHexString(follow.server()), following.follows(), registered);
            highestEpoch = follow.epoch();
            highestEpochServer = follow.primaryServer() != 0 ? follow.primaryServer() : -1;
            registered.channel().writeAndFlush(new Frame.StaleEpoch(follow.epoch()))
                    .addListener(ChannelFutureListener.CLOSE);
            // its own backups follow the fenced history: none of them may be promoted
            followers.values().removeIf(other -> {
                if (other.primaryServer == registered.server() || other.epoch < follow.epoch()) {
                    other.channel.writeAndFlush(new Frame.StaleEpoch(follow.epoch()))
                            .addListener(ChannelFutureListener.CLOSE);
                    return true;
                }
                return false;
            });
        }
        Follower older = followers.put(follow.server(), following);
        if (older != null && older.channel != channel) {
            older.channel.close();
        }
        followerCount = followers.size();
        LOG.info("backup (server {}) {} from {}", Long.toHexString(follow.server()), following.follows(),
                channel.remoteAddress());
        promoteIfDue();
        if (current == null && (replicaOfLostPrimary == follow.server() || keeperOfLostDirectory() == following)) {
            channel.eventLoop().schedule(this::promoteIfDue, waits.lateFollowerGrace().toNanos(), TimeUnit.NANOSECONDS);
        }
        if (current == null) {
            warnLaterIfOnlyAnOperatorPromotes(following);
        }
    }

    private void warnLaterIfOnlyAnOperatorPromotes(Follower follower) {
        follower.channel.eventLoop().schedule(() -> warnIfOnlyAnOperatorPromotes(follower),
                waits.lateFollowerGrace().toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * A backup followed here, or the primary it follows was lost, a while ago; still nobody serves, and the proxy will
     * not promote it by itself (it knows of no lost primary that named it its replica: this proxy was started anew, or
     * the lost primary served on one copy), but an operator's PROMOTE would: said at ERROR, since only the operator can
     * end the wait (OperatorEvent.Severity's rule), and STATUS is not where one looks first.
     */
    private void warnIfOnlyAnOperatorPromotes(Follower follower) {
        if (stopping || current != null || granting || followers.get(follower.server) != follower
                || replicaOfLostPrimary == follower.server || keeperOfLostDirectory() == follower) {
            return;
        }
        List<Follower> candidates = operatorCandidates();
        Optional<Follower> choice = operatorChoice(candidates);
        if (choice.isEmpty() && candidates.size() > 1 && candidates.get(0) == follower) { // said once, not by each
            LOG.error("no primary is registered, and {} backups follow epoch {} ({}), {}: the operator decides which"
                    + " copy to keep: stop the backup whose copy to give up, then promote the other (./tuplespace"
                    + " promote PROXY_SHUTDOWN_SAP)", candidates.size(), follower.epoch, describe(candidates),
                    whyNoChoice(candidates));
            return;
        }
        if (choice.orElse(null) != follower) {
            return;
        }
        PrimaryLink awaited = lostAlone;
        if (keepsSinceTheLoss(follower, awaited)) {
            // its own node directory: not promoted by itself only for a power cut's sake (keeperOfLostDirectory)
            LOG.error("no primary is registered, and backup (server {}), which {}, keeps the {}, where the lost"
                    + " primary served on one copy, but is promoted by nobody but the operator: {}; promote it"
                    + " (./tuplespace promote PROXY_SHUTDOWN_SAP) unless a power cut or a crash of that machine's"
                    + " system may have taken answered updates from that log, or start the server that served last",
                    Long.toHexString(follower.server), follower.follows(), Frame.Register.describeDirectory(
                            follower.directory), !follower.forced ? "it does not force its log before each answer"
                            : "another backup follows, which may hold more");
            return;
        }
        String servedLast = awaited == null ? "" : " (its " + Frame.Register.describeDirectory(awaited.directory()
                .orElseThrow()) + " holds what it answered on one copy, which that backup lacks)";
        LOG.error("no primary is registered, and backup (server {}), which {}, is promoted by nobody but the"
                + " operator: start the server that served last{}, or promote this backup (./tuplespace promote"
                + " PROXY_SHUTDOWN_SAP); what a primary answered on one copy since it took that copy is then lost",
                Long.toHexString(follower.server), follower.follows(), servedLast);
    }

    /** The backups that follow the newest epoch any follower names, among which an operator's PROMOTE chooses. */
    private List<Follower> operatorCandidates() {
        long newest = followers.values().stream().mapToLong(follower -> follower.epoch).max().orElse(-1);
        return followers.values().stream().filter(follower -> follower.epoch == newest).toList();
    }

    /**
     * The backup an operator's PROMOTE takes: the one that follows the newest epoch; of several that follow one primary
     * of it (both machines' backups, restarted after a total loss that came after a failover), the one whose copy goes
     * furthest along that one history, by the last index its FOLLOW said (a tie is two equal copies). None when they
     * follow different primaries of that epoch number, or do not say which: two histories, which only the operator
     * can choose between.
     */
    private Optional<Follower> operatorChoice(List<Follower> candidates) {
        if (candidates.size() <= 1) {
            return candidates.stream().findFirst();
        }
        Optional<Follower> replica = candidates.stream().filter(candidate -> candidate.server == replicaOfLostPrimary)
                .findFirst();
        if (replica.isPresent()) {
            return replica; // it holds every update the lost primary answered
        }
        if (!whyNoChoice(candidates).isEmpty()) {
            return Optional.empty();
        }
        return candidates.stream().max(java.util.Comparator.comparingLong(candidate -> candidate.lastIndex));
    }

    /**
     * Why the last indexes of several {@code candidates} do not tell which copy goes furthest, or empty when they do:
     * each follows one and the same named primary (one history), and each said its index with its FOLLOW since the
     * last primary link ended (no primary has fed it since), and none said 0 (an older backup's "not said").
     */
    private String whyNoChoice(List<Follower> candidates) {
        long primary = candidates.get(0).primaryServer;
        if (primary == 0 || candidates.stream().anyMatch(candidate -> candidate.primaryServer != primary)) {
            return "of different primaries, or not naming theirs: two histories";
        }
        if (candidates.stream().anyMatch(candidate -> candidate.sinceNanos - primaryLinkEndedNanos < 0)) {
            return "and one followed while a primary fed it: how far its copy goes now is not known here";
        }
        if (candidates.stream().anyMatch(candidate -> candidate.lastIndex == 0)) {
            return "and one does not say how far its copy goes";
        }
        return "";
    }

    private static String describe(List<Follower> followers) {
        return followers.stream().map(follower -> "server " + Long.toHexString(follower.server) + " "
                + follower.follows() + " from " + follower.channel.remoteAddress()).collect(Collectors.joining("; "));
    }

    /** Something arrived from the follower on {@code channel}: it is there. */
    void followerHeard(Channel channel, long server) {
        Follower follower = followers.get(server);
        if (follower != null && follower.channel == channel) {
            follower.heardNanos = System.nanoTime();
            if (current == null && (replicaOfLostPrimary == server || keeperOfLostDirectory() == follower)) {
                promoteIfDue();
            }
        }
    }

    /** A follower's link closed. */
    void followerClosed(Channel channel, long server) {
        Follower follower = followers.get(server);
        if (follower != null && follower.channel == channel) {
            followers.remove(server);
            followerCount = followers.size();
            LOG.info("backup (server {}) stopped following", Long.toHexString(server));
        } else if (!stopping && current == null && pendingGrant != null && pendingGrant.channel == channel) {
            // as every promoted backup does before it registers; if it does not within the wait, it is gone
            grantedLinkClosedNanos = Math.max(1, System.nanoTime());
            Follower granted = pendingGrant;
            channel.eventLoop().schedule(() -> {
                if (!stopping && current == null && pendingGrant == granted) {
                    // the grant stands for the case that it comes back and follows again (its PROMOTE is sent again),
                    // but nothing is promoting now: STATUS stops saying so, and SHUTDOWN waits for nobody. At ERROR,
                    // as every loss that nobody takes over: the loss itself was said at INFO, as the backup followed
                    LOG.error("backup (server {}) promoted to epoch {} closed its link and did not register within"
                            + " {}: no primary serves; if it comes back it is told again, else start the servers again"
                            + " (one on its data directory takes the epoch; one without starts at epoch 1, which only a"
                            + " restarted proxy takes)", Long.toHexString(server),
                            highestEpoch, Durations.text(waits.promotedRegisterWait()));
                }
            }, waits.promotedRegisterWait().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The witness's decision: once the primary of the highest epoch is lost and the backup it named its replica follows
     * that epoch here and is heard (it answered a PING within two intervals: a backup cut off with the primary is not),
     * that backup is promoted to epoch + 1 — at once if it was following when the primary was lost, else {@link
     * Waits#lateFollowerGrace} after it followed, in which the old primary may come back. From then on the old
     * primary is refused (STALE_EPOCH) and only the promoted backup may register with the new epoch. No replica named (the primary served
     * on one copy) means no promotion: the service waits for that primary to come back, which loses nothing; from a
     * data directory, a backup started on that primary's node directory may be promoted in its place
     * ({@link #keeperOfLostDirectory}), after the same grace.
     */
    private void promoteIfDue() {
        if (stopping || current != null || replicaOfLostPrimary < 0) {
            return;
        }
        Follower follower = replicaOfLostPrimary > 0 ? followers.get(replicaOfLostPrimary) : keeperOfLostDirectory();
        if (follower == null || follower.epoch != highestEpoch) {
            return;
        }
        long now = System.nanoTime();
        if (now - follower.heardNanos > followerFreshNanos) {
            return; // checked again when it is heard
        }
        if (follower.sinceNanos - primaryLostNanos > 0
                && now - follower.sinceNanos < waits.lateFollowerGrace().toNanos()) {
            return; // checked again when its grace ends (scheduled when it followed)
        }
        long granted = highestEpoch + 1;
        LOG.info("promoted: backup (server {}) at {} is the primary of epoch {} ({} ms after the primary was lost{})",
                Long.toHexString(follower.server), follower.channel.remoteAddress(), granted,
                TimeUnit.NANOSECONDS.toMillis(now - primaryLostNanos), replicaOfLostPrimary > 0 ? ""
                        : "; it keeps the " + Frame.Register.describeDirectory(follower.directory) + ", where that"
                        + " primary served on one copy");
        grant(follower, granted);
    }

    /**
     * The backup the proxy promotes in place of the primary lost on one copy ({@link #lostAlone}): the one follower,
     * which keeps that primary's node directory ({@link Follower#keepsTheDirectoryOf}), forces its log before each
     * answer, and followed only after the loss. That directory then holds every update the primary answered, forced,
     * as a restart of the primary on it would (its REGISTER is taken before its backup's judgement on the same terms,
     * {@link #takesUnjudged}). Not while another backup follows: with a log not forced before each answer a power cut
     * may have taken answered updates from the directory that such a backup holds, and it may say which copy goes
     * further. Not for one that followed while the primary held the directory's lock, nor when two name the directory:
     * those are copies of it, which may be older. Null otherwise.
     */
    private Follower keeperOfLostDirectory() {
        PrimaryLink lost = lostAlone;
        if (lost == null || followers.size() != 1) {
            return null;
        }
        Follower only = followers.values().iterator().next();
        return only.forced && keepsSinceTheLoss(only, lost) ? only : null;
    }

    /**
     * {@code follower} keeps the node directory of {@code lost}, the primary lost on one copy (null: none), and
     * followed only after the loss, when that primary no longer held the directory: it is that directory, not a copy
     * of it.
     */
    private boolean keepsSinceTheLoss(Follower follower, PrimaryLink lost) {
        return lost != null && follower.sinceNanos - primaryLostNanos > 0 && follower.keepsTheDirectoryOf(lost);
    }

    /** Grants {@code granted} to {@code follower}: only it may register that epoch; older followers are let go. */
    private void grant(Follower follower, long granted) {
        grant(follower, granted, false);
    }

    private void grant(Follower follower, long granted, boolean handedOver) {
        highestEpoch = granted;
        highestEpochServer = follower.server;
        pendingGrant = follower;
        granting = true;
        grantedLinkClosedNanos = 0;
        replicaOfLostPrimary = -1;
        followers.remove(follower.server);
        pendingGrantIsSwitchover = handedOver;
        pendingGrantIsOperators = false;
        follower.channel.writeAndFlush(new Frame.Promote(granted, handedOver));
        // the followers of the old epoch cannot take over any more
        followers.values().removeIf(other -> {
            if (other.epoch < granted) {
                other.channel.close();
                return true;
            }
            return false;
        });
        followerCount = followers.size();
    }

    /**
     * The operator's override (PROMOTE on the proxy's SHUTDOWN_SAP): with no primary registered, the one backup that
     * follows the highest epoch is promoted even though no primary named it its replica now — the old primary served on
     * one copy before it was lost, so updates it answered meanwhile may be missing there: the operator accepts that.
     * Logged at WARN. Returns the answer line. Control loop only.
     */
    String promoteByOperator() {
        if (stopping) {
            return "error: the proxy is shutting down";
        }
        PrimaryLink link = current;
        if (link != null) {
            return "error: a primary is registered (" + link + "): nothing to promote";
        }
        List<Follower> candidates = operatorCandidates();
        Optional<Follower> choice = operatorChoice(candidates);
        if (candidates.isEmpty()) {
            return "error: expected a backup following the newest epoch, found none (is a backup running, with a"
                    + " complete copy, able to reach the proxy?)";
        }
        if (choice.isEmpty()) {
            return "error: " + candidates.size() + " backups follow the newest epoch (" + describe(candidates) + "), "
                    + whyNoChoice(candidates) + "; stop the backup whose copy to give up (its log says how far it"
                    + " recovered or acknowledged), then promote again";
        }
        long sinceStart = System.nanoTime() - startedNanos;
        if (highestEpoch < 0 && sinceStart < waits.promoteAfterStart().toNanos()) {
            return "error: this proxy started " + TimeUnit.NANOSECONDS.toMillis(sinceStart) + " ms ago and no primary"
                    + " has registered yet: a primary that outlived the previous proxy process registers within "
                    + waits.promoteAfterStart().toSeconds() + " s of this proxy's start, and a"
                    + " promotion now would fence it; run ./tuplespace status, and promote again if none has";
        }
        Follower chosen = choice.get();
        long granted = Math.max(highestEpoch, chosen.epoch) + 1;
        boolean keeper = keepsSinceTheLoss(chosen, lostAlone);
        LOG.warn("operator override: promoting backup (server {}) at {} to epoch {} without its primary naming it{}:"
                + " {}", Long.toHexString(chosen.server), chosen.channel.remoteAddress(), granted,
                candidates.size() == 1 ? "" : " (of " + candidates.size() + " backups that follow one primary of epoch "
                        + chosen.epoch + ", the one whose copy goes furthest: " + describe(candidates) + ")",
                keeper ? "it keeps the node directory the old primary served on one copy from"
                        : "updates the old primary answered on one copy, if any, are lost");
        grant(chosen, granted);
        pendingGrantIsOperators = true;
        lostAlone = null;
        return "ok: promoted backup (server " + Long.toHexString(chosen.server) + ") to epoch " + granted + (keeper
                ? "; it keeps the node directory the old primary served on: it holds what that primary answered,"
                + " unless a power cut took the end of a log not forced before each answer"
                : "; updates the old primary answered while it had no backup, if any, are lost");
    }

    /**
     * The operator's planned switchover (SWITCHOVER on the proxy's SHUTDOWN_SAP, docs/design.md "Switchover"): the
     * registered primary is told STEP_DOWN; it stops serving, lets every answer out once its replica holds what it
     * depends on, and says STEPPED_DOWN; that replica is then promoted at once, and the old primary becomes its backup
     * (told STALE_EPOCH, which a primary that stepped down takes as "become the backup"). Client requests meanwhile are
     * held and resent to the new primary, as in a failover. {@code answer} gets the outcome. Control loop only.
     */
    void switchover(Promise<String> answer) {
        PrimaryLink link = current;
        if (stopping) {
            answer.trySuccess("error: the proxy is shutting down");
        } else if (switchover != null) {
            answer.trySuccess("error: a switchover is under way already");
        } else if (link == null) {
            answer.trySuccess("error: no primary is registered: nothing to switch over from");
        } else if (link.replica() == 0) {
            answer.trySuccess("error: " + link + " has no backup in step (it serves on one copy): nothing to switch"
                    + " over to");
        } else {
            Follower follower = followers.get(link.replica());
            if (follower == null || follower.epoch != link.epoch()
                    || System.nanoTime() - follower.heardNanos > followerFreshNanos) {
                answer.trySuccess("error: the backup in step (server " + Long.toHexString(link.replica())
                        + ") does not follow at the proxy now: it could not be promoted");
                return;
            }
            Switchover started = new Switchover(link, link.replica(), answer);
            switchover = started;
            LOG.info("switchover: telling {} to step down for backup server {}", link,
                    Long.toHexString(link.replica()));
            link.send(new Frame.StepDown(link.epoch()));
            link.channel().eventLoop().schedule(() -> {
                if (switchover == started) {
                    endSwitchover("error: the switchover did not complete within " + SWITCHOVER_LIMIT.toSeconds()
                            + " s; see the proxy's and the servers' logs");
                }
            }, SWITCHOVER_LIMIT.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void endSwitchover(String answer) {
        LOG.warn("switchover: {}", answer);
        switchover.answer.trySuccess(answer);
        switchover = null;
    }

    /**
     * STEPPED_DOWN from the registered primary: every answer it will send is out and its replica holds {@code index}.
     * Requests are held from now on, and the replica is promoted at once; the old primary is told the new epoch
     * (STALE_EPOCH), which makes it that replica's backup. If the replica no longer follows, the old primary's link is
     * closed instead: it registers again (same epoch and server) and serves on.
     */
    void steppedDown(Channel channel, long index) {
        PrimaryLink link = current;
        if (switchover == null || link == null || link.channel() != channel || switchover.from != link) {
            LOG.warn("ignored STEPPED_DOWN from {}: no switchover of it is under way", channel.remoteAddress());
            return;
        }
        Follower follower = followers.get(switchover.replica);
        if (follower == null || follower.epoch != highestEpoch) {
            endSwitchover("error: " + link + " stepped down at index " + index + ", but its backup (server "
                    + Long.toHexString(switchover.replica) + ") no longer follows; the primary serves on");
            channel.close();
            return;
        }
        current = null;
        link.end();
        primaryLinkEndedNanos = System.nanoTime();
        sessions.forEach(session -> session.executor().execute(session::onPrimaryLost));
        long granted = highestEpoch + 1;
        switchover.granted = granted;
        LOG.info("switchover: {} stepped down at index {}; promoting backup server {} to epoch {}", link, index,
                Long.toHexString(follower.server), granted);
        grant(follower, granted, true);
        channel.writeAndFlush(new Frame.StaleEpoch(granted)).addListener(ChannelFutureListener.CLOSE);
    }

    /** STEP_DOWN_REFUSED from the registered primary: it serves on; the operator is told why. */
    void stepDownRefused(Channel channel, String reason) {
        PrimaryLink link = current;
        if (switchover != null && link != null && link.channel() == channel && switchover.from == link) {
            endSwitchover("error: the primary did not step down: " + reason);
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
