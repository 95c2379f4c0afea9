package tuplespace.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLException;
import tuplespace.codec.tls.TlsSettings;

/**
 * TLS to a proxy started with {@code --tls-cert}: the certificates the client trusts (the proxy's {@code --tls-ca},
 * PEM), or the JVM's default trust store. The proxy's certificate must name the host the client connects to (host
 * name verification is on), and a certificate the client does not trust fails {@code connect}.
 *
 * @param trustedCertificates a PEM file of the CA certificates to trust; empty: the JVM's default trust store
 */
public record ClientTls(Optional<Path> trustedCertificates) {

    public ClientTls {
        Objects.requireNonNull(trustedCertificates, "trustedCertificates");
    }

    /** Trust the certificates in {@code caPemFile} (e.g. the proxy's {@code --tls-ca}). */
    public static ClientTls trusting(Path caPemFile) {
        return new ClientTls(Optional.of(caPemFile));
    }

    /** Trust what the JVM trusts by default (a certificate from a public CA). */
    public static ClientTls systemTrust() {
        return new ClientTls(Optional.empty());
    }

    /**
     * This, once its certificates are read: a file TLS cannot use fails here, naming it, rather than at {@code connect}
     * (where it would fail the same way), so a caller can tell a wrong file from a service it cannot reach.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public ClientTls checked() {
        try {
            context();
            return this;
        } catch (ConnectFailedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    SslContext context() {
        trustedCertificates.ifPresent(ca -> TlsSettings.unreadable(ca).ifPresent(found -> {
            throw new ConnectFailedException("cannot use the trusted certificates " + ca + ": " + found);
        }));
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
            trustedCertificates.ifPresent(ca -> builder.trustManager(ca.toFile()));
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConnectFailedException("cannot use the trusted certificates "
                    + trustedCertificates.map(Path::toString).orElse("of the JVM") + ": " + e.getMessage(), e);
        }
    }
}
