package tuplespace.bench.durability;

import java.util.List;

/**
 * Restarts of a stopped service holding {@code pairs} pairs on disk.
 *
 * @param startToServingMillis one figure per repetition: the server process started → the first exact GET answered
 * @param dataBytes the files it loaded (tuplespace: snapshot and log; Redis: the RDB file)
 * @param what what was on disk, for the report
 */
public record RecoveryResult(String system, int pairs, List<Double> startToServingMillis, long dataBytes, String what) {

    public RecoveryResult {
        startToServingMillis = List.copyOf(startToServingMillis);
    }
}
