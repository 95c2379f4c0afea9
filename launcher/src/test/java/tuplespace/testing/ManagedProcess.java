package tuplespace.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static tuplespace.testing.Eventually.eventually;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import tuplespace.node.ClassArchive;

/**
 * The one way the launcher's tests start a JVM: {@code java -cp <class path> MAIN ARGS...} on a {@link Host} (inside
 * its network namespace, if any), where the class path is the packaged jar in an integration test and this test's own
 * in a unit test; {@link Launch#classPath} runs it on another class path.
 * A long-running one (a proxy, a server, the demo) is started with {@link Launch#start} in a directory that holds
 * its stdout and stderr ({@code NAME.out.log}, {@code NAME.err.log}) and its command line ({@code NAME.cmd}); the
 * processes it starts inherit those files. {@link #close()} kills it and every descendant. A command run to its end
 * ({@link Launch#run}, {@link #runCli}) gives back its exit status and both outputs.
 */
public final class ManagedProcess implements AutoCloseable {

    /**
     * JVM flags that start faster and use less memory: tests share a small, busy machine. (Class-data sharing is the
     * JVM's default: a process run from the packaged jar maps the archive beside it, {@link Launch#command}.)
     */
    public static final List<String> LIGHT_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /**
     * The system property naming the jar the build packaged, which the integration tests run the service from (set by
     * the failsafe plugin); unset in unit tests, which run before it is packaged.
     */
    private static final String PACKAGED_JAR = "tuplespace.packagedJar";
    /** The main class of {@code ./tuplespace}: every subcommand a user types. */
    public static final String CLI_MAIN = "tuplespace.cli.Main";

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** {@code setsid}, where this machine has it (util-linux): each managed process leads a process group of its own. */
    private static final List<String> SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"))
            ? List.of("/usr/bin/setsid") : List.of();

    private final String name;
    private final Host host;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ManagedProcess(String name, Host host, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.host = host;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** What a command run to its end left. */
    public record Result(int exitCode, String out, String err) {
    }

    /**
     * A JVM running {@code mainClass} (a class, or a source file in single-file mode), on loopback with
     * {@link #LIGHT_JVM} and, until told otherwise, the packaged jar in an integration test, else this test's class
     * path.
     */
    public static Launch java(String mainClass) {
        return new Launch(mainClass);
    }

    /** {@code ./tuplespace ARGUMENTS} run to its end with no input; fails when it takes over 30 s. */
    public static Result runCli(List<String> arguments) {
        return runCli(arguments, "", Duration.ofSeconds(30));
    }

    /** {@code ./tuplespace ARGUMENTS} fed {@code standardInput}, run to its end; fails after {@code timeout}. */
    public static Result runCli(List<String> arguments, String standardInput, Duration timeout) {
        return java(CLI_MAIN).args(arguments).run(standardInput, timeout);
    }

    /** What to start; {@link #start} and {@link #run} may be called more than once. */
    public static final class Launch {

        private final String mainClass;
        private Host host = Host.loopback();
        private String classPath = defaultClassPath();
        private final List<String> jvmOptions = new ArrayList<>(LIGHT_JVM);
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Launch(String mainClass) {
            this.mainClass = mainClass;
        }

        public Launch on(Host where) {
            this.host = where;
            return this;
        }

        /** Runs it on {@code path} instead of this test's class path (e.g. the client library alone). */
        public Launch classPath(String path) {
            this.classPath = path;
            return this;
        }

        /** No JVM options of ours, not even {@link #LIGHT_JVM}: the command line a user would type. */
        public Launch noJvmOptions() {
            jvmOptions.clear();
            return this;
        }

        /** JVM options after {@link #LIGHT_JVM}. */
        public Launch jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        public Launch args(List<String> arguments) {
            args.addAll(arguments);
            return this;
        }

        /** Variables added to this JVM's own environment. */
        public Launch environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /**
         * {@code command} run by {@code setsid}: a process group of its own, so that {@link #killTree} finds every
         * process it started, also one whose parent died and left it to init (a backup promoted after its primary was
         * killed, and the standby it started).
         */
        private static List<String> inGroupOfItsOwn(List<String> command) {
            List<String> grouped = new ArrayList<>(SETSID);
            grouped.addAll(command);
            return grouped;
        }

        /** The jar the build packaged for these tests ({@link #PACKAGED_JAR}), if any; else this test's class path. */
        private static String defaultClassPath() {
            String jar = System.getProperty(PACKAGED_JAR, "");
            return !jar.isEmpty() && Files.isRegularFile(Path.of(jar)) ? jar : System.getProperty("java.class.path");
        }

        /**
         * The whole command line: the host's prefix, the JVM and its options (and the class-data archive beside a jar
         * that has one, as {@code ./tuplespace} gives it), the main class, its arguments.
         */
        public List<String> command() {
            List<String> command = new ArrayList<>(host.prefix());
            command.add(javaExecutable());
            command.addAll(jvmOptions);
            command.addAll(ClassArchive.options(classPath, jvmOptions));
            command.addAll(List.of("-cp", classPath, mainClass));
            command.addAll(args);
            return command;
        }

        /** Starts it with {@code directory} as working directory, its output appended to files named {@code name}. */
        public ManagedProcess start(String name, Path directory) {
            List<String> command = inGroupOfItsOwn(command());
            Path out = directory.resolve(name + ".out.log");
            Path err = directory.resolve(name + ".err.log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
            builder.environment().putAll(environment);
            try {
                Files.writeString(directory.resolve(name + ".cmd"), String.join(" ", command) + "\n");
                return new ManagedProcess(name, host, builder.start(), out, err);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + command, e);
            }
        }

        /** Runs it to its end fed {@code standardInput}; kills it and fails when that takes over {@code timeout}. */
        public Result run(String standardInput, Duration timeout) {
            ProcessBuilder builder = new ProcessBuilder(inGroupOfItsOwn(command()));
            builder.environment().putAll(environment);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + mainClass + " " + args, e);
            }
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write(standardInput.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                killTree(process);
                throw new UncheckedIOException("cannot feed the standard input of " + mainClass + " " + args, e);
            }
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    killTree(process);
                    throw new AssertionError(mainClass + " did not finish within " + timeout + ": " + args);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(process);
                throw new AssertionError("interrupted while running " + args, e);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        }
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

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The exit status if the process ends within {@code timeout}. */
    public OptionalInt awaitExit(Duration timeout) {
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

    /** Waits until stdout holds {@code text}; fails with both outputs when the process ends without it or time is up. */
    public void awaitStdout(String text, Duration timeout) {
        awaitText("stdout", this::stdoutText, text, timeout);
    }

    /**
     * Waits until stderr holds {@code text} (the log of the process and of every process it started that writes to
     * the same stderr); fails with both outputs when the process ends without it or time runs out.
     */
    public void awaitStderr(String text, Duration timeout) {
        awaitText("stderr", this::stderrText, text, timeout);
    }

    private void awaitText(String stream, Supplier<String> source, String text, Duration timeout) {
        eventually(timeout, () -> {
            if (!process.isAlive() && !source.get().contains(text)) {
                throw new AssertionError("expected \"" + text + "\" on " + stream + ", but " + this + " exited with "
                        + process.exitValue() + "\n" + outputs());
            }
        }, () -> assertThat(source.get()).as(() -> "expected on " + stream + " of " + this + "\n" + outputs())
                .contains(text));
    }

    /** Waits until something accepts connections on {@code port} of its host; fails with the output when it exits. */
    public void awaitListening(int port, Duration timeout) {
        eventually(timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError(this + " exited with " + process.exitValue() + ":\n" + outputs());
            }
        }, () -> {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(host.address(), port), 200);
            } catch (IOException e) {
                throw new AssertionError("nothing listens on " + host.address() + ":" + port + " (" + e + ")");
            }
        });
    }

    /** SIGKILL this process and every descendant it still has. */
    public void killTree() {
        killTree(process);
    }

    /**
     * SIGINT to this process and every process of its group, as Ctrl-C in a terminal sends it to the terminal's
     * foreground group; fails where this machine has no {@code setsid} (the process then leads no group of its own).
     */
    public void interruptGroup() {
        assertThat(SETSID).as("setsid, to put " + name + " in a process group of its own").isNotEmpty();
        signalGroup("INT", process.pid());
    }

    private static void killTree(Process process) {
        if (!SETSID.isEmpty()) {
            signalGroup("KILL", process.pid());
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code signal} to the process group {@code groupId} (a {@code setsid} process's pid), its leader alive or not. */
    private static void signalGroup(String signal, long groupId) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + groupId).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(KILL_WAIT.toMillis(),
                            TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            // no kill command: the descendants still alive are killed one by one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        killTree();
    }

    public String stdoutText() {
        return read(stdout);
    }

    public String stderrText() {
        return read(stderr);
    }

    /** Both outputs whole, labelled, for failure messages. */
    public String outputs() {
        return "--- " + name + " stdout:\n" + stdoutText() + "\n--- " + name + " stderr:\n" + stderrText();
    }

    /** The last {@code lines} lines of stdout and stderr, labelled, for failure reports. */
    public String tails(int lines) {
        return "----- " + this + " stdout tail -----\n" + tail(read(stdout), lines)
                + "----- " + name + " stderr tail -----\n" + tail(read(stderr), lines);
    }

    public static String tail(String text, int lines) {
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return String.join("\n", Arrays.copyOfRange(all, from, all.length)) + "\n";
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", " + (isAlive() ? "alive" : "exit " + process.exitValue()) + ")";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }
}
