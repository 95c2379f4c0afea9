package tuplespace.replication;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The answer-release rule (DESIGN "Answering"): every answer depends on a replication index (an update
 * on its own, a read on the highest index applied when it was evaluated); answers leave in the order
 * they were offered, each only once the backup has acknowledged the index it depends on.
 *
 * <p>While not holding (async replication, or no live backup: SPEC §4 says serving goes on) answers
 * leave at once, still in order: anything held when holding stops is released first.
 *
 * @param <T> the answer as the transport sends it
 */
public final class AnswerRelease<T> {

    private record Held<T>(long dependsOn, T answer) {
    }

    private final ArrayDeque<Held<T>> held = new ArrayDeque<>();
    private final Consumer<T> release;
    private boolean holding;
    private long acknowledged;

    public AnswerRelease(Consumer<T> release) {
        this.release = release;
    }

    /** Offers the next answer; it leaves now or once {@code dependsOn} is acknowledged. */
    public void offer(long dependsOn, T answer) {
        if (!holding || (held.isEmpty() && dependsOn <= acknowledged)) {
            release.accept(answer);
            return;
        }
        held.addLast(new Held<>(dependsOn, answer));
    }

    /** The backup acknowledged every index up to {@code index} (acks are cumulative). */
    public void acknowledged(long index) {
        if (index > acknowledged) {
            acknowledged = index;
        }
        while (!held.isEmpty() && held.peekFirst().dependsOn() <= acknowledged) {
            release.accept(held.pollFirst().answer());
        }
    }

    /** A live backup acknowledged up to {@code index}: from now on answers wait for its acknowledgement. */
    public void startHolding(long index) {
        holding = true;
        acknowledged = index;
    }

    /** No backup to wait for: releases every held answer, in order, and lets later ones go at once. */
    public void stopHolding() {
        holding = false;
        while (!held.isEmpty()) {
            release.accept(held.pollFirst().answer());
        }
    }

    public boolean holding() {
        return holding;
    }

    public int heldCount() {
        return held.size();
    }

    public long acknowledgedIndex() {
        return acknowledged;
    }
}
