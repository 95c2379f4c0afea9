package tuplespace.node.persistence;

import java.time.Duration;
import java.util.Objects;
import tuplespace.failure.Ticker;

/**
 * How a {@link WriteAheadLog} writes: the fsync mode, when a segment is full, how often {@link FsyncMode#EVERYSEC}
 * forces and how soon a failed file is rewritten, the clock those intervals are measured with, and how files are
 * opened (tests inject a channel that fails).
 */
public record LogOptions(FsyncMode fsync, long maxSegmentBytes, Duration forceInterval, Duration retryInterval,
                         Ticker ticker, ChannelOpener opener) {

    /**
     * A segment's whole content is also kept in memory, to rewrite it after a failure: this bounds that memory, and
     * snapshots roll segments far more often anyway.
     */
    public static final long DEFAULT_MAX_SEGMENT_BYTES = 32L << 20;

    public LogOptions {
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(opener, "opener");
        if (maxSegmentBytes < FilePrefix.LENGTH + 1) {
            throw new IllegalArgumentException("expected a segment size above " + FilePrefix.LENGTH + " bytes, found " + maxSegmentBytes);
        }
        if (forceInterval.isNegative() || retryInterval.isNegative()) {
            throw new IllegalArgumentException("expected intervals >= 0, found " + forceInterval + " and " + retryInterval);
        }
    }

    /** The production defaults for {@code fsync}: 32 MiB segments, a force a second (everysec), a retry a second. */
    public static LogOptions of(FsyncMode fsync) {
        return new LogOptions(fsync, DEFAULT_MAX_SEGMENT_BYTES, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Ticker.SYSTEM, ChannelOpener.DEFAULT);
    }

    public LogOptions withMaxSegmentBytes(long bytes) {
        return new LogOptions(fsync, bytes, forceInterval, retryInterval, ticker, opener);
    }

    public LogOptions withTicker(Ticker clock) {
        return new LogOptions(fsync, maxSegmentBytes, forceInterval, retryInterval, clock, opener);
    }

    public LogOptions withOpener(ChannelOpener files) {
        return new LogOptions(fsync, maxSegmentBytes, forceInterval, retryInterval, ticker, files);
    }
}
