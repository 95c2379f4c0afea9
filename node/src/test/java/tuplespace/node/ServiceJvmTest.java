package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceJvmTest {

    private static final Optional<String> MADVISE = Optional.of("always [madvise] never");
    private static final long GIB = 1L << 30;

    @Test
    void aServerJvmHasTheArchiveThenHugePagesThenPromptTenuringThenLateC2ThenItsInitialHeapThenTheOperatorsOptions(
            @TempDir Path dir) throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));
        Path archive = Files.createFile(dir.resolve("tuplespace.jsa"));

        assertThat(ServiceJvm.options(ServiceJvm.Program.SERVER, jar.toString(), List.of("-Xmx1g", "-Dx=y"), MADVISE,
                () -> 16 * GIB)).containsExactly("-XX:SharedArchiveFile=" + archive.toAbsolutePath(),
                "-XX:+UseTransparentHugePages", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxTenuringThreshold=0",
                "-XX:Tier4InvocationThreshold=50000",
                "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000",
                "-XX:Tier4BackEdgeThreshold=400000", "-XX:InitialRAMPercentage=6.250", "-Xmx1g", "-Dx=y");
        assertThat(ServiceJvm.options(ServiceJvm.Program.SERVER, jar.toString(), List.of("-Xshare:off"),
                Optional.of("always madvise [never]"), () -> 16 * GIB))
                .containsExactly("-XX:+ExitOnOutOfMemoryError", "-XX:MaxTenuringThreshold=0",
                        "-XX:Tier4InvocationThreshold=50000",
                        "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000",
                        "-XX:Tier4BackEdgeThreshold=400000", "-XX:InitialRAMPercentage=6.250", "-Xshare:off");
    }

    @Test
    void aProxyJvmStoresNothingSoItKeepsTheDefaultTenuring(@TempDir Path dir) throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));

        assertThat(ServiceJvm.options(ServiceJvm.Program.PROXY, jar.toString(), List.of("-Xmx1g"), MADVISE,
                () -> 16 * GIB))
                .containsExactly("-XX:+UseTransparentHugePages", "-XX:+ExitOnOutOfMemoryError", "-Xmx1g");
        assertThat(ServiceJvm.options(ServiceJvm.Program.PROXY, jar.toString(), List.of("-XX:+CrashOnOutOfMemoryError"),
                MADVISE, () -> 16 * GIB)).as("the operator's choice wins")
                .containsExactly("-XX:+UseTransparentHugePages", "-XX:+CrashOnOutOfMemoryError");
        assertThat(ServiceJvm.options(ServiceJvm.Program.PROXY, jar.toString(),
                List.of("-XX:+HeapDumpOnOutOfMemoryError"), MADVISE, () -> 16 * GIB))
                .as("a heap dump is not an exit's stead").contains("-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void theOperatorsChoiceAboutTenuringWins() {
        assertThat(PromptTenuring.options(List.of("-XX:MaxTenuringThreshold=4"))).isEmpty();
        assertThat(PromptTenuring.options(List.of("-XX:+NeverTenure"))).isEmpty();
        assertThat(PromptTenuring.options(List.of("-Xmx1g"))).containsExactly("-XX:MaxTenuringThreshold=0");
    }

    @Test
    void theOperatorsChoiceAboutTheJitWins() {
        assertThat(LateOptimization.options(List.of("-XX:TieredStopAtLevel=1"))).isEmpty();
        assertThat(LateOptimization.options(List.of("-XX:Tier4InvocationThreshold=9000"))).isEmpty();
        assertThat(LateOptimization.options(List.of("-XX:CompileThresholdScaling=2"))).isEmpty();
        // a collector's threshold is not the JIT's
        assertThat(LateOptimization.options(List.of("-XX:G1MixedGCLiveThresholdPercent=80",
                "-XX:MaxTenuringThreshold=2"))).isEqualTo(LateOptimization.OPTIONS);
    }

    @Test
    void aServerStartsWithOneGibibyteOfHeapAsAShareOfTheMachinesMemory() {
        assertThat(InitialHeap.options(List.of(), 16 * GIB)).containsExactly("-XX:InitialRAMPercentage=6.250");
        assertThat(InitialHeap.options(List.of("-Xmx2g"), 23 * GIB)).containsExactly("-XX:InitialRAMPercentage=4.348");
        // a machine of less than 1 GiB: all of it, which the JVM caps at the maximum heap
        assertThat(InitialHeap.options(List.of(), GIB / 2)).containsExactly("-XX:InitialRAMPercentage=100.000");
        assertThat(InitialHeap.options(List.of(), 0)).isEmpty(); // the memory could not be read
    }

    @Test
    void aJvmGivenMoreInitialHeapThanItsMaximumThatWayStartsWithItsMaximum() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(InitialHeap.options(List.of("-Xmx64m"), GIB / 2));
        command.addAll(List.of("-Xmx64m", "-XX:+PrintFlagsFinal", "-version"));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("InitialHeapSize += 67108864 ");
    }

    @Test
    void theOperatorsInitialHeapWins() {
        assertThat(InitialHeap.options(List.of("-Xms256m"), 16 * GIB)).isEmpty();
        assertThat(InitialHeap.options(List.of("-XX:InitialHeapSize=268435456"), 16 * GIB)).isEmpty();
        assertThat(InitialHeap.options(List.of("-XX:InitialRAMPercentage=2"), 16 * GIB)).isEmpty();
        assertThat(InitialHeap.options(List.of("-XX:MaxRAM=4g"), 16 * GIB)).isEmpty(); // another base for the share
        assertThat(InitialHeap.options(List.of("-XX:MaxRAMPercentage=50"), 16 * GIB)).hasSize(1); // the same base
    }
}
