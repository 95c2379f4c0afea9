package tuplespace.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class LogLineLayoutTest {

    private final LoggerContext context = new LoggerContext();
    private final LogLineLayout layout = started(new LogLineLayout());

    @Test
    void theLocalTimeTheLevelPaddedToFiveTheIdentityAndTheMessage() {
        // winter and summer time, a zone half an hour off, one before UTC, the last millisecond of a day
        long[] times = {0, 1_733_400_000_007L, 1_733_443_199_999L, 1_720_000_000_120L};
        for (String zone : new String[] {"UTC", "Europe/Berlin", "Asia/Kolkata", "America/New_York"}) {
            LogLineLayout zoned = started(new LogLineLayout(TimeZone.getTimeZone(zone)));
            for (long time : times) {
                LoggingEvent event = event(Level.INFO, "recovered {} pairs", 42, null);
                event.setTimeStamp(time);
                String expectedTime = LocalTime.ofInstant(Instant.ofEpochMilli(time), ZoneId.of(zone))
                        .format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS"));
                assertThat(zoned.doLayout(event)).as(zone).isEqualTo(expectedTime + " INFO  " + identity()
                        + " recovered 42 pairs" + System.lineSeparator());
            }
        }
        assertThat(layout.doLayout(event(Level.ERROR, "stopped", null, null))).contains(" ERROR " + identity() + " ");
        assertThat(layout.doLayout(event(Level.WARN, "lost", null, null))).contains(" WARN  " + identity() + " ");
    }

    @Test
    void anExceptionFollowsTheLineWithItsStackTraceAndItsCause() {
        IOException failure = new IOException("No space left on device", new IllegalStateException("the cause"));
        String text = layout.doLayout(event(Level.WARN, "cannot save", null, failure));

        assertThat(text.lines().findFirst().orElseThrow()).endsWith(" WARN  " + identity() + " cannot save");
        assertThat(text).contains(System.lineSeparator() + "java.io.IOException: No space left on device")
                .contains("\tat tuplespace.logging.LogLineLayoutTest.")
                .contains("Caused by: java.lang.IllegalStateException: the cause")
                .endsWith(System.lineSeparator())
                .doesNotContain(System.lineSeparator() + System.lineSeparator()); // no blank line, as logback's own
    }

    private LogLineLayout started(LogLineLayout layout) {
        layout.setContext(context);
        layout.start();
        return layout;
    }

    private LoggingEvent event(Level level, String message, Object argument, Throwable thrown) {
        return new LoggingEvent("x", context.getLogger("tuplespace.node"), level, message, thrown,
                argument == null ? null : new Object[] {argument});
    }

    private static String identity() {
        StringBuilder identity = new StringBuilder();
        new ProcessIdentity().appendTo(identity);
        return identity.toString();
    }
}
