package tuplespace.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tuplespace.codec.tls.TlsSettings;
import tuplespace.codec.tls.TlsSettings.ClientAuthMode;

class ProxySecurityTest {

    private static TlsSettings tls(ClientAuthMode clientAuth) {
        return new TlsSettings(Path.of("proxy.crt"), Path.of("proxy.key"), Optional.of(Path.of("ca.crt")), clientAuth);
    }

    /** The listening line says what a client must speak and show, so a client's refusal can be told from the log. */
    @Test
    void theClientPortTermsNameTlsAClientCertificateAndTheToken() {
        assertThat(ProxySecurity.none().clientPortTerms()).isEqualTo("no TLS");
        assertThat(ProxySecurity.none().withClientToken("0123456789abcdef0123").clientPortTerms())
                .isEqualTo("no TLS, AUTH token");
        assertThat(ProxySecurity.none().withClientTls(tls(ClientAuthMode.NONE)).clientPortTerms()).isEqualTo("TLS");
        assertThat(ProxySecurity.none().withClientTls(tls(ClientAuthMode.REQUIRED)).withClientToken(
                "0123456789abcdef0123").clientPortTerms()).isEqualTo("TLS with a client certificate, AUTH token");
    }
}
