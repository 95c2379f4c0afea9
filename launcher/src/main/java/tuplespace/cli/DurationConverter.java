package tuplespace.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import tuplespace.codec.Durations;

/** Reads a duration option ({@code 500ms}, {@code 10s}, {@code 2m}, ISO-8601 {@code PT10S}): {@link Durations#parsePositive}. */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parsePositive(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
