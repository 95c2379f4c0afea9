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

    /** A certificate and its key in one file, as some tools write them, serves as both. */
    @Test
    void aFileHoldingTheCertificateAndItsKeyIsTaken() throws Exception {
        TestCertificates one = TestCertificates.create(folder, "one");
        Path both = folder.resolve("both.pem");
        Files.writeString(both, Files.readString(one.certificate()) + Files.readString(one.privateKey()));
        Files.setPosixFilePermissions(both, PosixFilePermissions.fromString("rw-------"));

        assertThat(TlsSettings.fromOptions(both, both, null, null)).isPresent();
    }

    @Test
    void aKeyAnyoneMayReadIsRefusedAsSshRefusesOne() throws Exception {
        TestCertificates one = TestCertificates.create(folder, "one");
        Files.setPosixFilePermissions(one.privateKey(), PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> TlsSettings.fromOptions(one.certificate(), one.privateKey(), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--tls-key " + one.privateKey() + ": its mode 0644 (rw-r--r--) lets anyone read or change"
                        + " the private key; expected a file only its owner (and its group) can read (chmod 640 "
                        + one.privateKey().toAbsolutePath() + ")");
        Files.setPosixFilePermissions(one.privateKey(), PosixFilePermissions.fromString("rw-r-----"));
        assertThat(TlsSettings.fromOptions(one.certificate(), one.privateKey(), null, null)).as("a group of its own")
                .isPresent();
    }
}
