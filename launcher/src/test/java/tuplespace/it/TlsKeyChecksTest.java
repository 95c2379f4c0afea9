package tuplespace.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tuplespace.codec.tls.TlsSettings;

/**
 * A listening side's key is refused at start when it cannot serve or is not kept to its owner: a key of another
 * certificate started, and every client's handshake then failed; a key anyone could read was taken without a word.
 */
class TlsKeyChecksTest {

    @TempDir
    Path folder;

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtStart() {
        TestCertificates one = TestCertificates.create(folder, "one");
        TestCertificates other = TestCertificates.create(folder, "other");

        assertThat(TlsSettings.fromOptions(one.certificate(), one.privateKey(), null, null)).isPresent();
        assertThatThrownBy(() -> TlsSettings.fromOptions(one.certificate(), other.privateKey(), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--tls-cert " + one.certificate() + ", --tls-key " + other.privateKey() + ": expected the"
                        + " private key of the certificate's public key (CN=localhost, EC), found another EC key");
    }

    @Test
    void aKeyGroupOrOthersMayReadIsRefusedAsSshRefusesOne() throws Exception {
        TestCertificates one = TestCertificates.create(folder, "one");
        Files.setPosixFilePermissions(one.privateKey(), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> TlsSettings.fromOptions(one.certificate(), one.privateKey(), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--tls-key " + one.privateKey() + ": its mode 0644 (rw-r--r--) lets group or others read or"
                        + " change the private key; expected a file only its owner can read (chmod 600 "
                        + one.privateKey().toAbsolutePath() + ")");
    }
}
