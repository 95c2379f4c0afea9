package tuplespace.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HeartbeatMonitorTest {

    private static final long MS = 1_000_000L;
    /** A fake ticker: virtual time the test moves by hand. */
    private long now = 5_000 * MS;

    private final HeartbeatMonitor monitor = new HeartbeatMonitor(Duration.ofMillis(50), 4, now);

    @Test
    void aPeerIsFineUntilMoreThanTheAllowedIntervalsPassInSilence() {
        monitor.onHeartbeat(now);
        now += 4 * 50 * MS;
        assertThat(monitor.missed(now)).isEqualTo(4);
        assertThat(monitor.failed(now)).isFalse();
        now += 50 * MS;
        assertThat(monitor.missed(now)).isEqualTo(5);
        assertThat(monitor.failed(now)).isTrue();
    }

    @Test
    void aPeerThatAnnouncedLongWorkIsFineUntilItsEndThenTheAllowanceRunsFromThere() {
        monitor.onHeartbeat(now);
        monitor.busyUntil(now + 2_000 * MS);
        now += 2_000 * MS + 4 * 50 * MS;
        assertThat(monitor.failed(now)).isFalse();
        now += 50 * MS;
        assertThat(monitor.failed(now)).isTrue();
    }

    @Test
    void aHeartbeatRestartsTheCount() {
        now += 220 * MS;
        monitor.onHeartbeat(now);
        now += 199 * MS;
        assertThat(monitor.missed(now)).isEqualTo(3);
        assertThat(monitor.failed(now)).isFalse();
    }

    @Test
    void aStaleHeartbeatDoesNotMoveTimeBackwards() {
        long later = now + 240 * MS;
        monitor.onHeartbeat(later);
        monitor.onHeartbeat(now + 10 * MS); // delivered late, stamped earlier
        assertThat(monitor.missed(later + 100 * MS)).isEqualTo(2);
    }

    @Test
    void worksAcrossTheSignOfTheNanoClock() {
        long start = Long.MAX_VALUE - 100 * MS; // nanoTime may be anywhere, even about to wrap
        HeartbeatMonitor wrapping = new HeartbeatMonitor(Duration.ofMillis(50), 2, start);
        assertThat(wrapping.failed(start + 149 * MS)).isFalse();
        assertThat(wrapping.failed(start + 150 * MS)).isTrue();
    }

    @Test
    void aFreshPeerGetsItsGraceOnlyUntilItsFirstHeartbeat() {
        HeartbeatMonitor fresh = new HeartbeatMonitor(Duration.ofMillis(50), 4, now, Duration.ofSeconds(10));
        assertThat(fresh.failed(now + 9_000 * MS)).isFalse(); // a cold JVM is still starting
        assertThat(fresh.failed(now + 10_001 * MS)).isTrue();
        HeartbeatMonitor heard = new HeartbeatMonitor(Duration.ofMillis(50), 4, now, Duration.ofSeconds(10));
        heard.onHeartbeat(now + 100 * MS);
        assertThat(heard.failed(now + 349 * MS)).isFalse();
        assertThat(heard.failed(now + 350 * MS)).isTrue(); // after first contact the normal allowance applies
    }

    @Test
    void otherTrafficKeepsThePeerAliveButDoesNotEndTheGrace() {
        HeartbeatMonitor fresh = new HeartbeatMonitor(Duration.ofMillis(100), 10, now, Duration.ofSeconds(10));
        fresh.onActivity(now + 200 * MS); // the snapshot's end, say, before the peer's heartbeats start
        assertThat(fresh.failed(now + 2_000 * MS)).isFalse(); // 18 intervals of silence: still within the grace
        assertThat(fresh.failed(now + 10_199 * MS)).isFalse(); // the grace counts from the last sign of life
        assertThat(fresh.failed(now + 10_200 * MS)).isTrue();
        fresh.onHeartbeat(now + 10_300 * MS);
        assertThat(fresh.failed(now + 11_399 * MS)).isFalse();
        assertThat(fresh.failed(now + 11_400 * MS)).isTrue(); // heartbeats flow: the normal allowance
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThatThrownBy(() -> new HeartbeatMonitor(Duration.ZERO, 4, 0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new HeartbeatMonitor(Duration.ofMillis(50), 0, 0)).hasMessageContaining("found 0");
    }
}
