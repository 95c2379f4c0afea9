package tuplespace.codec;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar for durations people type in options, shared by every command line: a number with a unit
 * ({@code 250us}, {@code 50ms}, {@code 1.5s}, {@code 2m}, {@code 1h}; {@code ns} too) or ISO-8601 ({@code PT5S}).
 * A number without a unit is refused, but for {@code 0}: {@code --ping-interval 200} could mean 200 ms as well as
 * 200 s, and a guess either way would be a silent surprise. Negative durations are refused; whether zero makes sense
 * is the option's call. {@link #text} writes a duration back in this grammar, for messages.
 */
public final class Durations {

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)(ns|us|ms|s|m|h)?");
    private static final String[] UNITS = {"h", "m", "s", "ms", "us", "ns"};
    /** Above the 15 digits {@link #WITH_UNIT} reads. */
    private static final long MAX_WHOLE = 1_000_000_000_000_000L;

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

    /**
     * Checks a configured duration (a timeout, an interval): above zero. The message names the setting and writes the
     * duration as {@link #text} does; {@code null} is a {@link NullPointerException} naming it.
     */
    public static Duration requirePositive(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + ": expected a positive duration, found " + text(duration));
        }
        return duration;
    }

    /** Throws {@link IllegalArgumentException} saying what was expected and what was found. */
    private static Duration parseSigned(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher matcher = WITH_UNIT.matcher(value);
        Duration duration;
        if (matcher.matches()) {
            BigDecimal number = new BigDecimal(matcher.group(1));
            if (matcher.group(2) == null && number.signum() != 0) {
                throw new IllegalArgumentException("expected a duration with a unit, such as " + matcher.group(1)
                        + "ms or " + matcher.group(1) + "s, found '" + text + "'");
            }
            BigDecimal nanos = number.multiply(BigDecimal.valueOf(nanosPer(matcher.group(2))));
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

    /**
     * {@code duration} as an option would be written, for messages: a whole number of the largest unit that holds it
     * exactly ({@code 0s}, {@code 100ms}, {@code 1500ms}, {@code 2m}, {@code -2s}); ISO-8601 ({@code PT...}) where
     * that number would have more digits than {@link #parse} reads, and past about 292 years.
     */
    public static String text(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.toString();
        }
        for (String unit : UNITS) {
            long per = nanosPer(unit);
            if (nanos % per == 0) {
                long count = nanos / per;
                return count > -MAX_WHOLE && count < MAX_WHOLE ? count + unit : duration.toString();
            }
        }
        throw new AssertionError("every whole number of nanoseconds is a whole number of ns");
    }

    private static long nanosPer(String unit) {
        if (unit == null) {
            return 1L; // only 0 is written without a unit
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
