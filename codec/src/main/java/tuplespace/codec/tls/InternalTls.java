package tuplespace.codec.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * Mutual TLS on the internal links (the proxy's PRIMARY_SAP, BACKUP_SAP, HEARTBEAT_SAP): both sides present a
 * certificate the cluster's CA ({@code --tls-ca}) signed and check the other's. Peers are known by that CA, not by
 * host name (primary and backup swap roles and addresses), so host names are not verified; the cluster secret's
 * handshake, inside TLS, still binds each link to its role. Contexts are built once, at start.
 */
public final class InternalTls {

    private final TlsSettings settings;
    private final SslContext server;
    private final SslContext client;

    private InternalTls(TlsSettings settings, SslContext server, SslContext client) {
        this.settings = settings;
        this.server = server;
        this.client = client;
    }

    /**
     * @throws IllegalArgumentException naming the options when there is no CA or the files cannot be used
     */
    public static InternalTls of(TlsSettings settings) {
        Objects.requireNonNull(settings, "settings");
        if (settings.trusted().isEmpty()) {
            throw new IllegalArgumentException("TLS on internal links: expected --tls-ca naming the CA that signs every"
                    + " node's and the proxy's certificate, found none");
        }
        TlsSettings mutual = new TlsSettings(settings.certificate(), settings.privateKey(), settings.trusted(),
                TlsSettings.ClientAuthMode.REQUIRED);
        try {
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(settings.certificate().toFile(), settings.privateKey().toFile())
                    .trustManager(settings.trusted().get().toFile())
                    .endpointIdentificationAlgorithm(null) // peers are known by the CA, not by host name
                    .build();
            return new InternalTls(mutual, mutual.serverContext(), client);
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--tls-cert " + settings.certificate() + ", --tls-key "
                    + settings.privateKey() + ": expected a PEM certificate chain and its PKCS#8 PEM private key, found"
                    + " files TLS cannot use: " + TlsSettings.rootMessage(e), e);
        }
    }

    /** The files, for passing on to a backup. */
    public TlsSettings settings() {
        return settings;
    }

    /** For a link this side accepted: the peer must present a certificate the CA signed. */
    public SslContext server() {
        return server;
    }

    /** For a link this side opens: presents this side's certificate, checks the peer's against the CA. */
    public SslContext client() {
        return client;
    }
}
