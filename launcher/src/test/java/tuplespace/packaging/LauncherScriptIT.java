package tuplespace.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options the {@code tuplespace} script gives the JVM it starts, read from a stand-in {@code java} first on
 * the PATH that prints its arguments: a server tenures promptly and starts with 1 GiB of heap whatever root options
 * come before its command, compiles with C2 later, a server or proxy exits when its heap runs out, the proxy keeps
 * the other defaults, and an operator's tenuring, JIT, out-of-memory or initial heap option wins.
 */
@Timeout(60)
class LauncherScriptIT {

    private static final Path SCRIPT = Path.of("..", "tuplespace").toAbsolutePath().normalize();
    private static final String PROMPT_TENURING = "-XX:MaxTenuringThreshold=0";
    private static final String INITIAL_HEAP = "-XX:InitialRAMPercentage=";
    private static final String OOM_EXIT = "-XX:+ExitOnOutOfMemoryError";
    private static final List<String> LATE_C2 = List.of("-XX:Tier4InvocationThreshold=50000",
            "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000",
            "-XX:Tier4BackEdgeThreshold=400000");

    @TempDir
    Path bin;

    @Test
    void aServerTenuresPromptlyWhateverRootOptionsComeFirst() throws Exception {
        assertThat(javaArguments("", "server", "127.0.0.1:1")).contains(PROMPT_TENURING);
        assertThat(javaArguments("", "--log-level=DEBUG", "server", "127.0.0.1:1")).contains(PROMPT_TENURING);
        assertThat(javaArguments("", "--log-level", "DEBUG", "server", "127.0.0.1:1")).contains(PROMPT_TENURING);
    }

    @Test
    void aServerOrProxyExitsWhenItsHeapRunsOutUnlessTheOperatorChoosesOtherwise() throws Exception {
        assertThat(javaArguments("", "--log-level=DEBUG", "server", "127.0.0.1:1")).contains(OOM_EXIT);
        assertThat(javaArguments("", "proxy", "127.0.0.1:1")).contains(OOM_EXIT);
        assertThat(javaArguments("", "client", "127.0.0.1:1")).doesNotContain(OOM_EXIT);
        assertThat(javaArguments("-XX:OnOutOfMemoryError=page-me", "server", "127.0.0.1:1")).doesNotContain(OOM_EXIT);
        assertThat(javaArguments("-XX:+HeapDumpOnOutOfMemoryError", "server", "127.0.0.1:1")).contains(OOM_EXIT);
    }

    @Test
    void aServerCompilesWithC2LaterThanTheJvmsDefaults() throws Exception {
        assertThat(javaArguments("", "--log-level=DEBUG", "server", "127.0.0.1:1")).containsSubsequence(LATE_C2);
    }

    @Test
    void theOperatorsJitChoiceWins() throws Exception {
        for (String option : List.of("-XX:TieredStopAtLevel=1", "-XX:Tier4InvocationThreshold=9000",
                "-XX:CompileThresholdScaling=2", "-XX:-TieredCompilation")) {
            assertThat(javaArguments(option, "server", "127.0.0.1:1")).as(option).contains(option)
                    .doesNotContainAnyElementsOf(LATE_C2);
        }
    }

    @Test
    void aServerStartsWithOneGibibyteOfHeapAsAShareOfTheMachinesMemory() throws Exception {
        String expected = String.format(java.util.Locale.ROOT, "%.3f", Math.min(100.0, 100.0 * (1L << 30) / memory()));
        assertThat(javaArguments("", "--log-level=DEBUG", "server", "127.0.0.1:1")).contains(INITIAL_HEAP + expected);
    }

    /** The memory the script sizes the heap by: the machine's, or a lower cgroup limit (cgroup v2 or v1). */
    private static long memory() throws IOException {
        long memory = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(line -> line.startsWith("MemTotal:"))
                .mapToLong(line -> Long.parseLong(line.split("\\s+")[1]) * 1024).findFirst().orElseThrow();
        for (String limit : List.of("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
            Path file = Path.of(limit);
            if (Files.isReadable(file)) {
                String value = Files.readString(file).strip();
                if (value.matches("[0-9]+")) {
                    memory = Math.min(memory, Long.parseLong(value));
                }
            }
        }
        return memory;
    }

    @Test
    void theProxyAndTheClientKeepTheDefault() throws Exception {
        assertThat(javaArguments("", "proxy", "127.0.0.1:1")).doesNotContain(PROMPT_TENURING)
                .doesNotContainAnyElementsOf(LATE_C2).noneMatch(argument -> argument.startsWith(INITIAL_HEAP));
        assertThat(javaArguments("", "client", "server")).doesNotContain(PROMPT_TENURING)
                .doesNotContainAnyElementsOf(LATE_C2).noneMatch(argument -> argument.startsWith(INITIAL_HEAP));
    }

    @Test
    void theOperatorsInitialHeapWins() throws Exception {
        for (String option : List.of("-Xms256m", "-XX:InitialHeapSize=268435456", "-XX:InitialRAMPercentage=2",
                "-XX:MaxRAM=4g")) {
            List<String> arguments = javaArguments(option, "server", "127.0.0.1:1");
            assertThat(arguments).as(option).contains(option);
            assertThat(arguments.stream().filter(argument -> argument.startsWith(INITIAL_HEAP)))
                    .as(option).isSubsetOf(option);
        }
    }

    /** What the script passes to {@code java} when run with {@code arguments} and TUPLESPACE_JAVA_OPTS={@code opts}. */
    private List<String> javaArguments(String opts, String... arguments) throws IOException, InterruptedException {
        Path java = bin.resolve("java");
        if (!Files.exists(java)) {
            Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("TUPLESPACE_JAVA_OPTS", opts);
        Process script = builder.start();
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(script.waitFor(50, TimeUnit.SECONDS)).isTrue();
        assertThat(script.exitValue()).as(output).isZero();
        return output.lines().toList();
    }
}
