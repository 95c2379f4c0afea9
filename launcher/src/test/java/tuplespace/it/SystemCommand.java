package tuplespace.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command of the test set-up ({@code mount}, {@code ip}) to its end, bounded. */
final class SystemCommand {

    private static final long LIMIT_SECONDS = 30;

    private SystemCommand() {
    }

    /** Runs {@code command}; null when it exits 0, else why not: its exit status and output, or why it did not run. */
    static String run(List<String> command) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return String.join(" ", command) + " did not finish within " + LIMIT_SECONDS + " s";
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
        } catch (IOException e) {
            return "exit " + process.exitValue() + " (output unreadable: " + e.getMessage() + ")";
        }
    }

    /** Runs {@code command}; throws naming {@code what} for and why, when it fails. */
    static void must(String what, List<String> command) throws IOException, InterruptedException {
        String failure = run(command);
        if (failure != null) {
            throw new IOException(what + " failed: " + String.join(" ", command) + ": " + failure);
        }
    }
}
