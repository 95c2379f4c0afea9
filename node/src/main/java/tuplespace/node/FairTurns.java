package tuplespace.node;

import io.netty.util.collection.LongObjectHashMap;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import tuplespace.codec.Durations;
import tuplespace.codec.frame.Frame;
import tuplespace.codec.netty.NextTurn;

/**
 * The proxy's REQUEST and CLOSED frames, served fairly between client connections in bounded turns of the event
 * loop (docs/design.md "Threads").
 *
 * <p>Each connection has its own queue, in arrival order: answers come back in request order per connection, and a
 * connection's CLOSED must not overtake its requests (the exactly-once bookkeeping of {@link ExactlyOnceRequests}).
 * A turn visits the connection that has had the least serving time so far (ties: the one waiting longest) and serves
 * its frames for up to about {@link Limits#perVisit} (at least one), then the least-served one again; at most
 * {@link Limits#perConnectionPerTurn} frames of one connection and {@link Limits#perTurn} frames or about
 * {@link Limits#workPerTurn} in all; between turns the loop does its I/O, heartbeats and the backup's
 * acknowledgements. With frames of equal cost that is round-robin in slices of time; with 70 KB GETs on some
 * connections and exact GETs on another, the light connection's request is served after the visit in progress instead
 * of after one GET of every busy connection (64 of them took over half a second). A connection that was idle joins at
 * most {@link Limits#idleCredit} below the least-served busy one: it cannot bank unused time and then hold the loop,
 * and a connection whose own requests are heavy loses its head start within a few of them. A visit serves a pipelined
 * batch of cheap requests together: one frame per visit spread every client's batch over several turns, and clients
 * that wait for their whole batch all waited for the slowest turn (pipelined PUTs lost 40%). Without the turn bounds,
 * 40 pipelined expensive GETs kept the loop busy for seconds and the backup fenced a healthy primary.
 *
 * <p>Serving time is what the work cost the loop's thread, not the wall time it spanned. A frame during which the OS
 * gave the core to another thread, or the JVM stopped for a collection, spans milliseconds where its work took
 * microseconds; charged that, its connection waited until every other one had been served as much more: with 50
 * clients pipelining 16 exact GETs (about 20 µs a visit), one descheduling of 2 ms held a client back for 100 visits of
 * each other one, and such waits of 30-300 ms made the tail of every client's latency (p99 12-17 ms, p50 2 ms). So a
 * frame that took longer than {@link #OFF_CPU_CHECK_NANOS}, long enough to have been descheduled or stopped, is
 * charged less the time the thread spent off the CPU since the last CPU-time reading, which a turn takes as it starts:
 * one reading per turn and one per such frame, not one per frame (a reading is a system call, {@link ThreadCpuTime}).
 * A shorter pause is charged to the frame it fell in, at most that much, and taken off the next checked frame of the
 * turn instead (the reading after that frame counts every pause since the one before): the total charged stays what
 * the thread used. A frame that blocks (a lock, a page fault) is not charged the wait either; the wall-clock limits of
 * a visit and of a turn still bound how long it holds the loop.
 *
 * <p>Reading from the link stops once {@link Limits#pauseAtFrames} frames or {@link Limits#pauseAtBytes} of request
 * lines are queued and goes on once they are down to the resume marks: not only when everything is served, because a
 * parked connection may keep frames queued for long, and every connection's requests must be read to be served
 * fairly.
 *
 * <p>A connection can be {@linkplain #park parked}: it keeps queuing, turns skip it, until it is
 * {@linkplain #unpark unparked}, e.g. while one of its requests runs elsewhere; the others are served meanwhile.
 *
 * <p>Runs on the one event loop that owns the node; single-threaded, no locks.
 */
final class FairTurns {

    /** A frame whose wall time is above this may have spent some of it off the CPU: its charge is checked. */
    static final long OFF_CPU_CHECK_NANOS = 20_000;

    /**
     * How much a turn does, how far an idle connection may jump ahead, and how much waits before the link stops being
     * read.
     *
     * @param perTurn frames a turn serves at most, over all connections
     * @param workPerTurn about this much serving per turn at most (one frame may take its match budget on its own)
     * @param perConnectionPerTurn frames of one connection a turn serves at most: a request that arrives during a turn
     *     is read after at most this many frames of any one connection
     * @param perVisit a connection's frames are served one after the other up to about this long (at least one) before
     *     the least-served connection is picked again: a pipelined batch of cheap requests is served together, so its
     *     client gets all its answers soon, instead of every client getting the last of its batch late
     * @param idleCredit a connection that becomes busy again counts as having been served at least the least-served
     *     busy connection's time minus this, so it is served soon but cannot bank more than this
     * @param pauseAtFrames stop reading the link at this many queued frames ...
     * @param resumeAtFrames ... and read it again at this many or fewer (and bytes at or below theirs)
     * @param pauseAtBytes stop reading the link at this many queued characters of request lines ...
     * @param resumeAtBytes ... and read it again at this many or fewer (and frames at or below theirs)
     */
    record Limits(int perTurn, Duration workPerTurn, int perConnectionPerTurn, Duration perVisit, Duration idleCredit,
                  int pauseAtFrames, int resumeAtFrames, long pauseAtBytes, long resumeAtBytes) {
        Limits {
            requireAtLeastOne("perTurn", perTurn);
            Durations.requirePositive("workPerTurn", workPerTurn);
            Durations.requirePositive("perVisit", perVisit);
            requireAtLeastOne("perConnectionPerTurn", perConnectionPerTurn);
            Durations.requirePositive("idleCredit", idleCredit);
            requireAtLeastOne("resumeAtFrames", resumeAtFrames);
            requireAtLeastOne("resumeAtBytes", resumeAtBytes);
            if (pauseAtFrames <= resumeAtFrames || pauseAtBytes <= resumeAtBytes) {
                throw new IllegalArgumentException("expected the pause marks above the resume marks, found frames "
                        + pauseAtFrames + "/" + resumeAtFrames + " and bytes " + pauseAtBytes + "/" + resumeAtBytes);
            }
        }

        private static void requireAtLeastOne(String name, long value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + ": expected at least 1, found " + value);
            }
        }
    }

    /** Turns reading from the link off and on. */
    interface Reading {
        void pause();

        void resume();
    }

    /** Where a connection is: in no queue, waiting to be served, or set aside until the next turn. */
    private enum Place { IDLE, WAITING, NEXT_TURN }

    /** One connection's frames in arrival order, the serving time it has had, and its place. */
    private static final class Connection {
        final long conn;
        final ArrayDeque<Frame> frames = new ArrayDeque<>();
        Place place = Place.IDLE;
        boolean parked;
        /** Nanoseconds of serving so far, shifted by the idle credit rule: what {@link #waiting} orders by. */
        long served;
        /** When it last joined {@link #waiting}: the longest waiting goes first among equals. */
        long ticket;
        long servedInTurn;
        long turn;
        /** The last frame served was its CLOSED. */
        boolean closed;

        Connection(long conn, long served) {
            this.conn = conn;
            this.served = served;
        }
    }

    private final LongObjectHashMap<Connection> connections = new LongObjectHashMap<>();
    /** Connections with frames to serve; a parked one stays until its visit drops it. */
    private final PriorityQueue<Connection> waiting = new PriorityQueue<>(
            Comparator.<Connection>comparingLong(connection -> connection.served)
                    .thenComparingLong(connection -> connection.ticket));
    /** Connections that had their share of this turn: they wait again from the next one. */
    private final ArrayDeque<Connection> nextTurn = new ArrayDeque<>();
    private final Consumer<Frame> work;
    private final Consumer<Runnable> nextTurnExecutor;
    private final Reading reading;
    private final LongSupplier nanoClock;
    private final LongSupplier cpuClock;
    private final Limits limits;
    private final long workNanosPerTurn;
    private final long visitNanos;
    private final long idleCreditNanos;
    /** The serving time of the connection served last: connections that become busy join relative to it. */
    private long servedNow;
    private long tickets;
    private int queuedFrames;
    private long queuedBytes;
    private long turn;
    private boolean turnScheduled;
    private boolean paused;
    private boolean frozen;
    /** The answers' way out is full: turns serve nothing until it is not ({@link #waitForOutput}). */
    private boolean waitingForOutput;
    /** The wall clock and the CPU clock read together: where the time off the CPU is counted from. */
    private long wallMark;
    private long cpuMark;

    /**
     * @param nextTurnExecutor runs a task in a later turn of the loop, after its pending I/O ({@link NextTurn})
     * @param nanoClock the wall clock, for the limits of visits and turns
     * @param cpuClock the CPU time of the thread that runs the turns ({@link ThreadCpuTime}), for what each frame is
     *     charged; where the JVM does not measure it, the wall clock (each frame is then charged about its wall time)
     */
    FairTurns(Consumer<Frame> work, Consumer<Runnable> nextTurnExecutor, Reading reading, LongSupplier nanoClock,
              LongSupplier cpuClock, Limits limits) {
        this.work = Objects.requireNonNull(work, "work");
        this.nextTurnExecutor = Objects.requireNonNull(nextTurnExecutor, "nextTurnExecutor");
        this.reading = Objects.requireNonNull(reading, "reading");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.cpuClock = Objects.requireNonNull(cpuClock, "cpuClock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.workNanosPerTurn = limits.workPerTurn().toNanos();
        this.visitNanos = limits.perVisit().toNanos();
        this.idleCreditNanos = limits.idleCredit().toNanos();
    }

    /**
     * Queues a REQUEST or CLOSED frame; it is served in a coming turn, after its connection's earlier frames. After a
     * CLOSED the connection is forgotten (the proxy never reuses a conn).
     */
    void add(Frame frame) {
        Connection connection = connection(connOf(frame));
        connection.frames.addLast(frame);
        queuedFrames++;
        queuedBytes += sizeOf(frame);
        becomeBusy(connection);
        if (!paused && (queuedFrames >= limits.pauseAtFrames() || queuedBytes >= limits.pauseAtBytes())) {
            paused = true;
            reading.pause();
        }
    }

    /**
     * Turns skip {@code conn} from now until {@link #unpark}; its frames keep queuing in order. For a connection with
     * work under way elsewhere: its later requests must wait for that work's answer (answers in request order per
     * connection), while the others are served.
     */
    void park(long conn) {
        connection(conn).parked = true;
    }

    /** Turns serve {@code conn} again, from its oldest queued frame. A connection not parked is left as it is. */
    void unpark(long conn) {
        unpark(conn, 0);
    }

    /**
     * {@link #unpark(long)}, charging the connection {@code servedElsewhereNanos} of serving done for it while it was
     * parked (a scan on another thread): a client whose requests run elsewhere must not look idle to the fairness rule.
     */
    void unpark(long conn, long servedElsewhereNanos) {
        Connection connection = connections.get(conn);
        if (connection == null || !connection.parked) {
            return;
        }
        connection.parked = false;
        connection.served += Math.max(0, servedElsewhereNanos);
        becomeBusy(connection);
    }

    /**
     * Drops every queued frame (the link they came from is gone: the proxy sends them again) and lets reading go on.
     * Parked connections stay parked: whatever parked them is still under way and unparks them.
     */
    void clear() {
        waiting.clear();
        nextTurn.clear();
        connections.values().removeIf(connection -> {
            connection.frames.clear();
            connection.place = Place.IDLE;
            return !connection.parked;
        });
        queuedFrames = 0;
        queuedBytes = 0;
        resumeReading();
    }

    /**
     * Turns serve nothing from now until {@link #thaw}: frames keep queuing (and reading stops at the pause marks as
     * usual). For a moment when nothing may change the state, e.g. while SAVE_FILE is written on SHUTDOWN.
     */
    void freeze() {
        frozen = true;
    }

    /** Turns serve again, from where they stopped at {@link #freeze}. */
    void thaw() {
        if (frozen) {
            frozen = false;
            if (!waiting.isEmpty()) {
                scheduleTurn();
            }
        }
    }

    boolean frozen() {
        return frozen;
    }

    /**
     * While {@code wait}, turns serve nothing, and a turn under way stops after its frame: the answers already made
     * wait to go out (the proxy takes them more slowly than they are made), and each frame served would add to them
     * in memory. Frames keep queuing meanwhile, and reading stops at the pause marks as usual.
     */
    void waitForOutput(boolean wait) {
        if (waitingForOutput == wait) {
            return;
        }
        waitingForOutput = wait;
        if (!wait && !waiting.isEmpty()) {
            scheduleTurn();
        }
    }

    boolean waitsForOutput() {
        return waitingForOutput;
    }

    /** Frames waiting for a turn, parked connections' included. */
    int queued() {
        return queuedFrames;
    }

    /** True while the link is not read because too much is queued. */
    boolean paused() {
        return paused;
    }

    boolean parked(long conn) {
        Connection connection = connections.get(conn);
        return connection != null && connection.parked;
    }

    /**
     * Connections remembered: every connection with frames since its CLOSED or the last {@link #clear}, idle ones too
     * (their serving time decides how soon they are served when they send again), so at most the proxy's clients.
     */
    int connections() {
        return connections.size();
    }

    private Connection connection(long conn) {
        Connection connection = connections.get(conn);
        if (connection == null) {
            connection = newConnection(conn);
            connections.put(conn, connection);
        }
        return connection;
    }

    private Connection newConnection(long conn) {
        return new Connection(conn, servedNow - idleCreditNanos);
    }

    /** Lets a connection with frames wait for its turn, unless it waits already or is parked. */
    private void becomeBusy(Connection connection) {
        if (connection.place != Place.IDLE || connection.parked || connection.frames.isEmpty()) {
            return;
        }
        // it cannot bank more than the idle credit: a long idle connection is not owed the time it did not use
        connection.served = Math.max(connection.served, servedNow - idleCreditNanos);
        wait(connection);
        scheduleTurn();
    }

    private void wait(Connection connection) {
        connection.place = Place.WAITING;
        connection.ticket = tickets++;
        waiting.add(connection);
    }

    private void scheduleTurn() {
        if (!turnScheduled && !frozen && !waitingForOutput) {
            turnScheduled = true;
            nextTurnExecutor.accept(this::runTurn);
        }
    }

    private void runTurn() {
        turnScheduled = false;
        if (frozen || waitingForOutput) {
            return; // thaw, or the output's release, schedules the next turn
        }
        turn++;
        long started = nanoClock.getAsLong();
        wallMark = started;
        cpuMark = cpuClock.getAsLong();
        long now = started; // one clock reading per frame: it ends one frame's time and starts the next one's
        int served = 0;
        try {
            while (!waiting.isEmpty() && served < limits.perTurn() && now - started < workNanosPerTurn
                    && !waitingForOutput) {
                Connection connection = waiting.poll();
                if (connection.parked) {
                    connection.place = Place.IDLE; // unpark lets it wait again
                    continue;
                }
                servedNow = Math.max(servedNow, connection.served);
                long visitStarted = now;
                try {
                    do {
                        served++;
                        now = serveOne(connection, now);
                    } while (served < limits.perTurn() && now - started < workNanosPerTurn
                            && now - visitStarted < visitNanos && mayGoOn(connection) && !waitingForOutput);
                } finally {
                    placeAfterVisit(connection);
                }
            }
        } finally {
            while (!nextTurn.isEmpty()) {
                wait(nextTurn.pollFirst());
            }
            if (queuedFrames <= limits.resumeAtFrames() && queuedBytes <= limits.resumeAtBytes()) {
                resumeReading();
            }
            if (!waiting.isEmpty()) {
                scheduleTurn();
            }
        }
    }

    /**
     * Serves the connection's oldest frame and charges it the serving time since {@code startedNanos} (its wall time,
     * less what was spent off the CPU: the class comment); returns when it ended (wall clock).
     */
    private long serveOne(Connection connection, long startedNanos) {
        Frame frame = connection.frames.pollFirst();
        queuedFrames--;
        queuedBytes -= sizeOf(frame);
        connection.closed = frame instanceof Frame.Closed;
        if (connection.turn != turn) {
            connection.turn = turn;
            connection.servedInTurn = 0;
        }
        connection.servedInTurn++;
        long finished;
        try {
            work.accept(frame); // may park, unpark or add, and may throw
        } finally {
            finished = nanoClock.getAsLong();
            connection.served += servingTime(startedNanos, finished);
        }
        return finished;
    }

    /** What a frame served from {@code startedNanos} to {@code finishedNanos} (wall clock) is charged; at least 1. */
    private long servingTime(long startedNanos, long finishedNanos) {
        long wall = finishedNanos - startedNanos;
        if (wall > OFF_CPU_CHECK_NANOS) {
            long cpu = cpuClock.getAsLong();
            // a negative reading: the JVM stopped measuring thread CPU time (it can be turned off at run time)
            long offCpu = cpu < 0 || cpuMark < 0 ? 0 : (finishedNanos - wallMark) - (cpu - cpuMark);
            wallMark = finishedNanos;
            cpuMark = cpu;
            wall -= Math.min(Math.max(0, offCpu), wall);
        }
        return Math.max(1, wall);
    }

    /** Whether the visit may serve this connection's next frame: it has one, and nothing ended or parked it. */
    private boolean mayGoOn(Connection connection) {
        return !connection.parked && !connection.closed && !connection.frames.isEmpty()
                && connection.servedInTurn < limits.perConnectionPerTurn()
                && connections.get(connection.conn) == connection; // not cleared meanwhile
    }

    /** Puts a connection where it belongs after its visit: waiting, set aside for the next turn, idle or forgotten. */
    private void placeAfterVisit(Connection connection) {
        connection.place = Place.IDLE;
        if (connection.parked || connections.get(connection.conn) != connection) {
            return; // unpark lets it wait again; a cleared one is gone
        }
        if (connection.frames.isEmpty()) {
            if (connection.closed) {
                connections.remove(connection.conn); // the proxy never reuses a conn
            }
        } else if (connection.servedInTurn < limits.perConnectionPerTurn()) {
            wait(connection);
        } else {
            connection.place = Place.NEXT_TURN;
            nextTurn.addLast(connection);
        }
    }

    private void resumeReading() {
        if (paused) {
            paused = false;
            reading.resume();
        }
    }

    private static long connOf(Frame frame) {
        if (frame instanceof Frame.Request request) {
            return request.conn();
        }
        if (frame instanceof Frame.Closed closed) {
            return closed.conn();
        }
        throw new IllegalArgumentException("expected a REQUEST or CLOSED frame, found " + frame.type());
    }

    /** What a frame counts toward the pause mark in bytes: its request line (CLOSED: nothing). */
    private static int sizeOf(Frame frame) {
        return frame instanceof Frame.Request request ? request.line().readableBytes() : 0;
    }
}
