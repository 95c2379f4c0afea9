package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceJvmTest {

    private static final Optional<String> MADVISE = Optional.of("always [madvise] never");

    @Test
    void aServerJvmHasTheArchiveThenHugePagesThenPromptTenuringThenTheOperatorsOptions(@TempDir Path dir)
            throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));
        Path archive = Files.createFile(dir.resolve("tuplespace.jsa"));

        assertThat(ServiceJvm.options(ServiceJvm.Program.SERVER, jar.toString(), List.of("-Xmx1g", "-Dx=y"), MADVISE))
                .containsExactly("-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-XX:+UseTransparentHugePages",
                        "-XX:MaxTenuringThreshold=0", "-Xmx1g", "-Dx=y");
        assertThat(ServiceJvm.options(ServiceJvm.Program.SERVER, jar.toString(), List.of("-Xshare:off"),
                Optional.of("always madvise [never]")))
                .containsExactly("-XX:MaxTenuringThreshold=0", "-Xshare:off");
    }

    @Test
    void aProxyJvmStoresNothingSoItKeepsTheDefaultTenuring(@TempDir Path dir) throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));

        assertThat(ServiceJvm.options(ServiceJvm.Program.PROXY, jar.toString(), List.of("-Xmx1g"), MADVISE))
                .containsExactly("-XX:+UseTransparentHugePages", "-Xmx1g");
    }

    @Test
    void theOperatorsChoiceAboutTenuringWins() {
        assertThat(PromptTenuring.options(List.of("-XX:MaxTenuringThreshold=4"))).isEmpty();
        assertThat(PromptTenuring.options(List.of("-XX:+NeverTenure"))).isEmpty();
        assertThat(PromptTenuring.options(List.of("-Xmx1g"))).containsExactly("-XX:MaxTenuringThreshold=0");
    }
}
