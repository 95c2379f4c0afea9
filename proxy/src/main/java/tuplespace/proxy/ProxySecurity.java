package tuplespace.proxy;

import java.util.Objects;
import java.util.Optional;
import tuplespace.codec.auth.LinkSecurity;
import tuplespace.codec.tls.TlsSettings;

/**
 * Who may talk to the proxy.
 *
 * @param links the cluster secret PRIMARY_SAP and SHUTDOWN_SAP require (and the proxy proves when it relays SHUTDOWN
 *     or STATUS to the primary), if any
 * @param clientToken the token a client must send first ({@code --client-auth-file}), if any
 * @param clientTls TLS on the client port ({@code --tls-cert}, {@code --tls-key}, {@code --tls-ca},
 *     {@code --tls-client-auth}), if any
 */
public record ProxySecurity(LinkSecurity links, Optional<ClientToken> clientToken, Optional<TlsSettings> clientTls) {

    public ProxySecurity {
        Objects.requireNonNull(links, "links");
        Objects.requireNonNull(clientToken, "clientToken");
        Objects.requireNonNull(clientTls, "clientTls");
    }

    /** Nothing required: as before these options existed. */
    public static ProxySecurity none() {
        return new ProxySecurity(LinkSecurity.none(), Optional.empty(), Optional.empty());
    }

    public ProxySecurity withClientToken(String token) {
        return new ProxySecurity(links, Optional.of(ClientToken.of(token)), clientTls);
    }

    public ProxySecurity withClientTls(TlsSettings tls) {
        return new ProxySecurity(links, clientToken, Optional.of(tls));
    }

    /** What a client must speak and show, for the proxy's listening line: "TLS, AUTH token", say, or "no TLS". */
    String clientPortTerms() {
        String transport = clientTls.map(tls -> tls.clientAuth() == TlsSettings.ClientAuthMode.REQUIRED
                ? "TLS with a client certificate" : "TLS").orElse("no TLS");
        return transport + (clientToken.isPresent() ? ", AUTH token" : "");
    }
}
