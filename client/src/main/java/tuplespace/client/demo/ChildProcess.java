package tuplespace.client.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A service process the demo started: the same launcher in another JVM ({@code java -cp <our class path>
 * tuplespace.client.Main <subcommand> ...}), its output streamed line by line with its role in front.
 */
final class ChildProcess {

    private final String role;
    private final Process process;

    private ChildProcess(String role, Process process) {
        this.role = role;
        this.process = process;
    }

    /** Starts {@code tuplespace <arguments>} in a new JVM whose output lines go to {@code sink}, prefixed by role. */
    static ChildProcess start(String role, List<String> launcherArguments, PrintStream sink) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The launcher script's JVM options apply to the whole service, not only to the demo's own JVM.
        String javaOptions = System.getenv().getOrDefault("TUPLESPACE_JAVA_OPTS", "").strip();
        if (!javaOptions.isEmpty()) {
            command.addAll(List.of(javaOptions.split("\\s+")));
        }
        command.add("-D" + tuplespace.client.logging.ProcessIdentityConverter.ROLE_PROPERTY + "=" + role);
        String level = System.getProperty("tuplespace.log.level");
        if (level != null) {
            command.add("-Dtuplespace.log.level=" + level);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(tuplespace.client.Main.class.getName());
        command.addAll(launcherArguments);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        process.getOutputStream().close();
        ChildProcess child = new ChildProcess(role, process);
        child.streamOutputTo(sink);
        return child;
    }

    private void streamOutputTo(PrintStream sink) {
        String prefix = String.format("%-8s| ", role);
        Thread pump = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    sink.println(prefix + line);
                }
            } catch (IOException e) {
                sink.println(prefix + "(its output could not be read: " + e.getMessage() + ")");
            }
        }, "demo-output-" + role);
        pump.setDaemon(true);
        pump.start();
    }

    String role() {
        return role;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** Waits up to {@code millis} for the process to end; true when it has. */
    boolean awaitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** Last resort when SHUTDOWN did not stop it: kills it and everything it started. */
    void destroyWithDescendants() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
