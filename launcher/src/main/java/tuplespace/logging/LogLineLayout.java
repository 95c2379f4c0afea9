package tuplespace.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.util.TimeZone;

/**
 * The fat jar's log line: {@code HH:mm:ss.SSS LEVEL role/pid message}, the time local, the level padded to five
 * characters, the identity from {@link ProcessIdentity}, then the stack trace of an event's exception, as logback
 * prints it. Written out by hand rather than with logback's {@code PatternLayout}, whose converter table, pattern
 * compiler and date formatter took 30-50 ms of every cold start on a 2-core machine: of each {@code ./tuplespace}
 * command and of a restarted server before it serves.
 */
final class LogLineLayout extends LayoutBase<ILoggingEvent> {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final ProcessIdentity identity = new ProcessIdentity();
    private final TimeZone zone;

    LogLineLayout() {
        this(TimeZone.getDefault());
    }

    /** Times in {@code zone}, for tests. */
    LogLineLayout(TimeZone zone) {
        this.zone = zone;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        appendTime(line, event.getTimeStamp());
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int pad = level.length(); pad < 5; pad++) {
            line.append(' ');
        }
        line.append(' ');
        identity.appendTo(line);
        line.append(' ').append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)); // each of its lines ends with a separator
        }
        return line.toString();
    }

    private void appendTime(StringBuilder line, long epochMillis) {
        long ofDay = Math.floorMod(epochMillis + zone.getOffset(epochMillis), MILLIS_PER_DAY);
        twoDigits(line, (int) (ofDay / 3_600_000L));
        line.append(':');
        twoDigits(line, (int) (ofDay / 60_000L % 60));
        line.append(':');
        twoDigits(line, (int) (ofDay / 1000 % 60));
        line.append('.');
        int millis = (int) (ofDay % 1000);
        line.append((char) ('0' + millis / 100));
        twoDigits(line, millis % 100);
    }

    private static void twoDigits(StringBuilder line, int value) {
        line.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
