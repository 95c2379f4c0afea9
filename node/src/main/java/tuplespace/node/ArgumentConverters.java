package tuplespace.node;

import java.net.InetSocketAddress;
import java.time.Duration;
import picocli.CommandLine;
import tuplespace.codec.Durations;
import tuplespace.codec.Sap;

/**
 * picocli converters for the server's arguments. Each failure says what was expected and what was
 * given; picocli prefixes the argument's name and exits with status 2 (README "Running it").
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

    /** {@code 50ms}, {@code 2s}, {@code 1m}, {@code 250us}, or ISO-8601 ({@code PT2S}): {@link Durations#parse}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<java.time.Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }

    static Duration parseDuration(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw conversion(e.getMessage());
        }
    }

    private static CommandLine.TypeConversionException conversion(String message) {
        return new CommandLine.TypeConversionException(message);
    }
}
