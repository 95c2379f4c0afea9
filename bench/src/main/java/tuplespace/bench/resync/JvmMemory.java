package tuplespace.bench.resync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of another JVM: heap in use ({@code jcmd PID GC.heap_info}'s {@code used NNNK}), after a full GC
 * ({@code GC.run} first) or as it is, and the resident set size from {@code /proc/PID/status}.
 */
public final class JvmMemory {

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+)\\s+kB");

    private JvmMemory() {
    }

    /** Bytes of heap in use right after a full GC of {@code pid}. */
    public static long heapUsedAfterGc(long pid) {
        return heapUsed(pid, true);
    }

    /** Bytes of heap in use by {@code pid} now, garbage included (no collection asked for). */
    public static long heapUsed(long pid) {
        return heapUsed(pid, false);
    }

    private static long heapUsed(long pid, boolean collectFirst) {
        String info = "";
        // The attach can fail on a starved machine ("Connection refused"): a few tries.
        for (int attempt = 1; attempt <= 4; attempt++) {
            if (collectFirst) {
                jcmd(pid, "GC.run");
            }
            info = jcmd(pid, "GC.heap_info");
            Optional<Long> used = parseHeapUsed(info);
            if (used.isPresent()) {
                return used.get();
            }
            tuplespace.bench.process.Waits.sleep(java.time.Duration.ofSeconds(attempt));
        }
        throw new IllegalStateException("expected 'heap total NK, used NK' in jcmd GC.heap_info, found: " + info);
    }

    /** The {@code used} figure (in bytes) of {@code GC.heap_info} output. */
    public static Optional<Long> parseHeapUsed(String heapInfo) {
        Matcher matcher = HEAP_USED.matcher(heapInfo);
        return matcher.find() ? Optional.of(Long.parseLong(matcher.group(1)) * 1024) : Optional.empty();
    }

    public static long residentBytes(long pid) {
        try {
            Matcher matcher = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return matcher.find() ? Long.parseLong(matcher.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish within 60 s");
            }
            return new String(output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }
}
