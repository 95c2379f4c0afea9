package tuplespace.codec;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar for durations people type in options, shared by every command line: a number with a unit
 * ({@code 250us}, {@code 50ms}, {@code 1.5s}, {@code 2m}, {@code 1h}; {@code ns} too; a bare number is seconds)
 * or ISO-8601 ({@code PT5S}). Negative durations are refused; whether zero makes sense is the option's call.
 */
public final class Durations {

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)(ns|us|ms|s|m|h)?");

    private Durations() {
    }

    /** A duration of zero or more; a zero warm-up, say, is meaningful. */
    public static Duration parse(String text) {
        Duration duration = parseSigned(text);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("expected a duration of zero or more, found '" + text + "'");
        }
        return duration;
    }

    /** A duration above zero, for timeouts and intervals. */
    public static Duration parsePositive(String text) {
        Duration duration = parseSigned(text);
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("expected a positive duration, found '" + text + "'");
        }
        return duration;
    }

    /** Throws {@link IllegalArgumentException} saying what was expected and what was found. */
    private static Duration parseSigned(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher matcher = WITH_UNIT.matcher(value);
        Duration duration;
        if (matcher.matches()) {
            BigDecimal nanos = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(nanosPer(matcher.group(2))));
            try {
                duration = Duration.ofNanos(nanos.longValueExact());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("expected a duration of at most about 292 years, found '" + text + "'");
            }
        } else {
            try {
                duration = Duration.parse(value.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        "expected a duration such as 500ms, 10s or 2m (or ISO-8601 like PT5S), found '" + text + "'");
            }
        }
        return duration;
    }

    private static long nanosPer(String unit) {
        if (unit == null) {
            return 1_000_000_000L;
        }
        return switch (unit) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
    }
}
