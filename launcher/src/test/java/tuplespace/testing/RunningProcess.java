package tuplespace.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running launcher process (e.g. {@code demo}) whose standard output is collected as it comes, so a test
 * can wait for a line; standard error goes to a log file for failure messages.
 */
public final class RunningProcess implements AutoCloseable {

    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final Path errLog;

    private RunningProcess(Process process, Path errLog) {
        this.process = process;
        this.errLog = errLog;
        Thread pump = new Thread(this::collect, "collect-stdout");
        pump.setDaemon(true);
        pump.start();
    }

    public static RunningProcess start(List<String> launcherArguments, Path workingFolder, Path errLog,
            Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Launcher.command(launcherArguments)).directory(workingFolder.toFile())
                .redirectError(errLog.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new RunningProcess(process, errLog);
    }

    private void collect() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                out.append(line).append('\n');
            }
        } catch (IOException ended) {
            // the process closed its output
        }
    }

    /** Waits until standard output holds {@code text}; fails with both outputs when the process ends or time runs out. */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException, IOException {
        await("stdout", this::output, text, timeout);
    }

    /**
     * Waits until standard error holds {@code text} (the log of the process and of every process it started that
     * writes to the same stderr); fails with both outputs when the process ends or time runs out.
     */
    public void awaitErrors(String text, Duration timeout) throws InterruptedException, IOException {
        await("stderr", this::errors, text, timeout);
    }

    private interface Text {
        String read() throws IOException;
    }

    private void await(String stream, Text source, String text, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!source.read().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("expected \"" + text + "\" on " + stream
                        + (process.isAlive() ? " within " + timeout : ", but the process exited with " + process.exitValue())
                        + "\n--- stdout:\n" + out + "\n--- stderr:\n" + errors());
            }
            Thread.sleep(50);
        }
    }

    public String output() {
        return out.toString();
    }

    public String errors() throws IOException {
        return java.nio.file.Files.readString(errLog);
    }

    public Process process() {
        return process;
    }

    /** Waits for the exit and returns its status; fails (after killing it) when it does not come. */
    public int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError("the process did not exit within " + timeout + "\n--- stdout:\n" + out
                    + "\n--- stderr:\n" + errors());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
