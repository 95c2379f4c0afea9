package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TakeoverTimelineTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(TakeoverTimeline.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    TakeoverTimelineTest() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    /** The takeover ends with the first answer: a registration after it, the proxy link found again, is no step. */
    @Test
    void stepsAreLoggedUntilTheFirstAnswerAndNotAfter() {
        TakeoverTimeline timeline = TakeoverTimeline.startingNow();
        timeline.step("connected to the proxy, REGISTER sent");
        timeline.answerSent();
        timeline.answerSent();
        timeline.step("connected to the proxy, REGISTER sent");
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).hasSize(2)
                .satisfiesExactly(line -> assertThat(line).endsWith("ms: connected to the proxy, REGISTER sent"),
                        line -> assertThat(line).endsWith("ms: first answer sent to the proxy"));
    }

    /** A first answer long after the registration says why it may be late, not that the failover took that long. */
    @Test
    void aFirstAnswerLongAfterTheLastStepSaysNoRequestCameSooner() {
        long[] now = {0};
        TakeoverTimeline timeline = TakeoverTimeline.startingNow(() -> now[0]);
        now[0] = TimeUnit.MILLISECONDS.toNanos(40);
        timeline.step("registered with the proxy");
        now[0] = TimeUnit.MILLISECONDS.toNanos(10_613);
        timeline.answerSent();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "takeover +40.0 ms: registered with the proxy",
                "takeover +10613.0 ms: first answer sent to the proxy, 10573.0 ms after the step before (no request"
                        + " came sooner, or the first waited: the takeover's own steps ended there)");
    }
}
