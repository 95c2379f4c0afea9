package tuplespace.proxy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses option values people type: durations ({@code 5s}, {@code 500ms}, {@code PT5S}) and sizes ({@code 1MiB}). */
final class OptionValues {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})(b|k|kb|kib|m|mb|mib)?");

    private OptionValues() {
    }

    /** A positive duration: a number with {@code ms}, {@code s} (default), {@code m} or {@code h}, or ISO-8601. */
    static Duration duration(String option, String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher matcher = DURATION.matcher(value);
        Duration duration;
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "s" : matcher.group(2);
            duration = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        } else {
            try {
                duration = Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + ": expected a duration such as 5s, 500ms, 2m or PT5S,"
                        + " found '" + text + "'");
            }
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(option + ": expected a positive duration, found '" + text + "'");
        }
        return duration;
    }

    /** A positive byte count: a number with an optional binary suffix {@code k}/{@code KiB}, {@code m}/{@code MiB}. */
    static int size(String option, String text) {
        Matcher matcher = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException(option + ": expected a size in bytes such as 1048576, 64KiB or 1MiB,"
                    + " found '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "b" : matcher.group(2);
        long bytes = unit.startsWith("k") ? amount << 10 : unit.startsWith("m") ? amount << 20 : amount;
        if (bytes <= 0 || bytes > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException(option + ": expected a size from 1 byte to 2 GiB, found '" + text + "'");
        }
        return (int) bytes;
    }

    /** A number at least {@code minimum}. */
    static int atLeast(String option, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(option + ": expected at least " + minimum + ", found " + value);
        }
        return value;
    }
}
