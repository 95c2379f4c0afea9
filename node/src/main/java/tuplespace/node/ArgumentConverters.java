package tuplespace.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * picocli converters for the server's arguments. Each failure says what was expected and what was
 * given; picocli prefixes the argument's name and exits with status 2 (SPEC §3).
 */
final class ArgumentConverters {

    private ArgumentConverters() {
    }

    /** {@code host:port} or {@code [v6]:port}, port 1-65535, host resolved now. */
    static final class SapConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            return parseSap(value);
        }
    }

    static InetSocketAddress parseSap(String value) {
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf("]:");
            if (close < 0) {
                throw conversion("expected [IPv6]:port, found '" + value + "'");
            }
            host = value.substring(1, close);
            port = value.substring(close + 2);
        } else {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || value.indexOf(':') != colon) {
                throw conversion("expected host:port (or [IPv6]:port), found '" + value + "'");
            }
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw conversion("expected a port number 1-65535 after ':', found '" + port + "' in '" + value + "'");
        }
        if (number < 1 || number > 65535) {
            throw conversion("expected a port number 1-65535, found " + number + " in '" + value + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), number);
        } catch (UnknownHostException e) {
            throw conversion("expected a resolvable host, found '" + host + "' in '" + value + "'");
        }
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
