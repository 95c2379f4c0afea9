package tuplespace.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Optional;

/**
 * The fat jar's logging, set up in code (logback finds it as a service): one line per event on stderr, since stdout
 * carries answers and STATUS lines, as {@link LogLineLayout} writes it; Netty at WARN, its chatter rarely what an
 * operator needs. The level: {@code -Dtuplespace.log.level}, else {@code TUPLESPACE_LOG_LEVEL}, else INFO (the
 * launcher's {@code --log-level} before the command sets it too). In code rather than a logback.xml because reading
 * the XML is 50-60 ms of every cold start: of each {@code ./tuplespace} command and of a restarted server before it
 * serves.
 * {@code -Dlogback.configurationFile=FILE} still wins: then this one stands aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements Configurator {

    static final String LEVEL_PROPERTY = "tuplespace.log.level";
    static final String LEVEL_VARIABLE = "TUPLESPACE_LOG_LEVEL";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        context.getLogger("io.netty").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        String property = System.getProperty(LEVEL_PROPERTY);
        String variable = System.getenv(LEVEL_VARIABLE);
        root.setLevel(level(property, variable));
        root.addAppender(stderr);
        unknownLevel(property, variable).ifPresent(context.getLogger(LogConfiguration.class)::warn);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * What to tell the operator when the setting in force names no level: the property if given, else the variable
     * (the level then falls back to the next setting, or INFO).
     */
    static Optional<String> unknownLevel(String property, String variable) {
        String setting = property != null ? "-D" + LEVEL_PROPERTY : LEVEL_VARIABLE;
        String given = property != null ? property : variable;
        if (given == null || !unknown(given)) {
            return Optional.empty();
        }
        return Optional.of(setting + ": expected one of " + LEVELS + ", found '" + given + "'; logging at "
                + level(property, variable));
    }

    /** The level names the command lines and the settings take. */
    public static final String LEVELS = "TRACE, DEBUG, INFO, WARN, ERROR, OFF";

    private static boolean unknown(String name) {
        return Level.toLevel(name, null) == null || name.equalsIgnoreCase("ALL");
    }

    /** The property's level, else the environment's, else INFO; a name not among {@link #LEVELS} counts as none. */
    static Level level(String property, String variable) {
        return known(property).or(() -> known(variable)).orElse(Level.INFO);
    }

    private static Optional<Level> known(String name) {
        return name == null || unknown(name) ? Optional.empty() : Optional.of(Level.toLevel(name));
    }
}
