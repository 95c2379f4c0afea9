package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(30)
class BackupLauncherTest {

    private static final String[] PRIMARY = {"127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003", "127.0.0.1:7004",
            "null", "null", "null"};

    @TempDir
    Path dir;

    private static NodeConfig config(String... extra) {
        ServerCommand command = new ServerCommand();
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(PRIMARY), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        new CommandLine(command).parseArgs(args);
        return command.toConfig();
    }

    @Test
    void aBackupStartedFromAJarMapsTheClassArchiveBesideItTenuresPromptlyAndCompilesWithC2Later() throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));
        Path archive = Files.createFile(dir.resolve("tuplespace.jsa"));
        List<String> command = BackupLauncher.command(config("--backup-java-opts=-Xmx1g"), 42, jar.toString());
        assertThat(command).containsSubsequence("-XX:SharedArchiveFile=" + archive.toAbsolutePath(),
                "-XX:MaxTenuringThreshold=0", "-XX:Tier4InvocationThreshold=50000", "-Xmx1g", "-cp", jar.toString(),
                ServerMain.class.getName());
    }

    @Test
    void withoutAnArchiveBesideTheJarTheBackupStartsAsBefore() throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));
        assertThat(BackupLauncher.command(config(), 42, jar.toString()))
                .noneMatch(word -> word.contains("SharedArchiveFile"));
    }

    @Test
    void theFsyncPolicyGoesToTheBackupOnlyWithADataDirectory() throws IOException {
        Path jar = Files.createFile(dir.resolve("tuplespace.jar"));
        assertThat(BackupLauncher.command(config("--fsync=everysec"), 42, jar.toString()))
                .noneMatch(word -> word.startsWith("--fsync")); // it would only warn that it has no effect
        assertThat(BackupLauncher.command(config("--data-dir=" + dir.resolve("data"), "--fsync=everysec"), 42,
                jar.toString())).contains("--fsync=everysec");
    }
}
