package tuplespace.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the launcher ({@code tuplespace.cli.Main}) in its own JVM, as a user's shell would. */
public final class Launcher {

    /** What a finished launcher process left. */
    public record Result(int exitCode, String out, String err) {
    }

    /** JVM flags that start faster and use less memory: tests share a small, busy machine. */
    public static final List<String> LIGHT_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private Launcher() {
    }

    /** The command line that runs the launcher with {@code arguments} on this test's class path. */
    public static List<String> command(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LIGHT_JVM);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("tuplespace.cli.Main");
        command.addAll(arguments);
        return command;
    }

    public static Result run(List<String> arguments, String standardInput, Duration timeout)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command(arguments)).start();
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(standardInput.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not finish within " + timeout + ": " + arguments);
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    public static Result run(List<String> arguments) throws IOException, InterruptedException {
        return run(arguments, "", Duration.ofSeconds(30));
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (stream) {
                stream.transferTo(bytes);
            } catch (IOException e) {
                bytes.writeBytes(("(stream failed: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8));
            }
            return bytes.toString(StandardCharsets.UTF_8);
        });
    }
}
