package tuplespace.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogConfigurationTest {

    @Test
    void oneLinePerEventOnStderrWithTheProcessIdentity() {
        LoggerContext context = new LoggerContext();
        LogConfiguration configuration = new LogConfiguration();
        configuration.setContext(context);
        assertThat(configuration.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(stderr.isStarted()).isTrue();
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);

        @SuppressWarnings("unchecked")
        Encoder<Object> encoder = (Encoder<Object>) (Encoder<?>) stderr.getEncoder();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("tuplespace.node"), Level.WARN, "backup lost", null,
                null);
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  [a-z]+/" + ProcessHandle.current().pid()
                + " backup lost\\R");
        assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(status -> status.getLevel() > 0);
    }

    @Test
    void theLevelIsThePropertyElseTheEnvironmentElseInfo() {
        assertThat(LogConfiguration.level("DEBUG", "ERROR")).isEqualTo(Level.DEBUG);
        assertThat(LogConfiguration.level(null, "ERROR")).isEqualTo(Level.ERROR);
        assertThat(LogConfiguration.level("loud", null)).isEqualTo(Level.INFO);
        assertThat(LogConfiguration.level(null, null)).isEqualTo(Level.INFO);
    }

    @Test
    void aSettingThatNamesNoLevelIsReportedWithTheLevelUsedInstead() {
        assertThat(LogConfiguration.unknownLevel("loud", null)).contains("-Dtuplespace.log.level: expected one of"
                + " TRACE, DEBUG, INFO, WARN, ERROR, OFF, found 'loud'; logging at INFO");
        assertThat(LogConfiguration.unknownLevel(null, "bogus")).contains("TUPLESPACE_LOG_LEVEL: expected one of"
                + " TRACE, DEBUG, INFO, WARN, ERROR, OFF, found 'bogus'; logging at INFO");
        assertThat(LogConfiguration.unknownLevel("loud", "error")).contains("-Dtuplespace.log.level: expected one of"
                + " TRACE, DEBUG, INFO, WARN, ERROR, OFF, found 'loud'; logging at ERROR");
        assertThat(LogConfiguration.unknownLevel("debug", "bogus")).isEmpty(); // the property wins
        assertThat(LogConfiguration.unknownLevel("warn", null)).isEmpty();
        assertThat(LogConfiguration.unknownLevel(null, null)).isEmpty();
        // logback knows ALL, the command lines do not: the settings agree with them
        assertThat(LogConfiguration.level("ALL", null)).isEqualTo(Level.INFO);
        assertThat(LogConfiguration.unknownLevel("ALL", null)).contains("-Dtuplespace.log.level: expected one of"
                + " TRACE, DEBUG, INFO, WARN, ERROR, OFF, found 'ALL'; logging at INFO");
    }
}
