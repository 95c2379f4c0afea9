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
 * the PATH that prints its arguments: a server tenures promptly whatever root options come before its command, the
 * proxy keeps the default, and an operator's tenuring option wins.
 */
@Timeout(60)
class LauncherScriptIT {

    private static final Path SCRIPT = Path.of("..", "tuplespace").toAbsolutePath().normalize();
    private static final String PROMPT_TENURING = "-XX:MaxTenuringThreshold=0";

    @TempDir
    Path bin;

    @Test
    void aServerTenuresPromptlyWhateverRootOptionsComeFirst() throws Exception {
        assertThat(javaArguments("", "server", "127.0.0.1:1")).contains(PROMPT_TENURING);
        assertThat(javaArguments("", "--log-level=DEBUG", "server", "127.0.0.1:1")).contains(PROMPT_TENURING);
        assertThat(javaArguments("", "--log-level", "DEBUG", "server", "127.0.0.1:1")).contains(PROMPT_TENURING);
    }

    @Test
    void theProxyAndTheClientKeepTheDefault() throws Exception {
        assertThat(javaArguments("", "proxy", "127.0.0.1:1")).doesNotContain(PROMPT_TENURING);
        assertThat(javaArguments("", "client", "server")).doesNotContain(PROMPT_TENURING);
    }

    @Test
    void theOperatorsTenuringOptionWins() throws Exception {
        List<String> arguments = javaArguments("-XX:MaxTenuringThreshold=3", "server", "127.0.0.1:1");
        assertThat(arguments).doesNotContain(PROMPT_TENURING).contains("-XX:MaxTenuringThreshold=3");
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
