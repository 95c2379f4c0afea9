package tuplespace.node;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * The proxy's frames, served fairly between client connections in bounded turns of the event loop (DESIGN
 * "Threads"). Each connection has its own queue, in arrival order: answers come back in request order per
 * connection, and a connection's CLOSED must not overtake its requests (the exactly-once bookkeeping of
 * {@link ExactlyOnceRequests}). A turn visits the connections with work round-robin, one frame per visit, at most
 * {@link Limits#perConnectionPerTurn} frames of one connection and {@link Limits#perTurn} frames or about
 * {@link Limits#workPerTurn} in all; the round goes on in the next turn where this one stopped. So one connection's
 * backlog delays another connection's request by about one frame per busy connection, not by the whole backlog;
 * and between turns the loop does its I/O, heartbeats and the backup's acknowledgements. Without the turn bounds,
 * 40 pipelined expensive GETs kept the loop busy for seconds and the backup fenced a healthy primary; without the
 * fairness, a well-behaved client's exact GET waited behind every slow reader's backlog of 70 KB answers.
 *
 * <p>Reading from the link stops once {@link Limits#pauseAtFrames} frames or {@link Limits#pauseAtBytes} are queued
 * and goes on once they are down to the resume marks: not only when everything is served, because a parked
 * connection may keep frames queued for long, and every connection's requests must be read to be served fairly.
 *
 * <p>A connection can be {@linkplain #park parked}: it keeps queuing, turns skip it, until it is
 * {@linkplain #unpark unparked}, e.g. while one of its requests runs elsewhere; the others are served meanwhile.
 *
 * <p>Runs on the one event loop that owns the node; single-threaded, no locks.
 *
 * @param <T> one frame from the proxy
 */
final class FairTurns<T> {

    /**
     * How much a turn does and how much waits before the link stops being read.
     *
     * @param perTurn frames a turn serves at most, over all connections
     * @param workPerTurn about this much serving per turn at most (one frame may take its match budget on its own)
     * @param perConnectionPerTurn frames of one connection a turn serves at most: a connection that arrives during a
     *     turn waits for at most this many frames of each busy connection before the loop reads it
     * @param pauseAtFrames stop reading the link at this many queued frames ...
     * @param resumeAtFrames ... and read it again at this many or fewer (and bytes at or below theirs)
     * @param pauseAtBytes stop reading the link at this many queued bytes (as the size function counts them) ...
     * @param resumeAtBytes ... and read it again at this many or fewer (and frames at or below theirs)
     */
    record Limits(int perTurn, Duration workPerTurn, int perConnectionPerTurn, int pauseAtFrames, int resumeAtFrames,
                  long pauseAtBytes, long resumeAtBytes) {
        Limits {
            requireAtLeastOne("perTurn", perTurn);
            Objects.requireNonNull(workPerTurn, "workPerTurn");
            if (workPerTurn.isNegative() || workPerTurn.isZero()) {
                throw new IllegalArgumentException("workPerTurn: expected a positive duration, found " + workPerTurn);
            }
            requireAtLeastOne("perConnectionPerTurn", perConnectionPerTurn);
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

    /** One connection's frames in arrival order, and its place in the round. */
    private static final class Connection<T> {
        final long conn;
        final ArrayDeque<T> frames = new ArrayDeque<>();
        boolean parked;
        /** In {@link #round} or {@link #nextRound}; a parked connection stays there until its visit drops it. */
        boolean inRound;
        long servedInTurn;
        long turn;

        Connection(long conn) {
            this.conn = conn;
        }
    }

    private final Map<Long, Connection<T>> connections = new HashMap<>();
    /** Connections with frames to serve in this turn, in round-robin order. */
    private final ArrayDeque<Connection<T>> round = new ArrayDeque<>();
    /** Connections that had their share of this turn: they go on after {@link #round} in the next one. */
    private final ArrayDeque<Connection<T>> nextRound = new ArrayDeque<>();
    private final Consumer<T> work;
    private final ToIntFunction<T> sizeOf;
    private final Consumer<Runnable> nextTurn;
    private final Reading reading;
    private final LongSupplier nanoClock;
    private final Limits limits;
    private final long workNanosPerTurn;
    private int queuedFrames;
    private long queuedBytes;
    private long turn;
    private boolean turnScheduled;
    private boolean paused;

    /**
     * @param sizeOf what a frame counts toward {@link Limits#pauseAtBytes} (its request line's length)
     * @param nextTurn runs a task in a later turn of the loop, after its pending I/O (with Netty: {@code schedule}
     *     with no delay, not {@code execute}, which would run in the same batch of tasks)
     */
    FairTurns(Consumer<T> work, ToIntFunction<T> sizeOf, Consumer<Runnable> nextTurn, Reading reading,
              LongSupplier nanoClock, Limits limits) {
        this.work = Objects.requireNonNull(work, "work");
        this.sizeOf = Objects.requireNonNull(sizeOf, "sizeOf");
        this.nextTurn = Objects.requireNonNull(nextTurn, "nextTurn");
        this.reading = Objects.requireNonNull(reading, "reading");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.workNanosPerTurn = limits.workPerTurn().toNanos();
    }

    /** Queues {@code frame} of {@code conn}; it is served in a coming turn, after that connection's earlier frames. */
    void add(long conn, T frame) {
        Connection<T> connection = connections.computeIfAbsent(conn, Connection::new);
        connection.frames.addLast(Objects.requireNonNull(frame, "frame"));
        queuedFrames++;
        queuedBytes += sizeOf.applyAsInt(frame);
        joinRound(connection);
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
        connections.computeIfAbsent(conn, Connection::new).parked = true;
    }

    /** Turns serve {@code conn} again, from its oldest queued frame. A connection not parked is left as it is. */
    void unpark(long conn) {
        Connection<T> connection = connections.get(conn);
        if (connection == null || !connection.parked) {
            return;
        }
        connection.parked = false;
        if (connection.frames.isEmpty()) {
            connections.remove(conn);
        } else {
            joinRound(connection);
        }
    }

    /**
     * Drops every queued frame (the link they came from is gone: the proxy sends them again) and lets reading go on.
     * Parked connections stay parked: whatever parked them is still under way and unparks them.
     */
    void clear() {
        round.clear();
        nextRound.clear();
        connections.values().removeIf(connection -> {
            connection.frames.clear();
            connection.inRound = false;
            return !connection.parked;
        });
        queuedFrames = 0;
        queuedBytes = 0;
        resumeReading();
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
        Connection<T> connection = connections.get(conn);
        return connection != null && connection.parked;
    }

    /** Puts a connection with frames in the round (at its end) unless it is there already or parked. */
    private void joinRound(Connection<T> connection) {
        if (!connection.inRound && !connection.parked) {
            connection.inRound = true;
            round.addLast(connection);
            scheduleTurn();
        }
    }

    private void scheduleTurn() {
        if (!turnScheduled) {
            turnScheduled = true;
            nextTurn.accept(this::runTurn);
        }
    }

    private void runTurn() {
        turnScheduled = false;
        turn++;
        long started = nanoClock.getAsLong();
        int served = 0;
        try {
            while (!round.isEmpty() && served < limits.perTurn()
                    && nanoClock.getAsLong() - started < workNanosPerTurn) {
                T frame = nextFrame(round.pollFirst());
                if (frame != null) {
                    served++;
                    work.accept(frame); // last: it may park, unpark or add, and may throw
                }
            }
        } finally {
            round.addAll(nextRound);
            nextRound.clear();
            if (queuedFrames <= limits.resumeAtFrames() && queuedBytes <= limits.resumeAtBytes()) {
                resumeReading();
            }
            if (!round.isEmpty()) {
                scheduleTurn();
            }
        }
    }

    /**
     * Takes the visited connection's next frame and puts the connection back in the round (or in the next turn's, once
     * it had its share of this one) if it has more; null for a parked connection, which leaves the round.
     */
    private T nextFrame(Connection<T> connection) {
        if (connection.parked || connection.frames.isEmpty()) {
            connection.inRound = false;
            return null;
        }
        T frame = connection.frames.pollFirst();
        queuedFrames--;
        queuedBytes -= sizeOf.applyAsInt(frame);
        if (connection.turn != turn) {
            connection.turn = turn;
            connection.servedInTurn = 0;
        }
        connection.servedInTurn++;
        if (connection.frames.isEmpty()) {
            connection.inRound = false;
            connections.remove(connection.conn);
        } else if (connection.servedInTurn < limits.perConnectionPerTurn()) {
            round.addLast(connection);
        } else {
            nextRound.addLast(connection);
        }
        return frame;
    }

    private void resumeReading() {
        if (paused) {
            paused = false;
            reading.resume();
        }
    }
}
