package tuplespace.bench.failover;

import java.util.Arrays;

/**
 * The answer times of a writer around a kill, and the unavailability they show: the longest silence between two
 * consecutive answers (from all connections) that ends after the kill — "last answer before → first answer after".
 */
public record AnswerTimeline(long killNanos, long gapStartNanos, long gapEndNanos) {

    public AnswerTimeline {
        if (gapEndNanos < gapStartNanos) {
            throw new IllegalArgumentException("expected the gap to end after it starts, found " + gapStartNanos + " > " + gapEndNanos);
        }
    }

    /**
     * @param answerNanos every answer's time ({@link System#nanoTime()}), any order
     * @param killNanos when the primary was killed
     * @throws IllegalArgumentException when no answer came after the kill (no recovery to measure)
     */
    public static AnswerTimeline of(long[] answerNanos, long killNanos) {
        long[] sorted = answerNanos.clone();
        Arrays.sort(sorted);
        int firstAfter = firstIndexAfter(sorted, killNanos);
        if (firstAfter == sorted.length) {
            throw new IllegalArgumentException("no answer came after the kill: the system did not recover");
        }
        long bestStart = firstAfter == 0 ? killNanos : sorted[firstAfter - 1];
        long bestEnd = sorted[firstAfter];
        // Later silences count too: a new primary may answer a few held requests, then stall.
        for (int i = firstAfter + 1; i < sorted.length; i++) {
            if (sorted[i] - sorted[i - 1] > bestEnd - bestStart) {
                bestStart = sorted[i - 1];
                bestEnd = sorted[i];
            }
        }
        return new AnswerTimeline(killNanos, bestStart, bestEnd);
    }

    /** Last answer before the silence → first answer after it. */
    public double unavailableMillis() {
        return (gapEndNanos - gapStartNanos) / 1e6;
    }

    /** kill -9 → the first answer after the silence. */
    public double killToFirstAnswerMillis() {
        return (gapEndNanos - killNanos) / 1e6;
    }

    private static int firstIndexAfter(long[] sorted, long time) {
        int index = Arrays.binarySearch(sorted, time + 1);
        return index >= 0 ? firstEqual(sorted, index) : -index - 1;
    }

    private static int firstEqual(long[] sorted, int index) {
        while (index > 0 && sorted[index - 1] == sorted[index]) {
            index--;
        }
        return index;
    }
}
