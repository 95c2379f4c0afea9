package tuplespace.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** One JVM the harness started itself, its stdout and stderr captured to files. */
final class ManagedProcess {

    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ManagedProcess(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code java -cp <this JVM's class path> mainClass args...} with its output in {@code directory}. */
    static ManagedProcess startJava(String name, Path directory, String mainClass, List<String> args) {
        return startJava(name, directory, Host.loopback(), mainClass, args);
    }

    /** {@link #startJava(String, Path, String, List)} on {@code host} (inside its network namespace, if any). */
    static ManagedProcess startJava(String name, Path directory, Host host, String mainClass, List<String> args) {
        List<String> command = javaCommand(host, mainClass);
        command.addAll(args);
        Path stdout = directory.resolve(name + ".out.log");
        Path stderr = directory.resolve(name + ".err.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        try {
            Files.writeString(directory.resolve(name + ".cmd"), String.join(" ", command) + "\n");
            return new ManagedProcess(name, builder.start(), stdout, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** The command line, up to the main class's arguments, of a JVM of the service's on {@code host}. */
    static List<String> javaCommand(Host host, String mainClass) {
        List<String> command = new java.util.ArrayList<>(host.prefix());
        command.addAll(List.of(
                javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), mainClass));
        return command;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The exit status if the process ends within {@code timeout}. */
    OptionalInt awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /** SIGKILL this process and every descendant it still has. */
    void killTree() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(5));
    }

    String stdoutText() {
        return read(stdout);
    }

    String stderrText() {
        return read(stderr);
    }

    /** The last {@code lines} lines of stdout and stderr, labelled, for failure reports. */
    String tails(int lines) {
        return "----- " + name + " (pid " + pid() + ", " + (isAlive() ? "alive" : "exit " + process.exitValue())
                + ") stdout tail -----\n" + tail(read(stdout), lines)
                + "----- " + name + " stderr tail -----\n" + tail(read(stderr), lines);
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length)) + "\n";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }
}
