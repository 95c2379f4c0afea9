package tuplespace.client.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a duration option: {@code 500ms}, {@code 10s}, {@code 2m}, or ISO-8601 ({@code PT10S}). */
public final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m)");

    @Override
    public Duration convert(String value) {
        Matcher matcher = SHORT.matcher(value);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            switch (matcher.group(2)) {
                case "ms":
                    return positive(value, Duration.ofMillis(amount));
                case "s":
                    return positive(value, Duration.ofSeconds(amount));
                default:
                    return positive(value, Duration.ofMinutes(amount));
            }
        }
        try {
            return positive(value, Duration.parse(value));
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("expected a duration such as 500ms, 10s or 2m, found '" + value + "'");
        }
    }

    private static Duration positive(String value, Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            throw new TypeConversionException("expected a positive duration, found '" + value + "'");
        }
        return duration;
    }
}
