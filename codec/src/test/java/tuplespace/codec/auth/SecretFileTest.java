package tuplespace.codec.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client token is a secret that is text ({@link SecretFile#readText}); ClusterSecretTest has the other rules. */
class SecretFileTest {

    @TempDir
    Path dir;

    private Path tokenFile(byte[] content) throws IOException {
        Path file = dir.resolve("token");
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void aTokenOfUtf8TextIsReadWithoutItsLineEnd() throws IOException {
        Path file = tokenFile("c2VjcmV0LXRva2VuLcOpdMOp\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(SecretFile.readText("--client-auth-file", file)).isEqualTo("c2VjcmV0LXRva2VuLcOpdMOp");
    }

    /** Random bytes written without base64: no client could send them in its AUTH line, so the start says so. */
    @Test
    void aTokenThatIsNotUtf8IsRefusedNamingTheByte() throws IOException {
        byte[] random = "0123456789abcdef0123".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        random[5] = (byte) 0x9C;
        Path file = tokenFile(random);
        assertThatThrownBy(() -> SecretFile.readText("--client-auth-file", file))
                .isInstanceOf(IOException.class)
                .hasMessage("--client-auth-file " + file.toAbsolutePath() + ": expected a token of UTF-8 text, which"
                        + " clients send in their AUTH line, found the byte 0x9C at byte 6 of the file, which is not"
                        + " UTF-8 there (e.g. head -c 32 /dev/urandom | base64 > FILE; chmod 600 FILE)");
        assertThat(SecretFile.read("--cluster-secret-file", file)).as("any bytes make a cluster secret").hasSize(20);
    }
}
