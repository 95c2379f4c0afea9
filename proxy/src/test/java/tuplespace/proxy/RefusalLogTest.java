package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RefusalLogTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final RefusalLog log = new RefusalLog(now::get);

    @Test
    void theFirstRefusalIsLoggedThenAtMostOneLineAMinuteSayingHowManyCameMeanwhile() {
        assertThat(log.refused("refused client a")).contains("refused client a");
        for (int i = 0; i < 3_000; i++) {
            assertThat(log.refused("refused client b")).isEmpty();
        }
        now.addAndGet(RefusalLog.QUIET.toNanos() - 1);
        assertThat(log.refused("refused client c")).as("still within the minute").isEmpty();
        now.addAndGet(1);
        assertThat(log.refused("refused client d"))
                .contains("refused client d (and 3001 more clients refused so since the last such line)");
        now.addAndGet(RefusalLog.QUIET.toNanos());
        assertThat(log.refused("refused client e")).as("none held back since").contains("refused client e");
    }
}
