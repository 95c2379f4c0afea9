package tuplespace.replication;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * The answer-release rule (docs/design.md "Nothing leaves before the backup has it"): every answer depends on a
 * replication index (an update on its own, a read on the highest index applied when it was evaluated); answers leave in
 * the order they were offered, each only once the index it depends on is safe: acknowledged by the backup (while
 * holding for it: sync replication with a live backup) and logged on this node's disk (while holding for the disk: a
 * data directory, where "logged" is as the {@code --fsync} mode counts it: forced with {@code always}, written to the
 * operating system with {@code everysec} and {@code no}). Both hold at once with sync replication and a data
 * directory: an answer waits for the later of the two, and with {@code always} the backup's fsync and the primary's
 * run side by side.
 *
 * <p>An answer that depends on nothing unsafe may overtake the held answers of <em>other</em> connections (never its
 * own connection's: answers come in request order, docs/protocol.md) when the release knows each answer's connection:
 * an update refused while the disk fails is answered at once, not behind updates waiting for that disk.
 *
 * <p>The disk may fail for long (a full disk): from {@link #giveUpOnDisk} until {@link #waitForDiskAgain} answers do
 * not wait for it, and each update's whose index the log does not hold goes as an answer that says its outcome is
 * unknown.
 *
 * <p>While holding for neither (async replication, or no live backup: serving goes on,
 * docs/design.md "Nothing leaves before the backup has it"; and no data directory) answers leave at once, still in
 * order: anything held when holding stops is released first.
 *
 * @param <T> the answer as the transport sends it
 */
public final class AnswerRelease<T> {

    /** A held answer: an update's depends on its own index ({@code update}), anything else's on what it saw. */
    private record Held<T>(long dependsOn, T answer, boolean update) {
    }

    private final ArrayDeque<Held<T>> held = new ArrayDeque<>();
    private final Consumer<T> release;
    /** The connection of an answer, or null: then answers leave strictly in the order offered. */
    private final ToLongFunction<T> connectionOf;
    private final Map<Long, Integer> heldPerConnection = new HashMap<>();
    private boolean holding;
    private long acknowledged;
    private boolean holdingForDisk;
    private long logged;
    /** While giving up on the disk: makes an update's answer one that says its outcome is unknown; else null. */
    private UnaryOperator<T> unlogged;
    /** The highest index an answer released so far depended on; -1 before the first. */
    private long highestReleased = -1;

    public AnswerRelease(Consumer<T> release) {
        this(release, null);
    }

    /**
     * Answers of one connection (by {@code connectionOf}) leave in order; a safe one may overtake other connections'.
     */
    public AnswerRelease(Consumer<T> release, ToLongFunction<T> connectionOf) {
        this.release = release;
        this.connectionOf = connectionOf;
    }

    /** Offers the next answer, not an update's; it leaves now or once {@code dependsOn} is safe. */
    public void offer(long dependsOn, T answer) {
        offer(new Held<>(dependsOn, answer, false));
    }

    /** Offers the answer of the update of index {@code index}; it leaves now or once that index is safe. */
    public void offerUpdate(long index, T answer) {
        offer(new Held<>(index, answer, true));
    }

    private void offer(Held<T> next) {
        T answer = next.answer();
        if (next.dependsOn() <= safe() && (held.isEmpty() || mayOvertake(answer))) {
            send(next);
            return;
        }
        held.addLast(next);
        if (connectionOf != null) {
            heldPerConnection.merge(connectionOf.applyAsLong(answer), 1, Integer::sum);
        }
    }

    private boolean mayOvertake(T answer) {
        return connectionOf != null && !heldPerConnection.containsKey(connectionOf.applyAsLong(answer));
    }

    /** The backup acknowledged every index up to {@code index} (acks are cumulative). */
    public void acknowledged(long index) {
        if (index > acknowledged) {
            acknowledged = index;
        }
        releaseSafe();
    }

    /** This node's log holds every index up to {@code index} as its fsync mode requires (cumulative too). */
    public void logged(long index) {
        if (index > logged) {
            logged = index;
        }
        releaseSafe();
    }

    /**
     * Stops waiting for the disk (it failed long ago) until {@link #waitForDiskAgain}: answers leave as the backup
     * allows, in order, the held ones at once; an update's whose index the log does not hold goes as {@code unlogged}
     * makes it (an answer that says its outcome is unknown), and does not count as released.
     */
    public void giveUpOnDisk(UnaryOperator<T> unlogged) {
        this.unlogged = unlogged;
        releaseSafe();
    }

    /** The disk writes again: answers wait for it again. */
    public void waitForDiskAgain() {
        unlogged = null;
    }

    /** A live backup acknowledged up to {@code index}: from now on answers wait for its acknowledgement. */
    public void startHolding(long index) {
        holding = true;
        acknowledged = index;
    }

    /** From now on answers wait until this node's log holds what they depend on; it holds up to {@code index} now. */
    public void startHoldingForDisk(long index) {
        holdingForDisk = true;
        logged = Math.max(logged, index);
    }

    /** No backup to wait for: releases every held answer the disk allows, in order, and lets later ones go sooner. */
    public void stopHolding() {
        holding = false;
        releaseSafe();
    }

    /** Nothing to wait for any more (the state is saved elsewhere): releases every held answer, in order. */
    public void releaseAll() {
        holding = false;
        holdingForDisk = false;
        unlogged = null;
        releaseSafe();
    }

    public boolean holding() {
        return holding;
    }

    public int heldCount() {
        return held.size();
    }

    /**
     * The highest index an answer already released depended on (-1: none yet): a backup must hold it before it may be
     * named the replica, since answers released while nothing held for a backup are out already.
     */
    public long highestReleased() {
        return highestReleased;
    }

    public long acknowledgedIndex() {
        return acknowledged;
    }

    /** The highest index an answer may depend on and leave now. */
    private long safe() {
        long safe = Long.MAX_VALUE;
        if (holding) {
            safe = acknowledged;
        }
        if (holdingForDisk && unlogged == null) {
            safe = Math.min(safe, logged);
        }
        return safe;
    }

    private void releaseSafe() {
        long safe = safe();
        while (!held.isEmpty() && held.peekFirst().dependsOn() <= safe) {
            Held<T> next = held.pollFirst();
            forget(next.answer());
            send(next);
        }
    }

    private void send(Held<T> next) {
        if (unlogged != null && next.update() && next.dependsOn() > logged) {
            release.accept(unlogged.apply(next.answer()));
            return;
        }
        highestReleased = Math.max(highestReleased, next.dependsOn());
        release.accept(next.answer());
    }

    /** {@code answer} is no longer held. */
    private void forget(T answer) {
        if (connectionOf != null) {
            heldPerConnection.computeIfPresent(connectionOf.applyAsLong(answer),
                    (conn, count) -> count == 1 ? null : count - 1);
        }
    }
}
