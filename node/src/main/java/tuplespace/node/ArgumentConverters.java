package tuplespace.node;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import tuplespace.codec.Sap;

/**
 * picocli converters for the server's arguments. Each failure says what was expected and what was
 * given; picocli prefixes the argument's name and exits with status 2 (SPEC §3).
 */
final class ArgumentConverters {

    private ArgumentConverters() {
    }

    /** {@code host:port} or {@code [v6]:port} ({@link Sap#parse}), port 1-65535 (a peer must know it), host resolved now. */
    static final class SapConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            return parseSap(value);
        }
    }

    static InetSocketAddress parseSap(String value) {
        Sap sap;
        try {
            sap = Sap.parse(value);
        } catch (IllegalArgumentException e) {
            throw conversion(e.getMessage());
        }
        if (sap.port() == 0) {
            throw conversion("expected a port number 1-65535 (the other processes connect to it), found 0 in '" + value + "'");
        }
        InetSocketAddress address = sap.toSocketAddress();
        if (address.isUnresolved()) {
            throw conversion("expected a resolvable host, found '" + sap.host() + "' in '" + value + "'");
        }
        return address;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ns|us|ms|s|m|h)");

    /** {@code 50ms}, {@code 2s}, {@code 1m}, {@code 250us}, or ISO-8601 ({@code PT2S}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<java.time.Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }

    static Duration parseDuration(String value) {
        Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (matcher.matches()) {
            long amount;
            try {
                amount = Long.parseLong(matcher.group(1));
            } catch (NumberFormatException e) {
                throw conversion("expected a duration such as 50ms or 2s, found a number too large in '" + value + "'");
            }
            switch (matcher.group(2)) {
                case "ns": return Duration.ofNanos(amount);
                case "us": return Duration.ofNanos(amount * 1000);
                case "ms": return Duration.ofMillis(amount);
                case "s": return Duration.ofSeconds(amount);
                case "m": return Duration.ofMinutes(amount);
                default: return Duration.ofHours(amount);
            }
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw conversion("expected a duration such as 50ms, 2s or 1m, found '" + value + "'");
        }
    }

    private static CommandLine.TypeConversionException conversion(String message) {
        return new CommandLine.TypeConversionException(message);
    }
}
