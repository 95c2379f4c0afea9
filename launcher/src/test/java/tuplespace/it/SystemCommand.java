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
        try {
            Finished finished = finish(command);
            return finished.status() == 0 ? null : "exit " + finished.status() + ": " + finished.output().strip();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** What {@code command} prints (standard output and error), whatever its exit status. */
    static String output(List<String> command) throws IOException, InterruptedException {
        return finish(command).output();
    }

    private record Finished(int status, String output) {
    }

    private static Finished finish(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + LIMIT_SECONDS + " s");
        }
        return new Finished(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Runs {@code command}; throws naming {@code what} for and why, when it fails. */
    static void must(String what, List<String> command) throws IOException, InterruptedException {
        String failure = run(command);
        if (failure != null) {
            throw new IOException(what + " failed: " + String.join(" ", command) + ": " + failure);
        }
    }
}
