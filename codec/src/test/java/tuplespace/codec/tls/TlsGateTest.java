package tuplespace.codec.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class TlsGateTest {

    /** What TLS says of a peer it does not trust, or that does not trust this side, is a refusal. */
    @Test
    void anUntrustedCertificateOrAnAlertIsARefusal() {
        assertThat(TlsGate.isRefusal(new SSLHandshakeException("PKIX path building failed"))).isTrue();
        assertThat(TlsGate.isRefusal(new SSLHandshakeException("Received fatal alert: bad_certificate"))).isTrue();
        assertThat(TlsGate.isRefusal(new SSLHandshakeException("Empty client certificate chain"))).isTrue();
    }

    /** A connection that ended before the handshake could, or never opened, is an outage, not a refusal. */
    @Test
    void aConnectionThatEndedFirstIsNoRefusal() {
        assertThat(TlsGate.isRefusal(new ClosedChannelException())).isFalse();
        assertThat(TlsGate.isRefusal(new SSLException("SslHandler removed before handshake completed"))).isFalse();
        assertThat(TlsGate.isRefusal(new java.io.IOException("Connection reset by peer"))).isFalse();
    }
}
