package tuplespace.bench.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * CPU time (user + system) of processes from {@code /proc/PID/stat}, to see where the time of a big read goes:
 * with every process on the same two cores, a ratio between the systems is only explained by who burnt the CPU.
 */
public final class ProcessCpu {

    /** {@code USER_HZ}, the unit of the stat file's times: 100 on every Linux we run on ({@code getconf CLK_TCK}). */
    static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** CPU seconds so far of each named pid (NaN for one that cannot be read). */
    public static Map<String, Double> snapshot(Map<String, Long> pids) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        pids.forEach((name, pid) -> seconds.put(name, seconds(pid)));
        return seconds;
    }

    /** Per process, the CPU seconds between two snapshots divided by {@code runs}. */
    public static Map<String, Double> perRun(Map<String, Double> before, Map<String, Double> after, int runs) {
        Map<String, Double> perRun = new LinkedHashMap<>();
        before.forEach((name, start) -> perRun.put(name, (after.getOrDefault(name, Double.NaN) - start) / runs));
        return perRun;
    }

    public static double seconds(long pid) {
        try {
            return parseSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))).orElse(Double.NaN);
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** utime + stime (fields 14 and 15) of a stat line, in seconds. The command (field 2) may hold spaces. */
    static OptionalDouble parseSeconds(String stat) {
        int commandEnd = stat.lastIndexOf(')');
        if (commandEnd < 0) {
            return OptionalDouble.empty();
        }
        // After ") " come the fields from 3 (state) on: utime is the 12th of them, stime the 13th.
        String[] fields = stat.substring(commandEnd + 1).trim().split("\\s+");
        if (fields.length < 13) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of((Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND);
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
