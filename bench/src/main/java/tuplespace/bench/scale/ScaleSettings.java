package tuplespace.bench.scale;

import java.time.Duration;
import java.util.Locale;
import tuplespace.bench.Profile;
import tuplespace.bench.process.Deadline;

/**
 * How big the scale part runs (issue "reads and deletes at scale"). {@link #FULL}: the 1,000,000 pairs.
 * {@link #QUICK}: 100,000, a power of ten like the million, so the prefix {@code k,1.*} covers the same ninth of the
 * keys (11,111 instead of 111,111) and the prefix-to-full ratio means the same (with 200,000 it would cover 56 %);
 * and 5 back-to-back reads during the latency probe instead of 10.
 * Kept beside the part rather than in {@link Profile} so that other parts added to the suite in parallel merge
 * without touching the same record.
 *
 * @param pairs one-field pairs loaded into each system, keys {@code k,0 .. k,<pairs-1>}
 * @param repetitions timed full and prefix reads (their median is reported), after one unmeasured read of each
 * @param loopScans back-to-back full reads while the latency probe runs
 * @param probeClients clients of the latency probe, each one small request at a time
 * @param probePause the pause of each probe client between an answer and its next request
 * @param allowance what the part adds to the run's time budget when it is selected: both systems, loading included,
 *     on the shared 2-core machine (a full read of a million pairs takes tens of seconds there when others build)
 */
public record ScaleSettings(int pairs, int repetitions, int loopScans, int probeClients, Duration probePause, int valueSize,
                            Duration allowance) {

    public static final ScaleSettings FULL = new ScaleSettings(1_000_000, 3, 10, 10, Duration.ofMillis(5), 20, Duration.ofMinutes(15));
    public static final ScaleSettings QUICK = new ScaleSettings(100_000, 3, 5, 10, Duration.ofMillis(5), 20, Duration.ofSeconds(90));

    public ScaleSettings {
        if (pairs < 1 || repetitions < 1 || loopScans < 1 || probeClients < 1 || valueSize < 1) {
            throw new IllegalArgumentException("expected positive counts, found " + pairs + " pairs, " + repetitions
                    + " repetitions, " + loopScans + " scans, " + probeClients + " probe clients, value size " + valueSize);
        }
        if (probePause.isNegative() || allowance.isNegative()) {
            throw new IllegalArgumentException("expected durations >= 0, found pause " + probePause + ", allowance " + allowance);
        }
    }

    public static ScaleSettings of(Profile profile) {
        return profile.name().equals(Profile.QUICK.name()) ? QUICK : FULL;
    }

    /**
     * Refuses to start one system's half of the part when less than a fifth of the allowance is left: that would not
     * load and read everything once (the budget is spent when the run's other parts overran).
     */
    public void requireTimeFor(String system, Deadline deadline) {
        if (!deadline.allows(allowance.dividedBy(5))) {
            throw new IllegalStateException("skipped " + system + ": the run's time budget is spent ("
                    + deadline.remaining().toSeconds() + " s left)");
        }
    }

    /** The prefix reads' and the DELETE's expected match count. */
    public long prefixMatches() {
        return ScaleKeys.prefixMatches(pairs);
    }

    /** For the report's environment list. */
    public String describe() {
        return String.format(Locale.ROOT, "%,d one-field pairs (%d-byte values), keys k,0 .. k,%d (Redis k:0 ..); "
                + "full read: tuplespace GET .* .*, Redis KEYS * then MGET of 1,000 keys at a time, all pipelined, "
                + "both timed to the last pair decoded in this JVM (client library / Jedis); prefix %s matches %,d; "
                + "median of %d after one unmeasured read; latency probe: %d clients, each an exact GET or a PUT "
                + "(Redis GET or SET + WAIT 1 0) at a time with %d ms pauses, while one client (a JVM of its own) reads everything "
                + "%d times back to back, after %d unmeasured reads of its own", pairs, valueSize, pairs - 1,
                ScaleKeys.PREFIX_KEYEXP, prefixMatches(), repetitions, probeClients, probePause.toMillis(), loopScans,
                ScanLoop.WARM_UP_READS);
    }
}
