package tuplespace.codec.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretTest {

    @TempDir
    Path dir;

    private Path secretFile(String content, String mode) throws IOException {
        Path file = dir.resolve("secret");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void aFileOnlyItsOwnerCanReadIsLoaded() throws IOException {
        Path file = secretFile("0123456789abcdef0123\n", "rw-------");
        ClusterSecret secret = ClusterSecret.load(file);
        assertThat(secret.file()).isEqualTo(file.toAbsolutePath());
        assertThat(secret.toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void aFileOthersCanReadIsRefusedNamingTheFileAndItsMode() throws IOException {
        Path file = secretFile("0123456789abcdef0123\n", "rw-r--r--");
        assertThatThrownBy(() -> ClusterSecret.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("--cluster-secret-file " + file.toAbsolutePath())
                .hasMessageContaining("mode 0644")
                .hasMessageContaining("chmod 600");
    }

    @Test
    void aFileTheGroupCanReadIsRefused() throws IOException {
        Path file = secretFile("0123456789abcdef0123\n", "rw-r-----");
        assertThatThrownBy(() -> ClusterSecret.load(file)).hasMessageContaining("mode 0640");
    }

    @Test
    void aShortSecretIsRefused() throws IOException {
        Path file = secretFile("short\n", "r--------");
        assertThatThrownBy(() -> ClusterSecret.load(file))
                .hasMessageContaining("expected a secret of at least 16 bytes, found 5");
    }

    @Test
    void aMissingFileIsRefused() {
        assertThatThrownBy(() -> ClusterSecret.load(dir.resolve("nothing")))
                .hasMessageContaining("found no such file");
    }

    @Test
    void trailingLineEndsAreNotPartOfTheSecret() throws IOException {
        Path withNewline = secretFile("0123456789abcdef0123\r\n", "rw-------");
        byte[] a = ClusterSecret.load(withNewline).mac("m");
        byte[] b = ClusterSecret.of("0123456789abcdef0123").mac("m");
        assertThat(a).isEqualTo(b);
    }
}
