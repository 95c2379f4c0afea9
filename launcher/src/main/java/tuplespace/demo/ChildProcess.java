package tuplespace.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import tuplespace.cli.Main;
import tuplespace.logging.ProcessIdentity;
import tuplespace.node.DemoInterrupt;
import tuplespace.node.ServiceJvm;

/**
 * A service process the demo started: the same launcher in another JVM ({@code java -cp <our class path>
 * tuplespace.cli.Main <subcommand> ...}) writing straight to the demo's own stdout and stderr.
 *
 * <p>Not through a pipe the demo reads: the JVM closes a child's pipe once that child exits, and the backup a
 * primary starts writes to the primary's stderr. A promoted backup and every backup started after it would go
 * silent on the console at the first failover. Inherited descriptors stay open whoever dies, and every log line
 * says which process wrote it ({@code role/pid}).
 */
final class ChildProcess {

    private final String role;
    private final Process process;

    private ChildProcess(String role, Process process) {
        this.role = role;
        this.process = process;
    }

    /**
     * Starts {@code tuplespace <arguments>} in a new JVM that shares the demo's stdout and stderr; {@code program} is
     * what the arguments run.
     */
    static ChildProcess start(String role, ServiceJvm.Program program, List<String> launcherArguments)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The launcher script's JVM options apply to the whole service, not only to the demo's own JVM.
        String javaOptionsText = System.getenv().getOrDefault("TUPLESPACE_JAVA_OPTS", "").strip();
        List<String> javaOptions = javaOptionsText.isEmpty() ? List.of() : List.of(javaOptionsText.split("\\s+"));
        String classPath = System.getProperty("java.class.path");
        // Each process starts with the options the script gives its JVM: the class-data archive, huge pages, and for a
        // server prompt tenuring and a 1 GiB initial heap.
        command.addAll(ServiceJvm.options(program, classPath, javaOptions));
        command.add("-D" + ProcessIdentity.ROLE_PROPERTY + "=" + role);
        // Ctrl-C in the demo's terminal interrupts these too: the demo answers it with SHUTDOWN, which saves the space.
        command.add("-D" + DemoInterrupt.PROPERTY + "=true");
        String level = System.getProperty("tuplespace.log.level");
        if (level != null) {
            command.add("-Dtuplespace.log.level=" + level);
        }
        command.add("-cp");
        command.add(classPath);
        command.add(Main.class.getName());
        command.addAll(launcherArguments);
        Process process = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new ChildProcess(role, process);
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
