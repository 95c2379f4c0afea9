package tuplespace.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pauses of a JVM's {@code -Xlog:gc:file=...:timemillis} log: when, and heap in use before and after each.
 * Peak heap use of another JVM without attaching to it while it works: heap in use is highest just before a
 * collection, and what a collection leaves is what was still reachable then.
 */
public final class GcLog {

    /** The option that makes a JVM write the log this class reads; {@code %p} becomes the pid. */
    public static String option(Path directory, String name) {
        return "-Xlog:gc:file=" + directory.toAbsolutePath().resolve(name + "-%p.log") + ":timemillis";
    }

    /** The log {@link #option} makes for {@code pid}. */
    public static Path file(Path directory, String name, long pid) {
        return directory.toAbsolutePath().resolve(name + "-" + pid + ".log");
    }

    /** One pause: {@code [1796180950776ms] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 18M->5M(380M) 33.067ms}. */
    public record Pause(long atMillis, String kind, long usedBeforeBytes, long usedAfterBytes, long committedBytes, double millis) {

        /**
         * Whether the pause copied the live objects out of the regions it collected (young, mixed, full), so that
         * what it left is what was reachable. G1's Remark and Cleanup pauses only free wholly empty regions: their
         * "after" still holds garbage.
         */
        public boolean evacuating() {
            return kind.startsWith("Pause Young") || kind.startsWith("Pause Full");
        }
    }

    private static final Pattern PAUSE = Pattern.compile(
            "^\\[(\\d+)ms\\] GC\\(\\d+\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([0-9.]+)ms");

    private GcLog() {
    }

    /** The pauses logged so far (none when there is no log yet). */
    public static List<Pause> read(Path log) {
        try {
            return Files.exists(log) ? parse(Files.readAllLines(log)) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    public static List<Pause> parse(List<String> lines) {
        List<Pause> pauses = new ArrayList<>();
        for (String line : lines) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                pauses.add(new Pause(Long.parseLong(m.group(1)), m.group(2), bytes(m.group(3), m.group(4)),
                        bytes(m.group(5), m.group(6)), bytes(m.group(7), m.group(8)), Double.parseDouble(m.group(9))));
            }
        }
        return pauses;
    }

    /** The pauses that began within {@code [fromMillis, toMillis]} (wall clock, this machine's). */
    public static List<Pause> between(List<Pause> pauses, long fromMillis, long toMillis) {
        return pauses.stream().filter(p -> p.atMillis() >= fromMillis && p.atMillis() <= toMillis).toList();
    }

    /** The longest of {@code pauses} in milliseconds, 0 for none. */
    public static double longestMillis(List<Pause> pauses) {
        return pauses.stream().mapToDouble(Pause::millis).max().orElse(0);
    }

    private static long bytes(String amount, String unit) {
        long shift = switch (unit) {
            case "K" -> 10;
            case "M" -> 20;
            default -> 30;
        };
        return Long.parseLong(amount) << shift;
    }
}
