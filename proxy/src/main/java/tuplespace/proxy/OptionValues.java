package tuplespace.proxy;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tuplespace.codec.Durations;

/** Parses option values people type: durations (the shared {@link Durations} grammar) and sizes ({@code 1MiB}). */
final class OptionValues {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})(b|k|kb|kib|m|mb|mib|g|gb|gib)?");
    /** The largest size an option takes: a buffer of it, and of a frame's header beside it, must fit in an array. */
    static final int MAX_SIZE = Integer.MAX_VALUE - 1024;

    private OptionValues() {
    }

    /** A positive duration ({@link Durations#parsePositive}); the error names the option. */
    static Duration duration(String option, String text) {
        return named(option, () -> Durations.parsePositive(text));
    }

    /** A duration of zero or more, for a limit that zero turns off. */
    static Duration durationOrZero(String option, String text) {
        return named(option, () -> Durations.parse(text));
    }

    private static Duration named(String option, Supplier<Duration> parsed) {
        try {
            return parsed.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /**
     * A positive byte count up to {@link #MAX_SIZE}: a number with an optional binary suffix {@code k}/{@code KiB},
     * {@code m}/{@code MiB}, {@code g}/{@code GiB}.
     */
    static int size(String option, String text) {
        Matcher matcher = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException(option + ": expected a size in bytes such as 1048576, 64KiB, 1MiB or"
                    + " 1GiB, found '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "b" : matcher.group(2);
        int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : unit.startsWith("g") ? 30 : 0;
        if (amount == 0 || amount > MAX_SIZE >> shift) {
            throw new IllegalArgumentException(option + ": expected a size from 1 byte to " + MAX_SIZE + " bytes,"
                    + " found '" + text + "'");
        }
        return (int) (amount << shift);
    }

    /** A number at least {@code minimum}. */
    static int atLeast(String option, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(option + ": expected at least " + minimum + ", found " + value);
        }
        return value;
    }
}
